import type { Status } from "../cases/lifecycle.ts";
import type { SlaClock } from "./alerts.ts";
import type { NextUpdateKind, SlaColumns } from "./timers.ts";

/**
 * What readers of a case see of its service levels. Staff see every running clock with
 * the time to its target; the customer sees only the promise made to them (when the
 * next update comes), never the internal targets, warnings or breaches.
 */
export interface ServiceLevelClock {
  clock: SlaClock;
  /** Why an update is owed; null for the first response. */
  promise: NextUpdateKind | null;
  dueAt: Date;
  /** Whole minutes until the target; negative once it has passed. */
  minutesToTarget: number;
  state: "ok" | "warning" | "breached";
  /** The first response is frozen while the case waits on the customer. */
  paused: boolean;
}

type Stored = Omit<SlaColumns, "nextUpdateKind"> & { nextUpdateKind: string | null; status: Status };

/** The running clocks, soonest first: the staff card's "time to target", the triage queue's order. */
export function staffServiceLevel(c: Stored, now: Date): ServiceLevelClock[] {
  if (c.status === "CLOSED") return [];
  const clocks: ServiceLevelClock[] = [];
  const add = (clock: SlaClock, promise: NextUpdateKind | null, dueAt: Date | null, warnAt: Date | null, paused: boolean) => {
    if (!dueAt) return;
    const minutesToTarget = Math.floor((dueAt.getTime() - now.getTime()) / 60_000);
    const state = dueAt.getTime() <= now.getTime() ? "breached" : warnAt && warnAt.getTime() <= now.getTime() ? "warning" : "ok";
    clocks.push({ clock, promise, dueAt, minutesToTarget, state: paused ? "ok" : state, paused });
  };
  if (c.firstRespondedAt === null) add("FIRST_RESPONSE", null, c.firstResponseDueAt, c.firstResponseWarnAt, c.status === "PENDING");
  add("NEXT_UPDATE", (c.nextUpdateKind as NextUpdateKind | null) ?? null, c.nextUpdateDueAt, c.nextUpdateWarnAt, false);
  return clocks.sort((a, b) => Number(a.paused) - Number(b.paused) || a.dueAt.getTime() - b.dueAt.getTime());
}

/** The customer's promise: "next update by 14:30" (cards show it in the reader's time zone). Null when none is owed. */
export function customerPromise(c: Stored, timeZone?: string): { nextUpdateBy: Date; timeZone?: string } | null {
  if (c.status === "CLOSED" || c.nextUpdateDueAt === null) return null;
  return timeZone ? { nextUpdateBy: c.nextUpdateDueAt, timeZone } : { nextUpdateBy: c.nextUpdateDueAt };
}
