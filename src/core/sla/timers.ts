import type { SeverityLevel } from "../cases/schemas.ts";
import type { Status } from "../cases/lifecycle.ts";
import { addServiceTime, serviceMinutesBetween, type BusinessCalendar } from "./business-time.ts";
import { calendarOf, targetOf, targetsFor, type PromiseKind, type ServiceLevels, type SeverityTargets, type Target } from "./targets.ts";

/**
 * The service-level timers of a case, as pure functions of the case, the change made
 * to it and the time. The results are stored on the case (due times, and the moment
 * the next warning or breach is to be checked) in the same statement as the change,
 * so the sweeps find them by index and a restart loses nothing.
 *
 * - First response: starts at filing, stops at the first public staff reply; frozen
 *   while Pending Your Response and resumed with the time it had left.
 * - Next update: restarts on each customer reply (with the severity's next-update
 *   target) and on each escalation (the acknowledgement's promise, kept if an earlier
 *   promise is sooner); after a public staff update on an open, not Pending case the
 *   in-progress cadence runs (S1 every 2 hours, S2 every business day by default);
 *   cleared while Pending (nothing is owed until the customer answers).
 * - A severity change recomputes both from when they started with the new targets.
 */
export type NextUpdateKind = Exclude<PromiseKind, "FIRST_RESPONSE">;

export interface SlaColumns {
  firstResponseDueAt: Date | null;
  firstResponseWarnAt: Date | null;
  firstRespondedAt: Date | null;
  /** When the running next-update promise started (a customer reply, an escalation, a staff update). */
  nextUpdateFrom: Date | null;
  nextUpdateDueAt: Date | null;
  nextUpdateWarnAt: Date | null;
  nextUpdateKind: NextUpdateKind | null;
  /** The earliest warning or breach still to check; null when no clock runs. The sweeps' index. */
  slaCheckAt: Date | null;
}

export interface SlaCase extends SlaColumns {
  accountId: string;
  caseType: "FEATURE_REQUEST" | "HOW_TO" | "TECHNICAL_ISSUE";
  severity: SeverityLevel;
  status: Status;
  statusChangedAt: Date;
  createdAt: Date;
}

export type SlaChange =
  | { kind: "filed" }
  /** A public reply (internal notes change nothing); `status` is the case's status after it. */
  | { kind: "reply"; by: "staff" | "customer"; status: Status }
  | { kind: "escalated"; management: boolean }
  | { kind: "status"; to: Status }
  | { kind: "severity"; to: SeverityLevel };

export const NO_CLOCKS: SlaColumns = {
  firstResponseDueAt: null,
  firstResponseWarnAt: null,
  firstRespondedAt: null,
  nextUpdateFrom: null,
  nextUpdateDueAt: null,
  nextUpdateWarnAt: null,
  nextUpdateKind: null,
  slaCheckAt: null,
};

interface Promised {
  dueAt: Date;
  warnAt: Date;
}

/** A promise made at `from`: due after the target, warned at the configured share of it. */
export function promiseFrom(from: Date, target: Target, warnAtShare: number, cal: BusinessCalendar): Promised {
  return {
    dueAt: addServiceTime(from, target.minutes, target.hours, cal),
    warnAt: addServiceTime(from, Math.floor(target.minutes * warnAtShare), target.hours, cal),
  };
}

export function firstResponseOutstanding(s: Pick<SlaColumns, "firstRespondedAt" | "firstResponseDueAt">): boolean {
  return s.firstRespondedAt === null && s.firstResponseDueAt !== null;
}

