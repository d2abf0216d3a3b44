import { median } from "./load.ts";
import type { BenchOptions, DbKind, RunResult } from "./scenario.ts";

/**
 * The Markdown table: one row per figure, one column per database; each number is
 * the median over the runs, with the spread (min-max) in brackets when there was
 * more than one run.
 */
interface Row {
  label: string;
  keys: string[];
  unit: "ms" | "x" | "MB" | "/s" | "";
}
type Line = Row | { section: string };

const Q = (prefix: string) => [`${prefix}.p50`, `${prefix}.p95`, `${prefix}.p99`];

function lines(o: BenchOptions): Line[] {
  const out: Line[] = [];
  for (const [command, answer] of [
    ["list", "answer: response_url post"],
    ["new", "answer: views.open (the modal)"],
  ] as const) {
    out.push({ section: `/case ${command}: ${o.n} commands at 4 concurrent, p50 / p95 / p99` });
    out.push({ label: "ack, carebot", keys: Q(`${command}.ack`), unit: "ms" });
    out.push({ label: "ack, bare Bolt (same run)", keys: Q(`${command}.bare`), unit: "ms" });
    out.push({ label: "ack ratio carebot / bare Bolt", keys: Q(`${command}.ratio`), unit: "x" });
    out.push({ label: `${answer}, from the command's send`, keys: Q(`${command}.answer`), unit: "ms" });
    out.push({ label: "answers later than 3 s or missing", keys: [`${command}.late`], unit: "" });
  }
  for (const rate of o.rates) {
    const p = `s${rate}`;
    out.push({ section: `new-case modal submissions, ${rate}/s for ${o.seconds} s (open loop), p50 / p95 / p99` });
    out.push({ label: "ack, carebot", keys: Q(`${p}.ack`), unit: "ms" });
    out.push({ label: "ack, bare Bolt (same run)", keys: Q(`${p}.bare`), unit: "ms" });
    out.push({ label: "ack ratio carebot / bare Bolt", keys: Q(`${p}.ratio`), unit: "x" });
    out.push({ label: "not acknowledged within 3 s / sent", keys: [`${p}.late`, `${p}.sent`], unit: "" });
    out.push({ label: "answered with a notice or field errors instead of filing", keys: [`${p}.refused`], unit: "" });
    out.push({ label: "case card posted (chat.postMessage), from the submission's send", keys: Q(`${p}.card`), unit: "ms" });
    out.push({ label: "triage card posted (through the outbox)", keys: Q(`${p}.triage`), unit: "ms" });
  }
  out.push({ section: `thread replies (message events), ${o.replyRate}/s for ${o.replySeconds} s, p50 / p95 / p99` });
  out.push({ label: "ack, carebot", keys: Q("reply.ack"), unit: "ms" });
  out.push({ label: "ack, bare Bolt (same run)", keys: Q("reply.bare"), unit: "ms" });
  out.push({ label: "ack ratio carebot / bare Bolt", keys: Q("reply.ratio"), unit: "x" });
  out.push({ label: "reply shown in the triage thread (through the outbox)", keys: Q("reply.shown"), unit: "ms" });
  out.push({ label: "comments stored / replies acknowledged", keys: ["reply.stored", "reply.sent"], unit: "" });
  out.push({ section: "nothing lost or duplicated" });
  out.push({ label: "cases filed from Slack / distinct submissions acknowledged (200, any time) / of them within 3 s", keys: ["cases.filed", "cases.acked", "cases.ackedInTime"], unit: "" });
  out.push({ section: "filing through the core, 20 concurrent, in process" });
  out.push({ label: "core.cases.file", keys: ["filing.core"], unit: "/s" });
  out.push({ label: "bare prisma.case.create of a comparable row (same database, same run)", keys: ["filing.raw"], unit: "/s" });
  out.push({ label: "ratio core / bare create", keys: ["filing.ratio"], unit: "x" });
  out.push({ section: "memory (VmRSS of the server's Node process) and start" });
  out.push({ label: "RSS idle, 2 s after the first start", keys: ["rss.idle"], unit: "MB" });
  out.push({ label: "RSS peak under the load above (sampled every 100 ms)", keys: ["rss.peak"], unit: "MB" });
  out.push({ label: "RSS idle, 2 s after a start on existing data", keys: ["rss.idleRestart"], unit: "MB" });
  out.push({ label: "spawn to /readyz 200, fresh data (embedded: migrations and demo data)", keys: ["start.fresh"], unit: "ms" });
  out.push({ label: "spawn to /readyz 200, existing data (start, stop, start again)", keys: ["start.existing"], unit: "ms" });
  out.push({ section: "SQL round trips per request (PostgreSQL only; Query + Sync messages at the wire, BEGIN/COMMIT included; median of 5, one at a time, after the load above: the run's ~700 cases are in the database)" });
  out.push({ label: "/case list", keys: ["sql.list"], unit: "" });
  out.push({ label: "/case new (to the modal opened)", keys: ["sql.new"], unit: "" });
  out.push({ label: "new-case submission (filing, card, thread follow)", keys: ["sql.submit"], unit: "" });
  out.push({ label: "thread reply", keys: ["sql.reply"], unit: "" });
  return out;
}

function format(value: number | undefined, unit: Row["unit"]): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  if (unit === "x") return value.toFixed(2);
  if (unit === "ms" && value < 10) return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

const UNIT_TEXT: Record<Row["unit"], string> = { ms: " ms", x: "x", MB: " MB", "/s": "/s", "": "" };

function cell(runs: RunResult[], row: Row): string {
  if (!runs.length) return "not run";
  const sep = " / ";
  const per = row.keys.map((key) => runs.map((r) => r.figures[key]).filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const mid = per.map((values) => format(median(values), row.unit)).join(sep);
  if (per.every((values) => !values.length)) return "-";
  let text = `${mid}${UNIT_TEXT[row.unit]}`;
  if (runs.length > 1) {
    const spread = per.map((values) => (values.length ? `${format(Math.min(...values), row.unit)}-${format(Math.max(...values), row.unit)}` : "-")).join(sep);
    text += ` (${spread})`;
  }
  return text;
}

export function renderMarkdown(o: BenchOptions, results: Map<DbKind, RunResult[]>, header: string[], failures: string[]): string {
  const dbs = [...results.keys()];
  const title = (db: DbKind) => (db === "embedded" ? "embedded (default)" : (results.get(db)?.find((r) => r.label)?.label ?? "PostgreSQL"));
  const out: string[] = [...header, ""];
  out.push(`| what | ${dbs.map(title).join(" | ")} |`);
  out.push(`|---|${dbs.map(() => "---|").join("")}`);
  for (const line of lines(o)) {
    if ("section" in line) {
      out.push(`| **${line.section}** |${dbs.map(() => " |").join("")}`);
      continue;
    }
    out.push(`| ${line.label} | ${dbs.map((db) => (db === "embedded" && line.keys[0]!.startsWith("sql.") ? "n/a" : cell(results.get(db) ?? [], line))).join(" | ")} |`);
  }
  const notes: string[] = [];
  for (const db of dbs) {
    (results.get(db) ?? []).forEach((r, i) => {
      for (const note of r.notes) notes.push(`- ${title(db)}, run ${i + 1}: ${note}`);
    });
  }
  notes.push(...failures.map((f) => `- ${f}`));
  if (notes.length) out.push("", "Notes:", "", ...notes);
  return `${out.join("\n")}\n`;
}
