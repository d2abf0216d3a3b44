import type { z } from "zod";
import { CaseError } from "./errors.ts";

/**
 * Parses input at a boundary. A failure becomes one VALIDATION error whose
 * fieldErrors name each field (the first path segment: a form's field) with the
 * schema's own user-facing message. Input values are never echoed into messages.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "input";
    fieldErrors[field] ??= issue.message;
  }
  const [field, message] = Object.entries(fieldErrors)[0] ?? ["input", "Invalid input."];
  throw new CaseError("VALIDATION", {
    field,
    message: Object.keys(fieldErrors).length === 1 ? message : undefined,
    fieldErrors,
  });
}
