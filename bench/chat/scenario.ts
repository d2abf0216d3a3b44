import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase } from "../../src/core/db/connect.ts";
import { DEMO_PEOPLE } from "../../src/core/demo/demo-data.ts";
import { measureFiling } from "./filing.ts";
import { closedLoop, median, openLoop, quantiles } from "./load.ts";
import { PgWireCounter } from "./pg-wire-counter.ts";
import { freePort, onAbort, rssMb, sampleRss, sleep, spawnNode, stopChild, waitReady, type Child } from "./processes.ts";
import { RecordingSlackApi } from "./slack-api.ts";
import type { Sent } from "./slack-requests.ts";
import { ChatTraffic, type SlackUser, type SubmitResult, type Target } from "./traffic.ts";

/**
 * One run on one database: start carebot (fresh data) and the bare Bolt app, warm up,
 * play the traffic, stop, start again on the existing data (start time; on PostgreSQL
 * also the SQL round trips per request, counted at the wire), then count what was
 * stored and measure filing through the core against the raw insert, in process.
 */
export type DbKind = "embedded" | "postgres";

export interface BenchOptions {
  repo: string;
  entry: string;
  /** Requests of each slash command at 4 concurrent. */
  n: number;
  rates: number[];
  seconds: number;
  replyRate: number;
  replySeconds: number;
  filingSeconds: number;
  adminUrl: string;
  keep: boolean;
  log: (line: string) => void;
}

export type Figures = Record<string, number | undefined>;

export interface RunResult {
  figures: Figures;
  notes: string[];
  /** e.g. "PostgreSQL 15.20" */
  label?: string;
}

export const USERS: SlackUser[] = [
  { id: "UDANA", email: DEMO_PEOPLE.parentUser },
  { id: "USAM", email: DEMO_PEOPLE.subUser },
  { id: "UHANA", email: DEMO_PEOPLE.siblingUser },
  { id: "UADA", email: DEMO_PEOPLE.standardUser },
];
const DANA = USERS[0]!;
const BARE_BOLT = fileURLToPath(new URL("./bare-bolt.ts", import.meta.url));
const CONCURRENCY = 4;

function putQuantiles(figures: Figures, prefix: string, values: number[]): void {
  const q = quantiles(values);
  figures[`${prefix}.p50`] = q.p50;
  figures[`${prefix}.p95`] = q.p95;
  figures[`${prefix}.p99`] = q.p99;
}

/** carebot's percentile over bare Bolt's, each of p50/p95/p99. */
function putRatios(figures: Figures, prefix: string): void {
  for (const p of ["p50", "p95", "p99"]) {
    const a = figures[`${prefix}.ack.${p}`];
    const b = figures[`${prefix}.bare.${p}`];
    figures[`${prefix}.ratio.${p}`] = a !== undefined && b ? a / b : undefined;
  }
}

/** The environment of a child: ours without anything carebot reads, plus what the run sets. */
function childEnv(set: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(DATABASE_URL|DATA_DIR|PORT|HOST|SLACK_|TEAMS_|SMTP_|DEMO_DATA|CATALOG_FILE|CREDENTIALS_KEY|NODE_ENV|LOG_LEVEL|DELIVERY_|SWEEP_|SHUTDOWN_)/.test(k)) env[k] = v;
  }
  return { ...env, ...set };
}

/** Waits until progress() reaches target, or stops moving for idleMs, or maxMs passed. */
async function waitProgress(progress: () => number, target: number, idleMs: number, maxMs: number): Promise<void> {
  const end = performance.now() + maxMs;
  let last = -1;
  let lastChange = performance.now();
  while (performance.now() < end) {
    const now = progress();
    if (now >= target) return;
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > idleMs) return;
    await sleep(50);
  }
}

