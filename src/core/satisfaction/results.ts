import { subDays } from "date-fns";
import { loadActor } from "../accounts/actors.ts";
import { isVendorSide } from "../accounts/policy.ts";
import type { SeverityLevel } from "../cases/schemas.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { serviceLevelReportSchema, type ServiceLevelReportInput } from "../sla/report.ts";
import { parseInput } from "../validation.ts";
import type { PrismaClient } from "../db/connect.ts";
import type { Tx } from "../db/tx.ts";

/**
 * Satisfaction results for a period, per engineer (the case's owner when it closed),
 * account and severity: surveys sent in the period, answers given in it, and their
 * average score. For staff and the operator only (the callers check who asks).
 */
export interface SatisfactionGroup {
  /** The engineer's, account's name or the severity; "nobody" for cases closed without an owner. */
  name: string;
  asked: number;
  answered: number;
  /** Average score of the answers, one decimal; null when none. */
  average: number | null;
}

export interface SatisfactionResults {
  asked: number;
  answered: number;
  average: number | null;
  byEngineer: SatisfactionGroup[];
  byAccount: SatisfactionGroup[];
  bySeverity: SatisfactionGroup[];
}

/** At most this many surveys are read for one period (the report says so when cut). */
const MAX_SURVEYS = 50_000;

export async function satisfactionResults(db: PrismaClient | Tx, scope: { from: Date; to: Date; accountId?: string; severity?: SeverityLevel }): Promise<SatisfactionResults> {
  const filter = { ...(scope.accountId ? { accountId: scope.accountId } : {}), ...(scope.severity ? { severity: scope.severity } : {}) };
  const rows = await db.satisfactionSurvey.findMany({
    where: { ...filter, OR: [{ askedAt: { gte: scope.from, lt: scope.to } }, { answeredAt: { gte: scope.from, lt: scope.to } }] },
    select: { engineerId: true, accountId: true, severity: true, askedAt: true, answeredAt: true, score: true },
    take: MAX_SURVEYS,
  });
  const ids = [...new Set(rows.flatMap((r) => (r.engineerId ? [r.engineerId] : [])))];
  const accountIds = [...new Set(rows.map((r) => r.accountId))];
  const [people, accounts] = await Promise.all([
    ids.length ? db.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [],
    accountIds.length ? db.account.findMany({ where: { id: { in: accountIds } }, select: { id: true, name: true } }) : [],
  ]);
  const personName = new Map(people.map((p) => [p.id, p.name]));
  const accountName = new Map(accounts.map((a) => [a.id, a.name]));

  type Tally = { asked: number; scores: number[] };
  const groups = { engineer: new Map<string, Tally>(), account: new Map<string, Tally>(), severity: new Map<string, Tally>() };
  const total: Tally = { asked: 0, scores: [] };
  const within = (at: Date | null) => at !== null && at.getTime() >= scope.from.getTime() && at.getTime() < scope.to.getTime();
  for (const r of rows) {
    const keys = { engineer: r.engineerId ? (personName.get(r.engineerId) ?? r.engineerId) : "nobody", account: accountName.get(r.accountId) ?? r.accountId, severity: r.severity };
    for (const tally of [total, ...(["engineer", "account", "severity"] as const).map((g) => tallyOf(groups[g], keys[g]))]) {
      if (within(r.askedAt)) tally.asked += 1;
      if (within(r.answeredAt) && r.score !== null) tally.scores.push(r.score);
    }
  }
  const list = (m: Map<string, Tally>) => [...m.entries()].map(([name, t]) => ({ name, ...summary(t) })).sort((a, b) => a.name.localeCompare(b.name));
  return { ...summary(total), byEngineer: list(groups.engineer), byAccount: list(groups.account), bySeverity: list(groups.severity) };

  function tallyOf(m: Map<string, Tally>, key: string): Tally {
    let t = m.get(key);
    if (!t) m.set(key, (t = { asked: 0, scores: [] }));
    return t;
  }
}

function summary(t: { asked: number; scores: number[] }): Omit<SatisfactionGroup, "name"> {
  const average = t.scores.length ? Math.round((t.scores.reduce((a, b) => a + b, 0) / t.scores.length) * 10) / 10 : null;
  return { asked: t.asked, answered: t.scores.length, average };
}

/** The same period and filters as the service-level report (`sla report`), for staff and the operator. */
export async function satisfactionReport(deps: CoreDeps, ctx: Ctx, raw: ServiceLevelReportInput = {}): Promise<SatisfactionResults & { from: Date; to: Date }> {
  const input = parseInput(serviceLevelReportSchema, raw);
  const actor = await loadActor(deps.prisma, ctx.actor);
  if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff see satisfaction results." });
  const to = deps.clock.now();
  const from = subDays(to, input.days);
  return { from, to, ...(await satisfactionResults(deps.prisma, { from, to, accountId: input.accountId, severity: input.severity })) };
}
