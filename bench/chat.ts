/**
 * The chat benchmark (issue 10): carebot's real server beside a bare Bolt app, both
 * as child processes, played signed Slack traffic on 127.0.0.1 in the same run.
 *
 *   npm run bench:chat                       one run on both databases (about 3 minutes)
 *   npm run bench:chat -- --runs 3           medians of 3 runs with their spread
 *   npm run bench:chat -- --db embedded      or postgres, or both (default)
 *
 * Options: --n N (commands of each kind, default 100), --rates 20,50 (submissions per
 * second), --seconds 10 (per rate), --reply-rate 10 --reply-seconds 5, --filing-seconds 3,
 * --entry src/main.ts (a .js entry runs without tsx), --out FILE, --keep (keep logs and data),
 * --commands-only (start, warm-up and the two slash-command phases only: a quick look at ack ratios),
 * --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof" (flags for carebot's Node process, e.g. a CPU profile).
 * PostgreSQL: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres);
 * each run creates its own database there and drops it afterwards.
 *
 * Prints the Markdown table on stdout (progress on stderr) and writes it to
 * bench/results/chat-<date>.md. Every child is stopped when the bench ends, however it ends.
 *
 * To see which statements a request sends (PostgreSQL), one request of each kind:
 *   node --import tsx bench/chat/sql-trace.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { killAllChildren, runAborts } from "./chat/processes.ts";
import { renderMarkdown } from "./chat/report.ts";
import { runOnce, type BenchOptions, type DbKind, type RunResult } from "./chat/scenario.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "1" },
    db: { type: "string", default: "both" },
    n: { type: "string", default: "100" },
    rates: { type: "string", default: "20,50" },
    seconds: { type: "string", default: "10" },
    "reply-rate": { type: "string", default: "10" },
    "reply-seconds": { type: "string", default: "5" },
    "filing-seconds": { type: "string", default: "3" },
    entry: { type: "string", default: "src/main.ts" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
    "commands-only": { type: "boolean", default: false },
    "server-node-args": { type: "string", default: "" },
    help: { type: "boolean", default: false },
  },
  strict: true,
});

function positive(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    console.error(`bench: --${name} must be a number in (0, ${max}]`);
    process.exit(64);
  }
  return value;
}

if (args.help) {
  console.log("npm run bench:chat -- [--runs 1] [--db embedded|postgres|both] [--n 100] [--rates 20,50] [--seconds 10] [--reply-rate 10] [--reply-seconds 5] [--filing-seconds 3] [--entry src/main.ts] [--out FILE] [--keep] [--commands-only] [--server-node-args \"--cpu-prof --cpu-prof-dir=DIR\"]");
  process.exit(0);
}
if (!["embedded", "postgres", "both"].includes(args.db)) {
  console.error("bench: --db must be embedded, postgres or both");
  process.exit(64);
}
const runs = Math.round(positive("runs", args.runs, 10));
const options: BenchOptions = {
  repo,
  entry: args.entry,
  n: Math.round(positive("n", args.n, 2000)),
  rates: args.rates.split(",").map((r) => positive("rates", r, 200)),
  seconds: positive("seconds", args.seconds, 60),
  replyRate: positive("reply-rate", args["reply-rate"], 200),
  replySeconds: positive("reply-seconds", args["reply-seconds"], 60),
  filingSeconds: positive("filing-seconds", args["filing-seconds"], 60),
  adminUrl: process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  keep: args.keep,
  commandsOnly: args["commands-only"],
  serverNodeArgs: args["server-node-args"].split(" ").filter(Boolean),
  log: (line) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`),
};

// Stop everything we started, however the bench ends.
let cleaningUp = false;
async function abort(code: number, why: string): Promise<never> {
  if (!cleaningUp) {
    cleaningUp = true;
    console.error(`bench: ${why}; stopping`);
    killAllChildren();
    await runAborts();
  }
  process.exit(code);
}
process.on("exit", killAllChildren);
process.once("SIGINT", () => void abort(130, "interrupted"));
process.once("SIGTERM", () => void abort(143, "terminated"));
const dbs: DbKind[] = args.db === "both" ? ["embedded", "postgres"] : [args.db as DbKind];
// A generous bound on the whole bench: a stuck run must not keep the machine busy.
const limitMinutes = 8 * runs * dbs.length;
setTimeout(() => void abort(2, `time limit of ${limitMinutes} minutes reached`), limitMinutes * 60_000).unref();

const results = new Map<DbKind, RunResult[]>(dbs.map((db) => [db, []]));
const failures: string[] = [];
if (dbs.includes("postgres")) {
  const probe = new pg.Client({ connectionString: options.adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.end();
  } catch {
    failures.push(`PostgreSQL not reachable at ${new URL(options.adminUrl).host} (BENCH_DATABASE_URL): skipped.`);
    dbs.splice(dbs.indexOf("postgres"), 1);
    results.delete("postgres");
  }
}

const startedAt = new Date();
const load = loadavg().map((l) => l.toFixed(2)).join(" ");
const started = performance.now();
// Runs alternate between the databases, so both see the machine's load over the same period.
for (let run = 1; run <= runs; run++) {
  for (const db of dbs) {
    options.log(`run ${run} of ${runs} on ${db}`);
    try {
      results.get(db)!.push(await runOnce(db, options));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${db}, run ${run} failed: ${message}`);
      options.log(`run ${run} on ${db} failed: ${message}`);
    }
  }
}

function git(...a: string[]): string {
  try {
    return execFileSync("git", a, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}
const commit = git("rev-parse", "--short", "HEAD");
const dirty = git("status", "--porcelain", "--", "src", "prisma", "package.json") ? " plus uncommitted changes in src/prisma" : "";
const command = `npm run bench:chat -- ${process.argv.slice(2).join(" ")}`.trim();
const header = [
  `## Chat benchmark, ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "",
  `\`${command}\` on commit ${commit}${dirty}; Node ${process.version}, ${availableParallelism()} cores, load average ${load} at the start; ${runs} run${runs > 1 ? "s" : ""} per database (median, spread min-max in brackets); ${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
  `The server is \`node --import tsx ${options.entry}\` (NODE_ENV=production, LOG_LEVEL=info, SLACK_TRIAGE_CHANNEL set, the delivery worker on its default poll); the floor is a bare Bolt app (the same @slack/bolt, an HTTPReceiver whose handlers only ack) in its own process, sent the same signed requests interleaved. The traffic comes from 40 Slack users in 4 workspaces, 10 for each demo contact (linked by the email users.info reports).`,
  "Ack percentiles count every answer, Bolt's own 404 after 3 s included; the visible answers are timed at the local Slack stand-in from the request's send. On PostgreSQL the database server's own memory is not in the RSS, and the restart (start time, SQL counts) goes through the bench's counting relay with the worker's and the sweeps' timers set far off.",
];
const markdown = renderMarkdown(options, results, header, failures);
process.stdout.write(markdown);

let out = args.out;
if (!out) {
  const dir = join(repo, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `chat-${startedAt.toISOString().slice(0, 10)}`);
  out = `${base}.md`;
  for (let i = 2; existsSync(out); i++) out = `${base}-${i}.md`;
}
writeFileSync(out, markdown);
console.error(`bench: written to ${out}`);
process.exit(failures.some((f) => f.includes("failed")) ? 1 : 0);
