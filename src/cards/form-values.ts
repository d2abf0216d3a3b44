import type { EscalateInput, FileCaseInput } from "../core/cases/schemas.ts";
import type { CaseError } from "../core/errors.ts";
import { NEW_CASE_FIELDS, type NewCaseField } from "./new-case-form.ts";

/**
 * Submitted form values (input id -> text) back into the core's inputs, and the
 * core's field errors back onto the form's inputs. Used by both adapters; the core
 * validates everything again.
 */
export type FormValues = Record<string, string | undefined>;

export function newCaseInput(values: FormValues, state: Record<string, string>): FileCaseInput {
  const [productFromFeature, feature] = (values.feature ?? "").split("/");
  const username = values.credentialsUsername?.trim();
  const password = values.credentialsPassword;
  return {
    idempotencyKey: state.key ?? "",
    accountId: values.accountId ?? "",
    caseType: (values.caseType ?? "") as FileCaseInput["caseType"],
    severity: (values.severity ?? "") as FileCaseInput["severity"],
    subject: values.subject ?? "",
    description: values.description ?? "",
    // The feature's value names its product; a product chosen separately must agree (the core checks).
    product: productFromFeature || values.product || "",
    feature: feature ?? "",
    pid: values.pid,
    exampleUrl: values.exampleUrl,
    stepsToReproduce: values.stepsToReproduce,
    credentials: username || password ? { username: username ?? "", password: password ?? "" } : undefined,
    contactId: values.contactId,
    phone: values.phone,
    cc: values.cc ?? "",
    linkedFromCase: state.linked || undefined,
  };
}

/** The values to show again when the form comes back (the password is never among them). */
export function newCaseValues(values: FormValues): Partial<Record<NewCaseField, string>> {
  const out: Partial<Record<NewCaseField, string>> = {};
  for (const field of NEW_CASE_FIELDS) if (field !== "credentialsPassword" && values[field] !== undefined) out[field] = values[field];
  if (!out.product && values.feature?.includes("/")) out.product = values.feature.split("/")[0];
  return out;
}

/** Core field names onto the form's input ids; anything without an input lands on `fallback`. */
export function formErrors(error: CaseError, inputs: readonly string[], fallback: string): Record<string, string> {
  const rename: Record<string, string> = { credentials: "credentialsUsername", linkedFromCase: fallback, idempotencyKey: fallback, input: fallback };
  const out: Record<string, string> = {};
  const entries = Object.keys(error.fieldErrors).length ? Object.entries(error.fieldErrors) : [[error.field ?? fallback, error.message] as const];
  for (const [field, message] of entries) {
    const id = rename[field] ?? field;
    out[inputs.includes(id) ? id : fallback] ??= message;
  }
  return out;
}

export function escalateInput(values: FormValues): EscalateInput {
  return { reason: (values.reason ?? "") as EscalateInput["reason"], description: values.description ?? "" };
}
