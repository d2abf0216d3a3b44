import { randomUUID } from "node:crypto";
import type { Tx } from "../db/tx.ts";

/**
 * Events the delivery workers fan out to chat threads, DMs, channels and email.
 * Payloads carry ids and display text only; never credentials.
 */
export type NotificationEvent =
  | "case.filed"
  | "case.comment"
  | "case.status_changed"
  | "case.severity_changed"
  | "case.assigned"
  | "case.pending"
  | "case.reminder"
  | "case.closed"
  | "case.reopened"
  | "case.recommend_close"
  | "case.escalated"
  | "case.partner_handoff";

/** Written in the transaction of the change that causes it; a worker delivers it later. */
export async function enqueueNotification(
  tx: Tx,
  input: { caseId: string; event: NotificationEvent; payload: Record<string, unknown>; at: Date },
): Promise<string> {
  const id = randomUUID();
  await tx.notification.create({
    data: {
      id,
      caseId: input.caseId,
      event: input.event,
      payload: input.payload as object,
      availableAt: input.at,
      createdAt: input.at,
    },
  });
  return id;
}
