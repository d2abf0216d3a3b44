import { addDays, isBefore } from "date-fns";
import type { Catalog } from "../catalog.ts";

/**
 * The case clock as pure functions of a case's state and the time: what is due
 * (the reminder after 5 days Pending, closing after 10, the credentials purge) and
 * whether a reply may still reopen a closed case. Running them on a schedule is the
 * sweeps' job; the service applies them under a row lock so each happens once.
 */
export type Status = "NEW" | "IN_PROGRESS" | "PENDING" | "CLOSED";
export type Timers = Catalog["timers"];

export interface ClockState {
  status: Status;
  statusChangedAt: Date;
  reminderSentAt: Date | null;
  closedAt: Date | null;
  hasCredentials: boolean;
}

export type DueAction = "REMIND" | "AUTO_CLOSE" | "PURGE_CREDENTIALS";

export function reminderDueAt(state: ClockState, timers: Timers): Date | null {
  return state.status === "PENDING" ? addDays(state.statusChangedAt, timers.reminderAfterDays) : null;
}

export function autoCloseDueAt(state: ClockState, timers: Timers): Date | null {
  return state.status === "PENDING" ? addDays(state.statusChangedAt, timers.autoCloseAfterDays) : null;
}

export function credentialsPurgeDueAt(state: ClockState, timers: Timers): Date | null {
  if (state.status !== "CLOSED" || !state.closedAt || !state.hasCredentials) return null;
  return addDays(state.closedAt, timers.credentialsPurgeAfterDays);
}

/**
 * What is due now. A case pending long enough to close gets no reminder first: the
 * closing notice replaces it (a sweep catching up after downtime must not send both).
 */
export function dueActions(state: ClockState, now: Date, timers: Timers): DueAction[] {
  const reached = (at: Date | null) => at !== null && !isBefore(now, at);
  const actions: DueAction[] = [];
  if (reached(autoCloseDueAt(state, timers))) actions.push("AUTO_CLOSE");
  else if (reached(reminderDueAt(state, timers)) && state.reminderSentAt === null) actions.push("REMIND");
  if (reached(credentialsPurgeDueAt(state, timers))) actions.push("PURGE_CREDENTIALS");
  return actions;
}

/** A customer reply within the window (7 days by default) of closing reopens the case. */
export function canReopen(state: Pick<ClockState, "status" | "closedAt">, now: Date, timers: Timers): boolean {
  if (state.status !== "CLOSED" || !state.closedAt) return false;
  return isBefore(now, addDays(state.closedAt, timers.reopenWindowDays));
}

export const OPEN_STATUSES: readonly Status[] = ["NEW", "IN_PROGRESS", "PENDING"];

export function isOpen(status: Status): boolean {
  return status !== "CLOSED";
}

/** Status a staff member may set directly; closing has its own operation (it needs a reason). */
export function staffMaySetStatus(from: Status, to: Status): boolean {
  if (from === "CLOSED" || to === "CLOSED" || to === "NEW") return false;
  return from !== to;
}

/** Where a customer's reply takes the case; null means the reply is refused. */
export function statusAfterCustomerReply(
  state: Pick<ClockState, "status" | "closedAt">,
  now: Date,
  timers: Timers,
): Status | null {
  switch (state.status) {
    case "PENDING":
      return "IN_PROGRESS";
    case "CLOSED":
      return canReopen(state, now, timers) ? "IN_PROGRESS" : null;
    default:
      return state.status;
  }
}
