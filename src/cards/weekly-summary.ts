import type { WeeklySummaryPayload } from "../core/sla/events.ts";
import type { Block, MessageCard } from "./model.ts";

/**
 * The weekly service-level summary in the management channel: response times and
 * breaches per severity and account, then satisfaction per engineer, account and
 * severity. Internal numbers: it goes to the management channel only.
 */
const day = (iso: string) => iso.slice(0, 10);
/** A card must stay well inside Teams' 28 KB and Slack's 50 blocks: the rest is in `sla report`. */
const MAX_ROWS_SHOWN = 20;
const MAX_GROUP_LINES = 15;
const avg = (a: number | null) => (a === null ? "-" : `${a.toFixed(1)} / 5`);
const minutes = (m: number | null, hours: string) => (m === null ? "-" : `${m} min${hours === "business" ? " (business)" : hours === "mixed" ? " (mixed)" : ""}`);

export function buildWeeklySummaryCard(p: WeeklySummaryPayload): MessageCard {
  const filed = p.rows.reduce((n, r) => n + r.filed, 0);
  const breaches = p.rows.reduce((n, r) => n + r.firstResponseBreaches + r.nextUpdateBreaches, 0);
  const blocks: Block[] = [
    { type: "heading", text: `Weekly service levels: ${day(p.from)} to ${day(p.to)}` },
    {
      type: "facts",
      facts: [
        { label: "Cases filed", value: String(filed) },
        { label: "Breaches", value: String(breaches) },
        { label: "Satisfaction", value: p.satisfaction.answered ? `${avg(p.satisfaction.average)} from ${p.satisfaction.answered} of ${p.satisfaction.asked} asked` : `no answers (${p.satisfaction.asked} asked)` },
      ],
    },
    { type: "divider" },
    { type: "heading", text: "Response times and breaches per severity and account" },
  ];
  if (p.rows.length === 0) blocks.push({ type: "text", text: "No cases were filed and no promise was breached this week." });
  for (const r of p.rows.slice(0, MAX_ROWS_SHOWN)) {
    blocks.push({
      type: "labelled",
      label: `${r.severity} · ${r.account}`,
      text: `${r.filed} filed, ${r.firstResponses} answered, median first response ${minutes(r.medianFirstResponseMinutes, r.hours)}; breaches: ${r.firstResponseBreaches} first response, ${r.nextUpdateBreaches} update; ${r.warnings} warnings; ${r.overdueNow} overdue at the end of the week`,
    });
  }
  const more = p.moreRows + Math.max(0, p.rows.length - MAX_ROWS_SHOWN);
  if (more > 0) blocks.push({ type: "context", text: `${more} more rows: npm run cli -- sla report 7` });
  blocks.push({ type: "divider" }, { type: "heading", text: "Satisfaction" });
  const groups: [string, WeeklySummaryPayload["satisfaction"]["byEngineer"]][] = [
    ["Per engineer", p.satisfaction.byEngineer],
    ["Per account", p.satisfaction.byAccount],
    ["Per severity", p.satisfaction.bySeverity],
  ];
  if (p.satisfaction.asked === 0 && p.satisfaction.answered === 0) blocks.push({ type: "text", text: "No surveys were sent or answered this week." });
  else
    for (const [label, list] of groups) {
      const shown = list.slice(0, MAX_GROUP_LINES).map((g) => `${g.name}: ${avg(g.average)} (${g.answered} answered of ${g.asked} asked)`);
      if (list.length > MAX_GROUP_LINES) shown.push(`and ${list.length - MAX_GROUP_LINES} more`);
      blocks.push({ type: "labelled", label, text: shown.join("\n") || "-" });
    }
  blocks.push({ type: "context", text: `Week of ${p.week}, ${p.timeZone}. Times in each severity's hours (business minutes where the target counts business hours).` });
  return { surface: "message", summary: `Weekly service levels ${day(p.from)} to ${day(p.to)}: ${filed} cases, ${breaches} breaches, satisfaction ${avg(p.satisfaction.average)}`, blocks };
}
