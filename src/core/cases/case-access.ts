import { loadActor } from "../accounts/actors.ts";
import { canOnCase, type Actor, type CaseAction } from "../accounts/policy.ts";
import { inTransaction, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { caseWhere } from "./case-reader.ts";
import { caseInclude, type CaseRow } from "./presenter.ts";
import type { CaseRef } from "./schemas.ts";

/** Finds a case by number ("00010001", 10001) or id; NOT_FOUND when absent. */
export async function resolveCaseId(db: Tx, ref: CaseRef, field = "case"): Promise<string> {
  const row = await db.case.findUnique({ where: caseWhere(ref, field), select: { id: true } });
  if (!row) throw new CaseError("NOT_FOUND", { field, message: "No case with that number is visible to you." });
  return row.id;
}

/**
 * Checks the actor may do `action` on the case. A case the actor may not even see
 * is reported as not found, so its existence does not leak.
 */
export function assertCan(actor: Actor, action: CaseAction, row: Pick<CaseRow, "accountId" | "partnerId">): void {
  const target = { accountId: row.accountId, partnerId: row.partnerId };
  if (!canOnCase(actor, "view", target)) {
    throw new CaseError("NOT_FOUND", { field: "case", message: "No case with that number is visible to you." });
  }
  if (!canOnCase(actor, action, target)) throw new CaseError("FORBIDDEN");
}

export interface CaseChange {
  tx: Tx;
  actor: Actor;
  row: CaseRow;
  now: Date;
}

/**
 * The frame of every change to a case: one transaction, the case row locked and
 * re-read, the permission checked, then the change itself. The actor is loaded fresh
 * just before the transaction opens: a first-time chat user is linked by the email
 * their platform reports, and that call to Slack or Teams must not hold a transaction
 * (on the embedded database, its only connection) while it waits.
 */
export async function changeCase<T>(
  deps: CoreDeps,
  ctx: Ctx,
  ref: CaseRef,
  action: CaseAction,
  fn: (change: CaseChange) => Promise<T>,
): Promise<T> {
  const where = caseWhere(ref);
  const actor = await loadActor(deps.prisma, ctx.actor);
  return inTransaction(deps.prisma, async (tx) => {
    const caseId = await lockCaseWhere(tx, where);
    const row = await tx.case.findUniqueOrThrow({ where: { id: caseId }, include: caseInclude });
    assertCan(actor, action, row);
    return fn({ tx, actor, row, now: deps.clock.now() });
  });
}

/** Finds and locks the case in one statement; "not visible" when there is none. */
async function lockCaseWhere(tx: Tx, where: { id?: string; number?: number }): Promise<string> {
  const rows =
    where.number !== undefined
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Case" WHERE number = ${where.number} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Case" WHERE id = ${where.id}::uuid FOR UPDATE`;
  if (!rows[0]) throw new CaseError("NOT_FOUND", { field: "case", message: "No case with that number is visible to you." });
  return rows[0].id;
}
