import type { SeverityLevel } from "../cases/schemas.ts";
import type { Status } from "../cases/lifecycle.ts";
import { earliest, type NextUpdateKind, type SlaColumns } from "./timers.ts";

/**
 * What a sweep owes a case at a moment: a warning at the configured share of a
 * target, an alert at the target itself; pure, so the exactly-once claim (a unique
 * row per clock, stage and promise) is the only state the sweeps share.
 */
export type SlaClock = "FIRST_RESPONSE" | "NEXT_UPDATE";
export type SlaStage = "WARNING" | "BREACH";
/** Warnings go to the owner, or the triage channel when nobody owns the case; breaches to on-call, or management. */
export type SlaRoute = "owner" | "triage" | "on-call" | "management";

export interface SlaAlert {
  clock: SlaClock;
  stage: SlaStage;
  /** The promise this alert is about: the claim's key, with the case, clock and stage. */
  dueAt: Date;
  /** Why the next update is owed (a reply, an escalation, the in-progress cadence); null for the first response. */
  promise: NextUpdateKind | null;
  route: SlaRoute;
  /** Whether it is sent, or only claimed (a warning overtaken by its breach during a catch-up is never sent late). */
  send: boolean;
}

export interface SlaSweepCase extends SlaColumns {
  status: Status;
  severity: SeverityLevel;
  ownerId: string | null;
}

export interface SlaDue {
  alerts: SlaAlert[];
  /** The next moment to look at the case again, after these alerts; null when nothing more can come. */
  nextCheckAt: Date | null;
}

export function routeOf(stage: SlaStage, c: Pick<SlaSweepCase, "severity" | "ownerId">, promise: NextUpdateKind | null): SlaRoute {
  if (stage === "WARNING") return c.ownerId ? "owner" : "triage";
  return c.severity === "S1" || promise === "MANAGEMENT_ESCALATION" ? "management" : "on-call";
}

export function slaAlertsDue(c: SlaSweepCase, now: Date): SlaDue {
  if (c.status === "CLOSED") return { alerts: [], nextCheckAt: null };
  const clocks: { clock: SlaClock; warnAt: Date | null; dueAt: Date | null; promise: NextUpdateKind | null }[] = [
    { clock: "NEXT_UPDATE", warnAt: c.nextUpdateWarnAt, dueAt: c.nextUpdateDueAt, promise: c.nextUpdateKind },
  ];
  // The first-response clock is frozen while the case waits on the customer.
  if (c.status !== "PENDING" && c.firstRespondedAt === null) {
    clocks.unshift({ clock: "FIRST_RESPONSE", warnAt: c.firstResponseWarnAt, dueAt: c.firstResponseDueAt, promise: null });
  }
  const alerts: SlaAlert[] = [];
  const later: (Date | null)[] = [];
  const reached = (at: Date) => at.getTime() <= now.getTime();
  for (const { clock, warnAt, dueAt, promise } of clocks) {
    if (!dueAt) continue;
    const breached = reached(dueAt);
    if (warnAt && reached(warnAt) && warnAt.getTime() < dueAt.getTime()) {
      alerts.push({ clock, stage: "WARNING", dueAt, promise, route: routeOf("WARNING", c, promise), send: !breached });
    } else if (warnAt && !reached(warnAt)) later.push(warnAt);
    if (breached) alerts.push({ clock, stage: "BREACH", dueAt, promise, route: routeOf("BREACH", c, promise), send: true });
    else later.push(dueAt);
  }
  return { alerts, nextCheckAt: earliest(later) };
}
