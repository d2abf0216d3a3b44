import { recordAudit } from "../audit.ts";
import { inTransaction, lockCase } from "../db/tx.ts";
import type { CoreDeps } from "../deps.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import { clocksAfter } from "../sla/case-clocks.ts";
import { dueActions, type DueAction } from "./lifecycle.ts";
import { formatCaseNumber } from "./presenter.ts";

const SYSTEM = { kind: "system" } as const;

/**
 * Applies what the clock says is due for one case: the reminder, the automatic
 * close for no response, the credentials purge. The case row is locked and the rule
 * re-evaluated inside the transaction, so however many sweeps race, each effect
 * happens once (the reminder is stamped; a closed case is no longer Pending).
 */
export async function applyDueActions(deps: CoreDeps, caseId: string): Promise<DueAction[]> {
  return inTransaction(deps.prisma, async (tx) => {
    await lockCase(tx, caseId);
    const row = await tx.case.findUniqueOrThrow({ where: { id: caseId } });
    const now = deps.clock.now();
    const { timers } = deps.catalog;
    const due = dueActions({ ...row, hasCredentials: row.credentialsSealed !== null }, now, timers);
    const base = { number: formatCaseNumber(row.number), subject: row.subject };
    for (const action of due) {
      switch (action) {
        case "REMIND":
          await tx.case.update({ where: { id: caseId }, data: { reminderSentAt: now } });
          await recordAudit(tx, { caseId, accountId: row.accountId, actor: SYSTEM, action: "case.reminder", source: "system", at: now });
          await enqueueNotification(tx, {
            caseId,
            event: "case.reminder",
            payload: { ...base, pendingSince: row.statusChangedAt.toISOString(), closesAfterDays: timers.autoCloseAfterDays },
            at: now,
          });
          break;
        case "AUTO_CLOSE":
          await tx.case.update({
            where: { id: caseId },
            data: { status: "CLOSED", statusChangedAt: now, closedAt: now, closeReason: "NO_RESPONSE", reminderSentAt: null, updatedAt: now, ...clocksAfter(deps.catalog, row, { kind: "status", to: "CLOSED" }, now) },
          });
          await recordAudit(tx, {
            caseId,
            accountId: row.accountId,
            actor: SYSTEM,
            action: "case.closed",
            changes: { status: [row.status, "CLOSED"], closeReason: "NO_RESPONSE" },
            source: "system",
            at: now,
          });
          await enqueueNotification(tx, {
            caseId,
            event: "case.closed",
            payload: { ...base, reason: "NO_RESPONSE", reasonLabel: deps.catalog.closeReasons.NO_RESPONSE.label, automatic: true, reopenWindowDays: timers.reopenWindowDays },
            at: now,
          });
          break;
        case "PURGE_CREDENTIALS":
          await tx.case.update({ where: { id: caseId }, data: { credentialsSealed: null, credentialsPurgedAt: now } });
          await recordAudit(tx, { caseId, accountId: row.accountId, actor: SYSTEM, action: "case.credentials_purged", changes: { credentials: "purged" }, source: "system", at: now });
          break;
      }
    }
    if (due.length > 0) deps.logger.info({ caseId, due }, "clock actions applied");
    return due;
  });
}