export async function runOnce(kind: DbKind, o: BenchOptions): Promise<RunResult> {
  const figures: Figures = {};
  const notes: string[] = [];
  let label: string | undefined;
  const token = `bk${randomBytes(3).toString("hex")}`;
  const tmp = mkdtempSync(join(tmpdir(), `carebot-bench-${kind}-`));
  const cleanups: (() => Promise<void>)[] = [];
  let failed = false;
  const children: Child[] = [];
  const log = (line: string) => o.log(`[${kind} ${token}] ${line}`);

  try {
    const slack = new RecordingSlackApi();
    await slack.start();
    cleanups.push(() => slack.stop());
    for (const u of USERS) slack.emails.set(u.id, u.email);
    const secret = `bench-${randomBytes(12).toString("hex")}`;
    const botToken = `xoxb-bench-${randomBytes(8).toString("hex")}`;
    const dataDir = join(tmp, "data");

    let databaseUrl: string | undefined;
    let upstream = { host: "127.0.0.1", port: 5432 };
    if (kind === "postgres") {
      const admin = new pg.Client({ connectionString: o.adminUrl, connectionTimeoutMillis: 3000 });
      await admin.connect();
      const name = `carebot_bench_${randomBytes(6).toString("hex")}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const drop = async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      };
      const forget = onAbort(drop);
      cleanups.push(async () => {
        forget();
        await drop();
      });
      label = `PostgreSQL ${String((await admin.query("SHOW server_version")).rows[0].server_version).split(" ")[0]}`;
      const url = new URL(o.adminUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      upstream = { host: url.hostname, port: Number(url.port || 5432) };
    }

    const port = await freePort();
    const env = childEnv({
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      CREDENTIALS_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "info",
      DEMO_DATA: kind === "embedded" ? "on" : "off",
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_TRIAGE_CHANNEL: "CTRIAGE",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    const serverArgs = o.entry.endsWith(".ts") ? ["--import", "tsx", o.entry] : [o.entry];
    const readyz = `http://127.0.0.1:${port}/readyz`;

    if (kind === "postgres") {
      log("loading the demo data (cli demo load)");
      const cli = spawnNode("cli", ["--import", "tsx", "src/cli/main.ts", "demo", "load"], { cwd: o.repo, env, logFile: join(tmp, "cli.log") });
      children.push(cli);
      const code = await Promise.race([cli.exited, sleep(120_000).then(() => "timeout" as const)]);
      if (code !== 0) throw new Error(`cli demo load: ${String(code)}; see ${cli.logFile}`);
    }

    log("starting carebot on fresh data");
    let server = spawnNode("carebot", serverArgs, { cwd: o.repo, env, logFile: join(tmp, "server.log") });
    children.push(server);
    figures["start.fresh"] = await waitReady(server, readyz, 120_000);
    await sleep(2000);
    figures["rss.idle"] = rssMb(server.pid);

    const barePort = await freePort();
    let bareReady = () => {};
    const bareUp = new Promise<void>((resolve) => (bareReady = resolve));
    const bare = spawnNode("bare-bolt", ["--import", "tsx", BARE_BOLT], {
      cwd: o.repo,
      env: childEnv({ PORT: String(barePort), SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: slack.apiUrl }),
      logFile: join(tmp, "bare.log"),
      onStdout: (line) => line.trim() === "ready" && bareReady(),
    });
    children.push(bare);
    const bareState = await Promise.race([bareUp.then(() => "up"), bare.exited.then(() => "exited"), sleep(60_000).then(() => "timeout")]);
    if (bareState !== "up") throw new Error(`bare Bolt app ${bareState}; see ${bare.logFile}`);

    const carebot: Target = { name: "carebot", url: `http://127.0.0.1:${port}/slack/events` };
    const floor: Target = { name: "bare", url: `http://127.0.0.1:${barePort}/slack/events` };
    const t = new ChatTraffic(slack, carebot, floor, secret, token);

    log("warming up: each user lists, opens a modal and files one case");
    for (const u of USERS) {
      const id = `${token}-wl-${u.id}`;
      await t.list(carebot, u, id);
      if ((await t.waitFor(() => t.responded.get(id), 20_000)) === undefined) throw new Error(`/case list for ${u.id}: no answer within 20 s`);
      await t.openTemplate(u);
      await t.list(floor, u, `${id}-b`);
      await t.newCase(floor, u, `${id}-bn`);
    }
    for (const [k, u] of USERS.entries()) {
      const s = t.submissionBody(u, "sw", k);
      const r = await t.submit(carebot, s.body, s.key, s.token);
      await t.submit(floor, s.body, s.key, s.token);
      if (r.outcome !== "acked") throw new Error(`warm-up submission for ${u.id}: ${r.outcome} ${r.sent.status ?? r.sent.error} ${r.sent.text ?? ""}`);
    }
    const danaCard = await t.waitFor(() => t.cards.get(`${token}-sw-0`), 20_000);
    if (!danaCard) throw new Error("warm-up: the filed case's card was never posted");
    const thread = { channel: String(danaCard.answer.channel), ts: String(danaCard.answer.ts) };
    await sleep(300); // the card's thread is followed right after the post
    for (let i = 0; i < 3; i++) {
      await t.reply(carebot, DANA, thread, `${token}-rw-${i}`);
      await t.reply(floor, DANA, thread, `${token}-rw-${i}`);
    }
    await sleep(1500); // the delivery worker posts the warm-up cases to triage (their threads carry the replies)

    const rss = sampleRss(server.pid);

    for (const command of ["list", "new"] as const) {
      log(`/case ${command}: ${o.n} requests at ${CONCURRENCY} concurrent, interleaved with bare Bolt`);
      const ack: number[] = [];
      const bareAck: number[] = [];
      const answer: number[] = [];
      let missing = 0;
      const send = (target: Target, u: SlackUser, id: string) => (command === "list" ? t.list(target, u, id) : t.newCase(target, u, id));
      await closedLoop(o.n, CONCURRENCY, 180_000, async (i) => {
        const u = USERS[i % USERS.length]!;
        const id = `${token}-${command === "list" ? "l" : "n"}-${i}`;
        let mine: Sent | undefined;
        const one = async () => {
          mine = await send(carebot, u, id);
          if (mine.status === 200 && mine.ms !== undefined) ack.push(mine.ms);
        };
        const other = async () => {
          const b = await send(floor, u, `${id}-b`);
          if (b.status === 200 && b.ms !== undefined) bareAck.push(b.ms);
        };
        if (i % 2) await other().then(one);
        else await one().then(other);
        // A user waits for the answer before the next command.
        const at = await t.waitFor(() => (command === "list" ? t.responded.get(id) : t.opened.get(id)?.at), 10_000);
        if (at === undefined || !mine) missing += 1;
        else answer.push(at - mine.sentAt);
      });
      putQuantiles(figures, `${command}.ack`, ack);
      putQuantiles(figures, `${command}.bare`, bareAck);
      putRatios(figures, command);
      putQuantiles(figures, `${command}.answer`, answer);
      figures[`${command}.late`] = answer.filter((ms) => ms > 3000).length + missing;
      if (ack.length < o.n) notes.push(`/case ${command}: ${o.n - ack.length} of ${o.n} commands not answered 200.`);
      if (missing) notes.push(`/case ${command}: ${missing} answers never arrived (10 s).`);
    }

    for (const rate of o.rates) {
      const tag = `s${rate}`;
      log(`modal submissions: ${rate}/s for ${o.seconds} s (open loop), each to carebot and bare Bolt`);
      const results: SubmitResult[] = [];
      const bareResults: SubmitResult[] = [];
      const { lagMs } = await openLoop(rate, o.seconds, async (i) => {
        const s = t.submissionBody(USERS[i % USERS.length]!, tag, i);
        const one = () => t.submit(carebot, s.body, s.key, s.token).then((r) => void results.push(r));
        const other = () => t.submit(floor, s.body, s.key, s.token).then((r) => void bareResults.push(r));
        await Promise.all(i % 2 ? [other(), one()] : [one(), other()]);
      });
      if (lagMs > 50) notes.push(`${rate}/s: the bench fired up to ${lagMs.toFixed(0)} ms late (its own event loop was busy).`);
      const expected = results.filter((r) => r.outcome === "acked" || r.outcome === "not-acked").map((r) => r.token);
      await waitProgress(() => expected.filter((tok) => t.cards.has(tok)).length, expected.length, 3000, 60_000);
      await waitProgress(() => expected.filter((tok) => t.triage.has(tok)).length, expected.length, 3000, 30_000);
      const acked = results.filter((r) => r.outcome === "acked");
      putQuantiles(figures, `${tag}.ack`, results.flatMap((r) => (r.sent.ms === undefined ? [] : [r.sent.ms])));
      putQuantiles(figures, `${tag}.bare`, bareResults.flatMap((r) => (r.sent.ms === undefined ? [] : [r.sent.ms])));
      putRatios(figures, tag);
      figures[`${tag}.sent`] = results.length;
      figures[`${tag}.late`] = results.filter((r) => r.outcome !== "acked" || (r.sent.ms ?? Infinity) > 3000).length;
      figures[`${tag}.rejected`] = results.filter((r) => r.outcome === "rejected").length;
      putQuantiles(figures, `${tag}.card`, acked.flatMap((r) => (t.cards.has(r.token) ? [t.cards.get(r.token)!.at - r.sent.sentAt] : [])));
      putQuantiles(figures, `${tag}.triage`, acked.flatMap((r) => (t.triage.has(r.token) ? [t.triage.get(r.token)! - r.sent.sentAt] : [])));
      const noCard = acked.filter((r) => !t.cards.has(r.token)).length;
      if (noCard) notes.push(`${rate}/s: ${noCard} acknowledged submissions never got their card posted (waited until 3 s without progress).`);
      const notAcked = results.filter((r) => r.outcome === "not-acked" || r.outcome === "failed");
      if (notAcked.length) {
        const late = notAcked.filter((r) => t.cards.has(r.token)).length;
        notes.push(`${rate}/s: ${notAcked.length} submissions not acknowledged (Bolt's 404 after 3 s, or no answer); ${late} of them still filed a case and posted its card.`);
      }
    }

    log(`thread replies: ${o.replyRate}/s for ${o.replySeconds} s in a followed thread`);
    const replyAck: number[] = [];
    const replyBare: number[] = [];
    const replySent = new Map<string, number>();
    await openLoop(o.replyRate, o.replySeconds, async (i) => {
      const tok = `${token}-r-${i}`;
      const one = async () => {
        const s = await t.reply(carebot, DANA, thread, tok);
        if (s.status === 200 && s.ms !== undefined) {
          replyAck.push(s.ms);
          replySent.set(tok, s.sentAt);
        }
      };
      const other = async () => {
        const s = await t.reply(floor, DANA, thread, tok);
        if (s.status === 200 && s.ms !== undefined) replyBare.push(s.ms);
      };
      await Promise.all(i % 2 ? [other(), one()] : [one(), other()]);
    });
    await waitProgress(() => [...replySent.keys()].filter((tok) => t.triage.has(tok)).length, replySent.size, 3000, 30_000);
    putQuantiles(figures, "reply.ack", replyAck);
    putQuantiles(figures, "reply.bare", replyBare);
    putRatios(figures, "reply");
    putQuantiles(figures, "reply.shown", [...replySent].flatMap(([tok, at]) => (t.triage.has(tok) ? [t.triage.get(tok)! - at] : [])));
    figures["reply.sent"] = replySent.size;
    figures["rss.peak"] = rss.stop();

    log("stopping, then starting again on the existing data");
    await stopChild(bare);
    await stopChild(server);
    let restartEnv = env;
    let counter: PgWireCounter | undefined;
    if (kind === "postgres" && databaseUrl) {
      const c = new PgWireCounter(upstream);
      counter = c;
      const counterPort = await c.start();
      cleanups.push(() => c.stop());
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(counterPort);
      // Timers far off, so what the counter sees in a request's window is that request's work.
      restartEnv = { ...env, DATABASE_URL: url.toString(), DELIVERY_INTERVAL_MS: "3600000", SWEEP_INTERVAL_MS: "3600000" };
    }
    server = spawnNode("carebot", serverArgs, { cwd: o.repo, env: restartEnv, logFile: join(tmp, "server-restart.log") });
    children.push(server);
    figures["start.existing"] = await waitReady(server, readyz, 120_000);
    await sleep(2000);
    figures["rss.idleRestart"] = rssMb(server.pid);

    if (counter) {
      log("counting SQL round trips per request (sequential, at the wire)");
      const c = counter;
      const settle = () => t.waitFor(() => (performance.now() - c.lastAt >= 300 ? true : undefined), 5000);
      await settle();
      const count = async (fn: () => Promise<unknown>) => {
        const before = c.roundTrips;
        await fn();
        await settle();
        return c.roundTrips - before;
      };
      const perOp: Record<string, number[]> = { list: [], new: [], submit: [], reply: [] };
      for (let i = 0; i < 5; i++) {
        const id = `${token}-ql-${i}`;
        perOp.list!.push(
          await count(async () => {
            await t.list(carebot, DANA, id);
            await t.waitFor(() => t.responded.get(id), 10_000);
          }),
        );
        const trigger = `${token}-qn-${i}`;
        perOp.new!.push(
          await count(async () => {
            await t.newCase(carebot, DANA, trigger);
            await t.waitFor(() => t.opened.get(trigger), 10_000);
          }),
        );
        const s = t.submissionBody(DANA, "sq", i);
        perOp.submit!.push(
          await count(async () => {
            await t.submit(carebot, s.body, s.key, s.token);
            await t.waitFor(() => t.cards.get(s.token), 10_000);
          }),
        );
        perOp.reply!.push(await count(() => t.reply(carebot, DANA, thread, `${token}-rq-${i}`)));
      }
      for (const [op, values] of Object.entries(perOp)) figures[`sql.${op}`] = median(values);
    }
    await stopChild(server);

    log("counting what was stored; filing through the core vs a raw insert, in process");
    const db = kind === "embedded" ? await openDatabase({ kind: "pglite", dataDir }) : await openDatabase({ kind: "postgres", url: databaseUrl! });
    try {
      figures["cases.filed"] = await db.prisma.case.count({ where: { subject: { startsWith: `${token}-s` } } });
      figures["cases.acked"] = t.ackedKeys.size;
      if (figures["cases.filed"] !== figures["cases.acked"]) notes.push(`MISMATCH: ${figures["cases.filed"]} cases filed from the Slack submissions, ${figures["cases.acked"]} distinct submissions acknowledged.`);
      figures["reply.stored"] = await db.prisma.comment.count({ where: { body: { startsWith: `${token}-r-` } } });
      const filing = await measureFiling(db, token, DANA.email, o.filingSeconds);
      figures["filing.core"] = filing.corePerSecond;
      figures["filing.raw"] = filing.rawPerSecond;
      figures["filing.ratio"] = filing.corePerSecond / filing.rawPerSecond;
      if (filing.coreErrors || filing.rawErrors) notes.push(`filing: ${filing.coreErrors} core and ${filing.rawErrors} raw inserts failed.`);
    } finally {
      await db.close();
    }
    for (const r of t.rejections) notes.push(`a submission came back with field errors: ${r}`);
    return { figures, notes, label };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const child of children) await stopChild(child, 5000);
    for (const fn of cleanups.reverse()) await fn().catch((error: unknown) => console.error(`bench: clean-up failed: ${String(error)}`));
    if (failed || o.keep) o.log(`[${kind} ${token}] logs kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}
