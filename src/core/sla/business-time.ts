import { TZDate } from "@date-fns/tz";
import { addDays, addMinutes, format, getDay, startOfDay } from "date-fns";

/**
 * Service time: how far a promise runs, counted either around the clock (calendar
 * hours) or only in the vendor's business hours (weekdays, opening to closing, in the
 * vendor's time zone, minus holidays). Pure functions of their arguments; every local
 * day is computed with TZDate, so a daylight-saving change moves opening time with the
 * wall clock (09:00 stays 09:00) and a calendar hour is always 60 real minutes.
 */
export type HoursKind = "calendar" | "business";

export interface BusinessCalendar {
  /** IANA zone of the vendor's support desk, e.g. "America/New_York". */
  timeZone: string;
  /** Working weekdays, 0 = Sunday … 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing on a working day, "HH:mm" local time; closing is after opening. */
  start: string;
  end: string;
  /** Local dates ("yyyy-MM-dd") the desk is closed. */
  holidays: readonly string[];
}

const MINUTE = 60_000;
/** No real calendar needs more than this to find an open hour; a bad one must not loop forever. */
const MAX_DAYS_SCANNED = 3_700;

function clockTime(hhmm: string): [number, number] {
  const [h, m] = hhmm.split(":").map(Number);
  return [h!, m!];
}

/** The opening and closing of the local day containing `at`, or null when the desk is closed that day. */
function windowOf(day: TZDate, cal: BusinessCalendar): [Date, Date] | null {
  if (!cal.days.includes(getDay(day))) return null;
  if (cal.holidays.includes(format(day, "yyyy-MM-dd"))) return null;
  const [sh, sm] = clockTime(cal.start);
  const [eh, em] = clockTime(cal.end);
  const open = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), sh, sm, cal.timeZone);
  const close = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), eh, em, cal.timeZone);
  return [new Date(open.getTime()), new Date(close.getTime())];
}

/** The business windows from the one containing (or following) `from`, in order. */
function* windowsFrom(from: Date, cal: BusinessCalendar): Generator<[Date, Date]> {
  let day = startOfDay(new TZDate(from.getTime(), cal.timeZone));
  for (let i = 0; i < MAX_DAYS_SCANNED; i += 1) {
    const w = windowOf(day, cal);
    if (w && w[1].getTime() > from.getTime()) yield [new Date(Math.max(w[0].getTime(), from.getTime())), w[1]];
    day = startOfDay(addDays(day, 1));
  }
  throw new Error(`The business calendar has no open hour within ${MAX_DAYS_SCANNED} days of ${from.toISOString()}.`);
}

/**
 * The moment `minutes` of service time after `start`. Zero business minutes outside
 * business hours is the next opening ("immediately" means when the desk is next open);
 * a target that ends exactly at closing is due at closing, not the next morning.
 */
export function addServiceTime(start: Date, minutes: number, kind: HoursKind, cal: BusinessCalendar): Date {
  if (kind === "calendar") return addMinutes(start, minutes);
  let remaining = minutes * MINUTE;
  for (const [open, close] of windowsFrom(start, cal)) {
    const available = close.getTime() - open.getTime();
    if (remaining <= available) return new Date(open.getTime() + remaining);
    remaining -= available;
  }
  /* c8 ignore next */
  throw new Error("unreachable: windowsFrom throws when it runs out");
}

/** Service minutes between two moments (0 when `to` is not after `from`), as a response-time report counts them. */
export function serviceMinutesBetween(from: Date, to: Date, kind: HoursKind, cal: BusinessCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  if (kind === "calendar") return (to.getTime() - from.getTime()) / MINUTE;
  let total = 0;
  for (const [open, close] of windowsFrom(from, cal)) {
    if (open.getTime() >= to.getTime()) break;
    total += Math.min(close.getTime(), to.getTime()) - open.getTime();
    if (close.getTime() >= to.getTime()) break;
  }
  return total / MINUTE;
}

/** Whether the desk is open at `at` (the staff card may say "paused until Monday 09:00"). */
export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const w = windowOf(startOfDay(new TZDate(at.getTime(), cal.timeZone)), cal);
  return w !== null && w[0].getTime() <= at.getTime() && at.getTime() < w[1].getTime();
}
