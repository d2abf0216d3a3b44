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
