import { CaseError, toCaseError } from "../../src/core/errors.ts";

/** Awaits a call that must be refused and returns its CaseError; fails the test if it succeeded. */
export async function refusal(call: Promise<unknown>): Promise<CaseError> {
  try {
    await call;
  } catch (error) {
    return toCaseError(error);
  }
  throw new Error("expected the call to be refused, but it succeeded");
}

export { CaseError };
