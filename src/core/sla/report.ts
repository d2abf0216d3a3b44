import { subDays } from "date-fns";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { isVendorSide } from "../accounts/policy.ts";
import { severitySchema } from "../cases/schemas.ts";
import type { SeverityLevel } from "../cases/schemas.ts";
import type { Catalog } from "../catalog.ts";
import type { PrismaClient } from "../db/connect.ts";
import type { Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { serviceMinutesBetween, type HoursKind } from "./business-time.ts";
import { calendarOf, serviceLevelsOf, targetsFor } from "./targets.ts";

/**
 * Response times and breaches per severity and account, for the operator and support
 * managers (never customers: targets are internal). A period is the last N days up to
 * now. First-response times are counted in each case's own hours (business minutes for
 * a business-hours severity), from filing to the first public staff reply, less the
 * time the case spent Pending Your Response before that reply: the first-response timer
 * is frozen while the case waits on the customer (timers.ts), and the report counts what
 * the timer counts.
 */
export const serviceLevelReportSchema = z.object({
  days: z.coerce.number({ error: "Give the period as a number of days." }).int().min(1, "At least 1 day.").max(366, "At most 366 days.").default(7),
  accountId: z.uuid({ error: "Give an account id." }).optional(),
  severity: severitySchema.optional(),
});
export type ServiceLevelReportInput = z.input<typeof serviceLevelReportSchema>;

export interface ServiceLevelRow {
  severity: SeverityLevel;
  accountId: string;
  account: string;
  /** Cases filed in the period. */
  filed: number;
  /** Of those, how many got their first public staff reply. */
  firstResponses: number;
  /** Median first response of those, in the hours the row's cases are counted in (null when none). */
  medianFirstResponseMinutes: number | null;
  hours: HoursKind | "mixed";
  /** Alerts raised in the period. */
  firstResponseBreaches: number;
  nextUpdateBreaches: number;
  warnings: number;
  /** Open cases whose promise has passed, now. */
  overdueNow: number;
}

export interface ServiceLevelReport {
  from: Date;
  to: Date;
  rows: ServiceLevelRow[];
}

/** More cases than this in one period are reported on their first this many (the CLI says so). */
const MAX_CASES = 50_000;

export async function serviceLevelReport(deps: CoreDeps, ctx: Ctx, raw: ServiceLevelReportInput = {}): Promise<ServiceLevelReport & { truncated: boolean }> {
  const input = parseInput(serviceLevelReportSchema, raw);
  const actor = await loadActor(deps.prisma, ctx.actor);
  if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff see service-level reports." });
  const to = deps.clock.now();
  return buildServiceLevelReport(deps.prisma, deps.catalog, { from: subDays(to, input.days), to, accountId: input.accountId, severity: input.severity });
}

export interface ReportScope {
  from: Date;
  to: Date;
  accountId?: string | undefined;
  severity?: SeverityLevel | undefined;
}

/** The report of a period, for whoever the caller already allowed (the CLI's operator, staff, the weekly summary). */
export async function buildServiceLevelReport(db: PrismaClient | Tx, catalog: Catalog, period: ReportScope): Promise<ServiceLevelReport & { truncated: boolean }> {
  const { from, to } = period;
  const levels = serviceLevelsOf(catalog);
  const cal = calendarOf(levels);
  const scope = { ...(period.accountId ? { accountId: period.accountId } : {}), ...(period.severity ? { severity: period.severity } : {}) };

  const cases = await db.case.findMany({
    where: { ...scope, createdAt: { gte: from, lt: to } },
    select: { id: true, severity: true, caseType: true, accountId: true, createdAt: true, firstRespondedAt: true },
    orderBy: { createdAt: "asc" },
    take: MAX_CASES + 1,
  });
  const pauses = await pendingBeforeFirstResponse(db, cases.slice(0, MAX_CASES));
  const alerts = await db.slaAlert.groupBy({
    by: ["severity", "accountId", "clock", "stage"],
    where: { ...scope, at: { gte: from, lt: to }, sent: true },
    _count: { _all: true },
  });
  const overdue = await db.case.groupBy({
    by: ["severity", "accountId"],
    where: {
      ...scope,
      status: { not: "CLOSED" },
      OR: [{ nextUpdateDueAt: { lt: to } }, { firstRespondedAt: null, status: { not: "PENDING" }, firstResponseDueAt: { lt: to } }],
    },
    _count: { _all: true },
  });

  const rows = new Map<string, ServiceLevelRow & { minutes: number[]; kinds: Set<HoursKind> }>();
  const rowOf = (severity: SeverityLevel, accountId: string) => {
    const key = `${severity}/${accountId}`;
    let row = rows.get(key);
    if (!row) {
      row = { severity, accountId, account: "", filed: 0, firstResponses: 0, medianFirstResponseMinutes: null, hours: "calendar", firstResponseBreaches: 0, nextUpdateBreaches: 0, warnings: 0, overdueNow: 0, minutes: [], kinds: new Set() };
      rows.set(key, row);
    }
    return row;
  };
  for (const c of cases.slice(0, MAX_CASES)) {
    const row = rowOf(c.severity, c.accountId);
    row.filed += 1;
    if (!c.firstRespondedAt) continue;
    const hours = targetsFor(levels, c).hours;
    row.kinds.add(hours);
    row.firstResponses += 1;
    const paused = (pauses.get(c.id) ?? []).reduce((sum, p) => sum + serviceMinutesBetween(p.from, p.to, hours, cal), 0);
    row.minutes.push(Math.max(0, serviceMinutesBetween(c.createdAt, c.firstRespondedAt, hours, cal) - paused));
  }
  for (const a of alerts) {
    const row = rowOf(a.severity, a.accountId);
    const n = a._count._all;
    if (a.stage === "WARNING") row.warnings += n;
    else if (a.clock === "FIRST_RESPONSE") row.firstResponseBreaches += n;
    else row.nextUpdateBreaches += n;
  }
  for (const o of overdue) rowOf(o.severity, o.accountId).overdueNow += o._count._all;

  const names = new Map(
    (await db.account.findMany({ where: { id: { in: [...new Set([...rows.values()].map((r) => r.accountId))] } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]),
  );
  const out: ServiceLevelRow[] = [...rows.values()].map(({ minutes, kinds, ...row }) => ({
    ...row,
    account: names.get(row.accountId) ?? row.accountId,
    medianFirstResponseMinutes: median(minutes),
    hours: kinds.size > 1 ? "mixed" : ([...kinds][0] ?? levels.severities[row.severity].hours),
  }));
  out.sort((a, b) => a.severity.localeCompare(b.severity) || a.account.localeCompare(b.account));
  return { from, to, rows: out, truncated: cases.length > MAX_CASES };
}

/**
 * The Pending periods of each answered case before its first response, from the audit
 * trail (every status change records `status: [from, to]`). Only cases that got a first
 * response are looked at, in chunks, and only entries before that response.
 */
async function pendingBeforeFirstResponse(
  db: PrismaClient | Tx,
  cases: { id: string; firstRespondedAt: Date | null }[],
): Promise<Map<string, { from: Date; to: Date }[]>> {
  const answered = new Map(cases.flatMap((c) => (c.firstRespondedAt ? [[c.id, c.firstRespondedAt] as const] : [])));
  const out = new Map<string, { from: Date; to: Date }[]>();
  const ids = [...answered.keys()];
  for (let i = 0; i < ids.length; i += 1_000) {
    const chunk = ids.slice(i, i + 1_000);
    const latest = new Date(Math.max(...chunk.map((id) => answered.get(id)!.getTime())));
    const entries = await db.auditEntry.findMany({
      where: { caseId: { in: chunk }, at: { lte: latest } },
      select: { caseId: true, changes: true, at: true },
      orderBy: { id: "asc" },
    });
    const since = new Map<string, Date>();
    for (const e of entries) {
      const caseId = e.caseId!;
      const respondedAt = answered.get(caseId)!;
      if (e.at.getTime() > respondedAt.getTime()) continue;
      const move = statusMove(e.changes);
      if (!move) continue;
      if (move.to === "PENDING") since.set(caseId, e.at);
      else if (move.from === "PENDING" && since.has(caseId)) {
        out.set(caseId, [...(out.get(caseId) ?? []), { from: since.get(caseId)!, to: e.at }]);
        since.delete(caseId);
      }
    }
    // Still Pending when the first response came (a staff reply on a Pending case): the pause ends there.
    for (const [caseId, from] of since) out.set(caseId, [...(out.get(caseId) ?? []), { from, to: answered.get(caseId)! }]);
  }
  return out;
}

function statusMove(changes: unknown): { from: unknown; to: unknown } | null {
  if (typeof changes !== "object" || changes === null || !("status" in changes)) return null;
  const status = (changes as { status: unknown }).status;
  return Array.isArray(status) && status.length === 2 ? { from: status[0], to: status[1] } : null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m);
}
