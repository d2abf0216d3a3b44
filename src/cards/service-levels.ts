import type { Catalog } from "../core/catalog.ts";
import type { ServiceLevelClock } from "../core/sla/view.ts";
import { serviceLevelsOf } from "../core/sla/targets.ts";
import { isTimeZone } from "../core/time-zone.ts";
import { formatTime } from "./labels.ts";
import type { Block, Tone } from "./model.ts";

/**
 * Service levels as cards say them. Staff see the soonest running clock with its time to
 * target ("First response due in 42 min", "Next update 1 h 10 min late"); customers see
 * only the promise ("Next update by 14:30 …"), never a target, a warning or a breach.
 * The minutes come from the core's view, read at the time the card is built, so the
 * builders need no clock.
 */

const CLOCK_LABEL: Record<ServiceLevelClock["clock"], string> = { FIRST_RESPONSE: "First response", NEXT_UPDATE: "Next update" };
const STATE_TONE: Record<ServiceLevelClock["state"], Tone> = { ok: "good", warning: "warning", breached: "attention" };
const STATE_LABEL: Record<ServiceLevelClock["state"], string> = { ok: "on time", warning: "warning", breached: "breached" };

/** "42 min", "1 h 10 min", "2 d 3 h": whole minutes, no seconds, the two largest units. */
export function formatDuration(minutes: number): string {
  const m = Math.abs(minutes);
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** "First response due in 42 min (warning)", "Next update 1 h 10 min late (breached)", or paused while Pending. */
export function timeToTarget(clock: ServiceLevelClock): string {
  const what = CLOCK_LABEL[clock.clock];
  if (clock.paused) return `${what} paused while the case waits on the customer`;
  const when = clock.minutesToTarget >= 0 ? `due in ${formatDuration(clock.minutesToTarget)}` : `${formatDuration(clock.minutesToTarget)} late`;
  return `${what} ${when} (${STATE_LABEL[clock.state]})`;
}

/**
 * The staff card's line: the soonest running clock (the core lists them soonest first), toned
 * by its state. A card in a channel is redrawn only when the case changes, so the minutes are
 * as of the drawing; the target's own time follows them and stays true.
 */
export function staffServiceLevelBlocks(clocks: ServiceLevelClock[] | undefined): Block[] {
  const soonest = clocks?.[0];
  if (!soonest) return [];
  const target = soonest.paused ? "" : ` · target ${formatTime(soonest.dueAt)}`;
  return [{ type: "text", text: `${timeToTarget(soonest)}${target}`, tone: soonest.paused ? "default" : STATE_TONE[soonest.state] }];
}

/**
 * The time zone a promise is told in: the reader's (the platform's, with the request, or
 * the one the core knows for them or their account), else the vendor's business-hours zone from the catalog (the zone the targets are kept in).
 */
export function promiseTimeZone(catalog: Catalog, readerTimeZone?: string): string {
  return readerTimeZone && isTimeZone(readerTimeZone) ? readerTimeZone : serviceLevelsOf(catalog).businessHours.timeZone;
}

/** "14:30 on Thu 5 Mar, America/New_York time": the hour first, as promised, with the day and zone so it cannot be misread. */
export function formatPromiseTime(at: Date, timeZone: string): string {
  const part = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone, ...options }).format(at);
  const time = part({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const day = part({ weekday: "short", day: "numeric", month: "short" }).replace(",", "");
  return `${time} on ${day}, ${timeZone} time`;
}

/** The customer's promise line, or nothing when no update is owed. */
export function promiseBlocks(promise: { nextUpdateBy: Date; timeZone?: string } | null | undefined, catalog: Catalog, readerTimeZone?: string): Block[] {
  if (!promise) return [];
  return [{ type: "context", text: `Next update by ${formatPromiseTime(promise.nextUpdateBy, promiseTimeZone(catalog, readerTimeZone))}.` }];
}
