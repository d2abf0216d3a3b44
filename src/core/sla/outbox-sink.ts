import { enqueueNotification } from "../notify/outbox.ts";
import type { SlaAlertSink } from "./sweep.ts";

/** The sweep's alerts into the outbox, in the claiming transaction: a warning or a breach, with what its card shows. */
export const outboxSink: SlaAlertSink = async (tx, a, at) => {
  await enqueueNotification(tx, {
    caseId: a.caseId,
    event: a.stage === "WARNING" ? "case.sla_warning" : "case.sla_breach",
    payload: {
      number: a.number,
      subject: a.subject,
      severity: a.severity,
      clock: a.clock,
      promise: a.promise,
      dueAt: a.dueAt.toISOString(),
      route: a.route,
      owner: a.owner,
      minutesLate: a.minutesLate,
      minutesLeft: a.minutesLeft,
    },
    at,
  });
};