/** The case's clocks after `change`, made at `now`. */
export function slaAfter(c: SlaCase, change: SlaChange, now: Date, levels: ServiceLevels): SlaColumns {
  const cal = calendarOf(levels);
  const share = levels.warnAtShare;
  const severity = change.kind === "severity" ? change.to : c.severity;
  const targets = targetsFor(levels, { accountId: c.accountId, caseType: c.caseType, severity });
  const statusAfter = change.kind === "status" ? change.to : change.kind === "reply" ? change.status : change.kind === "filed" ? "NEW" : c.status;
  let s: SlaColumns = pickColumns(c);

  if (c.status === "PENDING" && statusAfter !== "PENDING" && statusAfter !== "CLOSED") {
    s = resumeFirstResponse(s, c.statusChangedAt, now, targets, cal);
  }

  switch (change.kind) {
    case "filed": {
      const target = targetOf(targets, "FIRST_RESPONSE");
      const p = target ? promiseFrom(now, target, share, cal) : null;
      s = { ...NO_CLOCKS, firstResponseDueAt: p?.dueAt ?? null, firstResponseWarnAt: p?.warnAt ?? null };
      break;
    }
    case "reply":
      if (change.by === "staff") {
        s = { ...s, firstRespondedAt: s.firstRespondedAt ?? now, firstResponseDueAt: null, firstResponseWarnAt: null };
        // A public update answers whatever was owed; an open case that is not waiting on the customer owes the next one.
        s = statusAfter === "PENDING" || statusAfter === "CLOSED" ? clearNextUpdate(s) : nextUpdate(s, "IN_PROGRESS", now, targets, share, cal);
      } else if (!firstResponseOutstanding(s) && statusAfter !== "CLOSED") {
        s = soonerOf(s, nextUpdate(s, "REPLY", now, targets, share, cal));
      }
      break;
    case "escalated": {
      const kind: NextUpdateKind = change.management ? "MANAGEMENT_ESCALATION" : "ESCALATION";
      const promised = nextUpdate(s, kind, now, targets, share, cal);
      // The escalation's promise, unless an earlier one is sooner; either way the breach now counts as the escalation's.
      const kept = soonerOf(s, promised);
      s = kept.nextUpdateDueAt === null ? kept : { ...kept, nextUpdateKind: kind };
      break;
    }
    case "status":
      if (change.to === "CLOSED") s = { ...NO_CLOCKS, firstRespondedAt: s.firstRespondedAt };
      else if (change.to === "PENDING") s = clearNextUpdate(s);
      else if (c.status === "PENDING" && s.nextUpdateDueAt === null) s = nextUpdate(s, "IN_PROGRESS", now, targets, share, cal);
      break;
    case "severity":
      if (firstResponseOutstanding(s)) {
        const target = targetOf(targets, "FIRST_RESPONSE");
        const p = target ? promiseFrom(c.createdAt, target, share, cal) : null;
        s = { ...s, firstResponseDueAt: p?.dueAt ?? null, firstResponseWarnAt: p?.warnAt ?? null };
      }
      if (s.nextUpdateFrom && s.nextUpdateKind) s = nextUpdate(s, s.nextUpdateKind, s.nextUpdateFrom, targets, share, cal);
      break;
  }
  return { ...s, slaCheckAt: checkAt(s, statusAfter) };
}

function pickColumns(c: SlaColumns): SlaColumns {
  return {
    firstResponseDueAt: c.firstResponseDueAt,
    firstResponseWarnAt: c.firstResponseWarnAt,
    firstRespondedAt: c.firstRespondedAt,
    nextUpdateFrom: c.nextUpdateFrom,
    nextUpdateDueAt: c.nextUpdateDueAt,
    nextUpdateWarnAt: c.nextUpdateWarnAt,
    nextUpdateKind: c.nextUpdateKind,
    slaCheckAt: c.slaCheckAt,
  };
}

function clearNextUpdate(s: SlaColumns): SlaColumns {
  return { ...s, nextUpdateFrom: null, nextUpdateDueAt: null, nextUpdateWarnAt: null, nextUpdateKind: null };
}

/** The next-update promise of `kind` made at `from`, or none when the case has no such clock. */
function nextUpdate(s: SlaColumns, kind: NextUpdateKind, from: Date, targets: SeverityTargets, share: number, cal: BusinessCalendar): SlaColumns {
  const target = targetOf(targets, kind);
  if (!target) return clearNextUpdate(s);
  const p = promiseFrom(from, target, share, cal);
  return { ...s, nextUpdateFrom: from, nextUpdateDueAt: p.dueAt, nextUpdateWarnAt: p.warnAt, nextUpdateKind: kind };
}

/** A new promise replaces a running one unless the running one is due sooner (a reply must not postpone an escalation's promise). */
function soonerOf(current: SlaColumns, next: SlaColumns): SlaColumns {
  if (next.nextUpdateDueAt === null) return current.nextUpdateDueAt === null ? next : current;
  if (current.nextUpdateDueAt !== null && current.nextUpdateDueAt.getTime() < next.nextUpdateDueAt.getTime()) return current;
  return next;
}

/** Leaving Pending: the frozen first-response clock runs on with the service time it had left when the pause began. */
function resumeFirstResponse(s: SlaColumns, pausedAt: Date, now: Date, targets: SeverityTargets, cal: BusinessCalendar): SlaColumns {
  if (!firstResponseOutstanding(s)) return s;
  const hours = targets.hours;
  const shift = (at: Date | null) => (at === null ? null : addServiceTime(now, serviceMinutesBetween(pausedAt, at, hours, cal), hours, cal));
  return { ...s, firstResponseDueAt: shift(s.firstResponseDueAt), firstResponseWarnAt: shift(s.firstResponseWarnAt) };
}

/** The earliest moment a sweep must look at the case: a warning or breach of a running clock. */
function checkAt(s: SlaColumns, status: Status): Date | null {
  if (status === "CLOSED") return null;
  const times = [s.nextUpdateWarnAt, s.nextUpdateDueAt];
  if (status !== "PENDING") times.push(s.firstResponseWarnAt, s.firstResponseDueAt);
  return earliest(times);
}

export function earliest(times: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const t of times) if (t && (!best || t.getTime() < best.getTime())) best = t;
  return best;
}
