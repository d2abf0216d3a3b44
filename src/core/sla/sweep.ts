import { randomUUID } from "node:crypto";
import type { SeverityLevel } from "../cases/schemas.ts";
import { formatCaseNumber } from "../cases/presenter.ts";
import { inTransaction, lockCase, type Tx } from "../db/tx.ts";
import type { CoreDeps } from "../deps.ts";
import { slaAlertsDue, type SlaAlert } from "./alerts.ts";
import { toSlaCase } from "./case-clocks.ts";

/**
 * The service-level sweep: cases whose next warning or breach has come are found by
 * the indexed `slaCheckAt`; each is handled in one transaction under its row lock.
 * Every alert is claimed by inserting its SlaAlert row (unique per case, clock, stage
 * and promise; a repeat inserts nothing) and is enqueued only when this sweep's
 * insert made the row, in the same transaction: however many instances sweep, and
 * whatever restarts in between, each warning and each breach goes out once.
 */
export async function findSlaDueCases(deps: CoreDeps, limit: number): Promise<string[]> {
  const rows = await deps.prisma.case.findMany({
    where: { slaCheckAt: { lte: deps.clock.now() } },
    select: { id: true },
    orderBy: { slaCheckAt: "asc" },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/** A claimed alert with what its card says: the case, the promise and how late (or how close) it is. */
export interface SlaAlertSent extends SlaAlert {
  caseId: string;
  number: string;
  subject: string;
  severity: SeverityLevel;
  owner: string | null;
  /** Minutes past the promise (breach), or left before it (warning); whole minutes. */
  minutesLate: number;
  minutesLeft: number;
}

/** What the sweep does once an alert is claimed: enqueue its notification in the same transaction. */
export type SlaAlertSink = (tx: Tx, alert: SlaAlertSent, at: Date) => Promise<void>;

export async function applySlaAlerts(deps: CoreDeps, caseId: string, sink: SlaAlertSink): Promise<SlaAlertSent[]> {
  return inTransaction(deps.prisma, async (tx) => {
    await lockCase(tx, caseId);
    const row = await tx.case.findUniqueOrThrow({ where: { id: caseId }, include: { owner: { select: { name: true } } } });
    const now = deps.clock.now();
    // Another sweep handled it while this one waited for the lock.
    if (!row.slaCheckAt || row.slaCheckAt.getTime() > now.getTime()) return [];
    const due = slaAlertsDue({ ...toSlaCase(row), ownerId: row.ownerId }, now);
    const sent: SlaAlertSent[] = [];
    for (const alert of due.alerts) {
      const { count } = await tx.slaAlert.createMany({
        data: [
          {
            id: randomUUID(),
            caseId,
            clock: alert.clock,
            stage: alert.stage,
            dueAt: alert.dueAt,
            promise: alert.promise,
            severity: row.severity,
            accountId: row.accountId,
            route: alert.route,
            sent: alert.send,
            at: now,
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0 || !alert.send) continue;
      const minutes = Math.floor((now.getTime() - alert.dueAt.getTime()) / 60_000);
      const full: SlaAlertSent = {
        ...alert,
        caseId,
        number: formatCaseNumber(row.number),
        subject: row.subject,
        severity: row.severity,
        owner: row.owner?.name ?? null,
        minutesLate: Math.max(0, minutes),
        minutesLeft: Math.max(0, -minutes),
      };
      await sink(tx, full, now);
      sent.push(full);
    }
    await tx.case.update({ where: { id: caseId }, data: { slaCheckAt: due.nextCheckAt } });
    if (sent.length > 0) deps.logger.info({ caseId, alerts: sent.map((a) => `${a.clock}:${a.stage}:${a.route}`) }, "service-level alerts");
    return sent;
  });
}

export interface SlaSweepResult {
  warnings: number;
  breaches: number;
}

/** Everything due now, in batches, until nothing is left. */
export async function sweepServiceLevels(deps: CoreDeps, sink: SlaAlertSink, batch = 200): Promise<SlaSweepResult> {
  const result: SlaSweepResult = { warnings: 0, breaches: 0 };
  const seen = new Set<string>();
  for (;;) {
    const due = (await findSlaDueCases(deps, batch)).filter((id) => !seen.has(id));
    if (due.length === 0) return result;
    for (const id of due) {
      seen.add(id);
      for (const alert of await applySlaAlerts(deps, id, sink)) {
        if (alert.stage === "WARNING") result.warnings += 1;
        else result.breaches += 1;
      }
    }
  }
}
