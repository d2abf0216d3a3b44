import { TZDate } from "@date-fns/tz";
import { addDays, format, getDay, subDays } from "date-fns";
import { z } from "zod";
import { inTransaction } from "../db/tx.ts";
import type { CoreDeps } from "../deps.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import { satisfactionResults } from "../satisfaction/results.ts";
import type { WeeklySummaryPayload } from "./events.ts";
import { buildServiceLevelReport } from "./report.ts";
import { serviceLevelsOf } from "./targets.ts";

/**
 * The weekly service-level summary to the management channel: once a week, at a
 * weekday and time of the vendor's time zone (the catalog's business-hours zone;
 * WEEKLY_SUMMARY, default "Mon 09:00"), a card with the past week's response times and
 * breaches per severity and account and its satisfaction results per engineer, account
 * and severity. Exactly once across instances and restarts: the week's WeeklySummary
 * row is inserted in the transaction that enqueues the card, and only the insert that
 * made it enqueues. A sweep that comes more than a day after the week's moment (the
 * service was down, or was just installed mid-week) sends nothing for that week: a
 * summary days late would tell management about a week they have moved past.
 */
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

export interface WeeklySchedule {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  hour: number;
  minute: number;
}

/** "Mon 09:00" (a weekday's first three letters, any case, and a 24-hour time), or "off". */
export const weeklyScheduleSchema = z
  .string()
  .trim()
  .transform((text, ctx): WeeklySchedule | null => {
    if (/^off$/i.test(text)) return null;
    const m = /^([a-z]{3})[a-z]*\s+([01]\d|2[0-3]):([0-5]\d)$/i.exec(text);
    const weekday = m ? DAYS.indexOf(m[1]!.toLowerCase() as (typeof DAYS)[number]) : -1;
    if (!m || weekday < 0) {
      ctx.addIssue({ code: "custom", message: 'a weekday and a time, e.g. "Mon 09:00", or "off"' });
      return z.NEVER;
    }
    return { weekday, hour: Number(m[2]), minute: Number(m[3]) };
  });

export const DEFAULT_WEEKLY_SCHEDULE: WeeklySchedule = { weekday: 1, hour: 9, minute: 0 };
const DAY_MS = 24 * 60 * 60_000;

/** The latest scheduled moment at or before `now`, and its week's key (the local date of that moment). */
export function latestSlot(now: Date, schedule: WeeklySchedule, timeZone: string): { week: string; at: Date } {
  const local = new TZDate(now.getTime(), timeZone);
  let day = subDays(local, (getDay(local) - schedule.weekday + 7) % 7);
  let at = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), schedule.hour, schedule.minute, timeZone);
  if (at.getTime() > now.getTime()) {
    day = addDays(day, -7);
    at = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), schedule.hour, schedule.minute, timeZone);
  }
  return { week: format(at, "yyyy-MM-dd"), at: new Date(at.getTime()) };
}

const MAX_ROWS = 100;
const MAX_GROUPS = 50;

/** Sends this week's summary if it is due and nobody sent it yet; returns the week sent, or null. */
export async function sendWeeklySummary(deps: CoreDeps, schedule: WeeklySchedule | null): Promise<string | null> {
  if (!schedule) return null;
  const now = deps.clock.now();
  const timeZone = serviceLevelsOf(deps.catalog).businessHours.timeZone;
  const slot = latestSlot(now, schedule, timeZone);
  if (now.getTime() - slot.at.getTime() > DAY_MS) return null;
  // Cheap look first: every sweep of every instance asks, and only one a week finds work.
  if (await deps.prisma.weeklySummary.findUnique({ where: { week: slot.week }, select: { week: true } })) return null;

  const from = subDays(slot.at, 7);
  const [report, satisfaction] = await Promise.all([
    buildServiceLevelReport(deps.prisma, deps.catalog, { from, to: slot.at }),
    satisfactionResults(deps.prisma, { from, to: slot.at }),
  ]);
  const payload: WeeklySummaryPayload = {
    week: slot.week,
    from: from.toISOString(),
    to: slot.at.toISOString(),
    timeZone,
    rows: report.rows.slice(0, MAX_ROWS).map(({ accountId: _id, ...row }) => row),
    moreRows: Math.max(0, report.rows.length - MAX_ROWS),
    satisfaction: {
      asked: satisfaction.asked,
      answered: satisfaction.answered,
      average: satisfaction.average,
      byEngineer: satisfaction.byEngineer.slice(0, MAX_GROUPS),
      byAccount: satisfaction.byAccount.slice(0, MAX_GROUPS),
      bySeverity: satisfaction.bySeverity,
    },
  };
  const sent = await inTransaction(deps.prisma, async (tx) => {
    const { count } = await tx.weeklySummary.createMany({ data: [{ week: slot.week, claimedAt: now }], skipDuplicates: true });
    if (count === 0) return false;
    await enqueueNotification(tx, { caseId: null, event: "sla.weekly_summary", payload, at: now });
    return true;
  });
  if (!sent) return null;
  deps.logger.info({ week: slot.week }, "weekly service-level summary enqueued");
  return slot.week;
}
