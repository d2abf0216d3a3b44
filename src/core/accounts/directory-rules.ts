import { inTransaction, isUniqueViolation, lockAccount, type Tx } from "../db/tx.ts";
import type { CoreDeps } from "../deps.ts";
import { CaseError } from "../errors.ts";
import type { Actor } from "./policy.ts";
import { idSchema } from "./schemas.ts";

/**
 * What every part of the directory (accounts, people, partners, chat identities) holds
 * to: who may administer what, ids that name nothing, taken email addresses, seats.
 */

/** Each directory operation is one transaction, at the core's clock. */
export function directoryContext(deps: CoreDeps) {
  return {
    tx: <T>(fn: (tx: Tx) => Promise<T>) => inTransaction(deps.prisma, fn),
    now: () => deps.clock.now(),
  };
}

export function assertAdmin(actor: Actor, what: string): void {
  // Staff administer customers and partners; only managers (and the operator) add staff.
  const allowed = actor.kind === "operator" || (actor.kind === "staff" && (what !== "staff" || actor.role === "MANAGER"));
  if (!allowed) {
    throw new CaseError("FORBIDDEN", { message: `Only support staff or the operator may create ${what}.` });
  }
}

/** An id that is not even a uuid names nothing: not found, rather than a failed query. */
export function existingId(id: unknown, field: string): string {
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) throw new CaseError("NOT_FOUND", { field });
  return parsed.data;
}

export function emailTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new CaseError("VALIDATION", { field: "email", message: "Someone with that email address already exists." });
  throw error;
}

/** Seats are held by active contacts; a new or reactivated contact needs a free one. */
export async function assertSeatFree(tx: Tx, accountId: string): Promise<void> {
  await lockAccount(tx, accountId);
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { seatLimit: true, csmName: true } });
  const used = await tx.person.count({ where: { accountId, kind: "CONTACT", active: true } });
  if (used >= account.seatLimit) {
    throw new CaseError("SEAT_LIMIT", {
      field: "accountId",
      message: `This account uses all ${account.seatLimit} seats of its service package. Ask your Customer Success Manager (${account.csmName}) for more seats.`,
    });
  }
}

