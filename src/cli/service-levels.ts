import type { Core, Ctx } from "../core/index.ts";
import { table } from "./format.ts";

/**
 * `sla report [DAYS] [--account ID] [--severity S1..S4]`: response times and breaches
 * per severity and account over the last DAYS days (7 by default), then satisfaction
 * (surveys asked and answered, average score) per engineer, account and severity.
 * `sla queue [--page-size N]`: open cases by time to breach, soonest first.
 */
export const SERVICE_LEVEL_HELP = [
  "  sla report [DAYS] [--account ID] [--severity S1]  response times, breaches and satisfaction per severity and account (last 7 days)",
  "  sla queue [--page-size N]  open cases by time to breach, soonest first",
].join("\n");

export async function serviceLevelCommand(core: Core, operator: Ctx, rest: string[], v: { account?: string; severity?: string }) {
  const report = await core.serviceLevels.report(operator, { days: rest[0] ?? 7, accountId: v.account, severity: v.severity?.toUpperCase() as "S1" | undefined });
  const minutes = (m: number | null, hours: string) => (m === null ? "-" : `${m} min${hours === "business" ? " (business)" : hours === "mixed" ? " (mixed)" : ""}`);
  const rows = report.rows.map((r) => ({
    sev: r.severity,
    account: r.account,
    filed: r.filed,
    answered: r.firstResponses,
    "median first response": minutes(r.medianFirstResponseMinutes, r.hours),
    "first-response breaches": r.firstResponseBreaches,
    "update breaches": r.nextUpdateBreaches,
    warnings: r.warnings,
    "overdue now": r.overdueNow,
  }));
  const period = `${report.from.toISOString().slice(0, 16)}Z to ${report.to.toISOString().slice(0, 16)}Z`;
  const satisfaction = await core.satisfaction.results(operator, { days: rest[0] ?? 7, accountId: v.account, severity: v.severity?.toUpperCase() as "S1" | undefined });
  const average = (a: number | null) => (a === null ? "-" : a.toFixed(1));
  const groups = (by: string, list: typeof satisfaction.byEngineer) => list.map((g) => ({ by, name: g.name, asked: g.asked, answered: g.answered, "average (1-5)": average(g.average) }));
  const csat = [...groups("engineer", satisfaction.byEngineer), ...groups("account", satisfaction.byAccount), ...groups("severity", satisfaction.bySeverity)];
  const text = [
    `Service levels, ${period}${report.truncated ? " (first 50,000 cases of the period only)" : ""}`,
    table(rows, Object.keys(rows[0] ?? { sev: 0 })),
    "",
    `Satisfaction: ${satisfaction.answered} answered of ${satisfaction.asked} asked, average ${average(satisfaction.average)}`,
    ...(csat.length ? [table(csat, ["by", "name", "asked", "answered", "average (1-5)"])] : []),
  ].join("\n");
  return { report, satisfaction, text };
}

export async function serviceLevelQueueCommand(core: Core, operator: Ctx, v: { "page-size"?: string }) {
  const queue = await core.serviceLevels.queue(operator, { limit: v["page-size"] ? Number(v["page-size"]) : 25 });
  const rows = queue.map((c) => {
    const first = c.serviceLevel[0]!;
    const minutes = first.minutesToTarget;
    return {
      case: c.number,
      sev: c.severity,
      account: c.account.name,
      owner: c.owner?.name ?? "-",
      owed: first.clock === "FIRST_RESPONSE" ? "first response" : `update (${(first.promise ?? "").toLowerCase().replace("_", " ")})`,
      due: `${first.dueAt.toISOString().slice(0, 16)}Z`,
      "to target": first.paused ? "paused" : minutes < 0 ? `${-minutes} min late` : `${minutes} min`,
      subject: c.subject,
    };
  });
  return { queue, text: table(rows, ["case", "sev", "account", "owner", "owed", "due", "to target", "subject"]) };
}
