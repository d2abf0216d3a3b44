import type { Prisma } from "../../generated/prisma/client.ts";
import { recordAudit, type Changes, type SourceName } from "../audit.ts";
import { enqueueNotification, type NotificationEvent } from "../notify/outbox.ts";
import type { CaseChange } from "./case-access.ts";
import type { Status } from "./lifecycle.ts";
import { formatCaseNumber } from "./presenter.ts";

export interface Transition {
  action: string;
  data: Prisma.CaseUpdateInput;
  changes: Changes;
  event?: NotificationEvent;
  payload?: Record<string, unknown>;
}

/** Writes one change to a locked case with its audit entry and notification, in the caller's transaction. */
export async function applyTransition(change: CaseChange, source: SourceName, t: Transition): Promise<void> {
  const { tx, actor, row, now } = change;
  await tx.case.update({ where: { id: row.id }, data: { ...t.data, updatedAt: now } });
  await recordAudit(tx, { caseId: row.id, accountId: row.accountId, actor, action: t.action, changes: t.changes, source, at: now });
  if (t.event) {
    await enqueueNotification(tx, {
      caseId: row.id,
      event: t.event,
      payload: { number: formatCaseNumber(row.number), subject: row.subject, ...t.payload },
      at: now,
    });
  }
}

/** The data of a move to `to`: the clock restarts, and a new Pending period gets its own reminder. */
export function statusData(to: Status, now: Date): Prisma.CaseUpdateInput {
  return { status: to, statusChangedAt: now, reminderSentAt: null };
}
