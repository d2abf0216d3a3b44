/**
 * One error type for the whole product, a closed set of codes, one table of the
 * messages users see. Adapters show `userMessage` (plus a reference id for
 * UNEXPECTED); logs get `cause`. An exception's own text never reaches a user.
 */
export const ERROR_CODES = {
  VALIDATION: "Some of what was entered needs another look.",
  NOT_FOUND: "That item does not exist, or you do not have access to it.",
  FORBIDDEN: "You do not have permission to do that.",
  UNKNOWN_USER:
    "You are not registered as a contact of a customer account yet. Ask your organisation's support administrator or your Customer Success Manager to add you.",
  SEAT_LIMIT:
    "Your account has used all the seats of its service package. Ask your Customer Success Manager for more seats.",
  INVALID_STATE: "That cannot be done while the case is in its current status.",
  REOPEN_WINDOW_PASSED:
    "This case was closed more than 7 days ago and can no longer be reopened. You can open a new case linked to it.",
  CONFLICT: "Someone else changed this at the same moment. Please try again.",
  CONFIG: "The service is misconfigured.",
  UNEXPECTED: "Something went wrong on our side. Please try again; if it keeps happening, contact support with the reference below.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Failures worth the platform's retry: something on our side (the database, a conflict
 * between concurrent changes), never a refusal of what the user sent. An adapter that
 * meets one while writing answers 5xx, so Slack or Teams delivers the message again.
 */
export function isRetryable(code: ErrorCode): boolean {
  return code === "UNEXPECTED" || code === "CONFLICT";
}

/**
 * What is wrong with one field, in our words, when its schema has no sentence of its
 * own; parseInput puts the field's label first ("Subject: at most 255 characters."),
 * so zod's own wording ("Too big: expected int to be <=9007199254740991") never
 * reaches a user. {max} and {min} are filled in with the schema's bounds.
 */
export const FIELD_PROBLEMS = {
  required: "this is required.",
  tooLong: "at most {max} characters.",
  tooShort: "at least {min} characters.",
  tooMany: "at most {max} entries.",
  tooLarge: "at most {max}.",
  tooSmall: "at least {min}.",
  outOfRange: "that number is out of range.",
  notANumber: "enter a number.",
  notWhole: "enter a whole number.",
  notText: "enter text.",
  notChoice: "choose one of the offered options.",
  email: "enter a valid email address.",
  link: "enter a link starting with http:// or https://.",
  format: "this is not in the expected format.",
  unstorable: "contains characters that cannot be stored (a NUL character or half of an emoji); remove them and try again.",
  unexpectedFields: "holds fields that do not belong here.",
  invalid: "this needs another look.",
} as const;
export type FieldProblem = keyof typeof FIELD_PROBLEMS;

const count = new Intl.NumberFormat("en-GB");

export function fieldProblem(problem: FieldProblem, bounds: { max?: number; min?: number } = {}): string {
  return FIELD_PROBLEMS[problem].replace(/\{(max|min)\}/g, (_, key: "max" | "min") => count.format(bounds[key] ?? 0));
}

/** How fields are named to users; a field not listed is named from its key ("seatLimit": "Seat limit"). */
const FIELD_LABELS: Record<string, string> = {
  accountId: "Account", caseType: "Case type", severity: "Severity", subject: "Subject", description: "Description",
  product: "Product", feature: "Feature", pid: "Partner ID", exampleUrl: "Example link", stepsToReproduce: "Steps to reproduce",
  credentials: "Test login", contactId: "Contact", phone: "Phone", cc: "CC", reason: "Reason", body: "Text", query: "Search",
  case: "Case", duplicateOf: "Duplicate of", linkedFromCase: "Linked case", note: "Note", feedback: "Feedback",
  engineerId: "Engineer", partnerId: "Partner", personId: "Person", parentId: "Parent account", csmName: "Customer Success Manager",
  csmEmail: "CSM email", seatLimit: "Seats", supportChannel: "Support channel", pageSize: "Page size", idempotencyKey: "Form",
};

export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A field's message as it stands alone (a notice lists several): "Subject: at most 255 characters." */
export function labelledFieldMessage(field: string, message: string): string {
  const label = fieldLabel(field);
  return message.startsWith(`${label}:`) ? message : `${label}: ${message}`;
}

export interface CaseErrorOptions {
  /** The input field the message concerns, e.g. "cc" or "description". */
  field?: string;
  /** Overrides the table's message; must itself be safe to show a user. */
  message?: string;
  /** Per-field messages, for forms that show several at once. */
  fieldErrors?: Record<string, string>;
  /** Data a client may act on, e.g. the case a new linked case would refer to. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class CaseError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly fieldErrors: Record<string, string>;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, options: CaseErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code], { cause: options.cause });
    this.name = "CaseError";
    this.code = code;
    this.field = options.field;
    this.fieldErrors = options.fieldErrors ?? (options.field ? { [options.field]: this.message } : {});
    this.details = options.details ?? {};
  }

  /** What a user may be shown. */
  get userMessage(): string {
    return this.message;
  }
}

/** At each adapter boundary: anything thrown becomes a CaseError; unknown ones are UNEXPECTED. */
export function toCaseError(error: unknown): CaseError {
  if (error instanceof CaseError) return error;
  return new CaseError("UNEXPECTED", { cause: error });
}
