import type { z } from "zod";
import { CaseError, fieldLabel, fieldProblem, type FieldProblem } from "./errors.ts";

/**
 * The longest string any input may hold (a publication's body), whatever its schema
 * says: a schema that forgets its `.max()` still cannot carry a megabyte to the database.
 */
export const MAX_TEXT = 100_000;

/**
 * Parses input at a boundary: every core operation takes its input through here.
 * A failure becomes one VALIDATION error whose fieldErrors name each field (the first
 * path segment: a form's field), all fields at once. Messages are ours: the schema's
 * own sentence where it has one, otherwise our words for the problem after the
 * field's label. Input values are never echoed into messages.
 *
 * Before the schema, one rule for all text: no string anywhere in the input may hold
 * a NUL (PostgreSQL refuses it in text) or half of a surrogate pair (it cannot be
 * encoded as UTF-8, so it would be stored as something else or fail the statement).
 *
 * `field` names the input itself when it is a single value (a case number).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, options: { field?: string } = {}): z.infer<S> {
  const rootField = options.field ?? "input";
  const fieldErrors: Record<string, string> = {};
  const add = (field: string, message: string) => {
    fieldErrors[field] ??= message;
  };
  const strings = stringsByField(input, rootField);
  for (const [field, values] of strings) if (values.some(unstorable)) add(field, ours(field, "unstorable"));

  const result = schema.safeParse(input, { error: (issue) => ourWords(issue, rootField) });
  if (!result.success) {
    for (const issue of result.error.issues) add(fieldOf(issue.path, rootField), issue.message);
  }
  for (const [field, values] of strings) if (values.some((v) => v.length > MAX_TEXT)) add(field, ours(field, "tooLong", { max: MAX_TEXT }));

  const fields = Object.keys(fieldErrors);
  if (fields.length === 0 && result.success) return result.data;
  const [field = rootField] = fields;
  throw new CaseError("VALIDATION", {
    field,
    message: fields.length === 1 ? fieldErrors[field] : undefined,
    fieldErrors,
  });
}

/** A high surrogate not followed by a low one, or a low one without its high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** True for text PostgreSQL cannot store: a NUL, or half of a surrogate pair (it has no UTF-8 form). Adapters check whole payloads with it too. */
export const unstorable = (text: string) => text.includes("\u0000") || LONE_SURROGATE.test(text);

function fieldOf(path: readonly PropertyKey[], rootField: string): string {
  return path.length > 0 ? String(path[0]) : rootField;
}

/** A message for a field: its label, then the problem; the input as a whole gets the problem alone. */
function ours(field: string, problem: FieldProblem, bounds?: { max?: number; min?: number }): string {
  const words = fieldProblem(problem, bounds);
  if (field === "input") return words.charAt(0).toUpperCase() + words.slice(1);
  return `${fieldLabel(field)}: ${words}`;
}

/**
 * Every string of the input (keys included), grouped by the field it belongs to.
 * Inputs are JSON-like; a cycle or absurd depth is not followed further.
 */
function stringsByField(input: unknown, rootField: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const seen = new WeakSet<object>();
  const walk = (value: unknown, field: string, depth: number) => {
    if (typeof value === "string") {
      const list = out.get(field) ?? [];
      list.push(value);
      out.set(field, list);
      return;
    }
    if (typeof value !== "object" || value === null || depth > 32 || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) walk(item, field, depth + 1);
      return;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return; // a Date, a Buffer: not text
    for (const [key, item] of Object.entries(value)) {
      const child = depth === 0 ? key : field;
      walk(key, child, depth + 1);
      walk(item, child, depth + 1);
    }
  };
  walk(input, rootField, 0);
  return out;
}

const INT_LIMITS = new Set<unknown>([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** Our words for an issue the schema gave no message for. Exhaustive: a new zod issue code fails to compile. */
function ourWords(issue: z.core.$ZodRawIssue, rootField: string): string {
  const field = fieldOf(issue.path ?? [], rootField);
  const say = (problem: FieldProblem, bounds?: { max?: number; min?: number }) => ours(field, problem, bounds);
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined || issue.input === null) return say("required");
      if (issue.expected === "int" && typeof issue.input === "number" && Number.isFinite(issue.input)) return say("notWhole");
      if (issue.expected === "number" || issue.expected === "int" || issue.expected === "bigint") return say("notANumber");
      return issue.expected === "string" ? say("notText") : say("format");
    case "too_big": {
      if (INT_LIMITS.has(issue.maximum)) return say("outOfRange");
      const max = Number(issue.maximum);
      if (issue.origin === "string") return say("tooLong", { max });
      if (issue.origin === "array" || issue.origin === "set") return say("tooMany", { max });
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return say("tooLarge", { max });
      return say("format");
    }
    case "too_small": {
      if (INT_LIMITS.has(issue.minimum)) return say("outOfRange");
      const min = Number(issue.minimum);
      if (issue.origin === "string") return min <= 1 ? say("required") : say("tooShort", { min });
      if (issue.origin === "array" || issue.origin === "set") return say("required");
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return say("tooSmall", { min });
      return say("format");
    }
    case "invalid_format":
      if (issue.format === "email") return say("email");
      if (issue.format === "url") return say("link");
      // Ids come from our own pickers and buttons: a malformed one is a choice not offered.
      if (issue.format === "uuid" || issue.format === "guid") return say("notChoice");
      return say("format");
    case "invalid_value":
      return say("notChoice");
    case "unrecognized_keys":
      return say("unexpectedFields");
    case "not_multiple_of":
    case "invalid_union":
    case "invalid_key":
    case "invalid_element":
      return say("format");
    case "custom":
      return say("invalid");
    default: {
      const never: never = issue;
      void never;
      return say("invalid");
    }
  }
}
