import { subDays } from "date-fns";
import type { CoreDeps } from "../deps.ts";
import { pruneInboundEvents } from "../follow/threads.ts";
import { applyDueActions } from "./clock-actions.ts";
import { autoCloseDueAt, credentialsPurgeDueAt, reminderDueAt, type DueAction } from "./lifecycle.ts";
import { formatCaseNumber } from "./presenter.ts";
import { outboxSink } from "../sla/outbox-sink.ts";
import { sweepServiceLevels, type SlaSweepResult } from "../sla/sweep.ts";

/**
 * The clock's sweeps: find the cases with something due, by indexed queries
 * (status + statusChangedAt, status + closedAt), then apply each case's due actions
 * under its row lock. Several instances may sweep at once and a sweep may catch up
 * after downtime: the lock and the re-check make each effect happen once.
 */
export async function findDueCases(deps: CoreDeps, limit: number): Promise<string[]> {
  const now = deps.clock.now();
  const { timers } = deps.catalog;
  const rows = await deps.prisma.case.findMany({
    where: {
      OR: [
        // Pending long enough for the reminder (not yet sent), or long enough to close.
        { status: "PENDING", statusChangedAt: { lte: subDays(now, timers.reminderAfterDays) }, reminderSentAt: null },
        { status: "PENDING", statusChangedAt: { lte: subDays(now, timers.autoCloseAfterDays) } },
        { status: "CLOSED", closedAt: { lte: subDays(now, timers.credentialsPurgeAfterDays) }, credentialsSealed: { not: null } },
      ],
    },
    select: { id: true },
    orderBy: { statusChangedAt: "asc" },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export interface SweepResult {
  cases: number;
  actions: Record<DueAction, number>;
  /** Platform delivery ids forgotten (older than any retry). */
  prunedEvents: number;
  /** Service-level warnings and breaches sent (each once, whichever instance swept). */
  serviceLevels: SlaSweepResult;
}

/** One sweep: everything due now, in batches, until nothing is left. */
export async function sweep(deps: CoreDeps, batch = 200): Promise<SweepResult> {
  const result: SweepResult = {
    cases: 0,
    actions: { REMIND: 0, AUTO_CLOSE: 0, PURGE_CREDENTIALS: 0 },
    prunedEvents: await pruneInboundEvents(deps),
    serviceLevels: { warnings: 0, breaches: 0 },
  };
  const seen = new Set<string>();
  for (;;) {
    const due = (await findDueCases(deps, batch)).filter((id) => !seen.has(id));
    if (due.length === 0) {
      // After the clock's own actions, so a case just closed for no response raises no alert.
      result.serviceLevels = await sweepServiceLevels(deps, outboxSink, batch);
      return result;
    }
    for (const id of due) {
      seen.add(id);
      const applied = await applyDueActions(deps, id);
      if (applied.length) result.cases += 1;
      for (const a of applied) result.actions[a] += 1;
    }
  }
}

export interface UpcomingAction {
  number: string;
  action: DueAction;
  dueAt: Date;
}

/** What the sweeps will do next, soonest first: for the operator. */
export async function upcomingActions(deps: CoreDeps, limit = 20): Promise<UpcomingAction[]> {
  const { timers } = deps.catalog;
  const rows = await deps.prisma.case.findMany({
    where: { OR: [{ status: "PENDING" }, { status: "CLOSED", credentialsSealed: { not: null } }] },
    select: { number: true, status: true, statusChangedAt: true, reminderSentAt: true, closedAt: true, credentialsSealed: true },
    orderBy: { statusChangedAt: "asc" },
    take: 1000,
  });
  const out: UpcomingAction[] = [];
  for (const r of rows) {
    const state = { ...r, hasCredentials: r.credentialsSealed !== null };
    const number = formatCaseNumber(r.number);
    const remind = reminderDueAt(state, timers);
    if (remind && !r.reminderSentAt) out.push({ number, action: "REMIND", dueAt: remind });
    const close = autoCloseDueAt(state, timers);
    if (close) out.push({ number, action: "AUTO_CLOSE", dueAt: close });
    const purge = credentialsPurgeDueAt(state, timers);
    if (purge) out.push({ number, action: "PURGE_CREDENTIALS", dueAt: purge });
  }
  return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).slice(0, limit);
}
