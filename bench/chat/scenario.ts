import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase } from "../../src/core/db/connect.ts";
import { measureFiling } from "./filing.ts";
import { commandPhase, replyPhase, sqlPhase, submitPhase, THREAD_USER, USERS, warmUp, type Figures } from "./phases.ts";
import { PgWireCounter } from "./pg-wire-counter.ts";
import { freePort, onAbort, rssMb, sampleRss, sleep, spawnNode, stopChild, waitReady, type Child } from "./processes.ts";
import { RecordingSlackApi } from "./slack-api.ts";
import { ChatTraffic, type Target } from "./traffic.ts";

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
  /** Only the slash-command phases (start, warm-up, /case list and /case new), for quick iterations. */
  commandsOnly: boolean;
  /** Extra Node.js flags for the carebot process, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof. */
  serverNodeArgs: string[];
  log: (line: string) => void;
}

export type { Figures };

export interface RunResult {
  figures: Figures;
  notes: string[];
  /** e.g. "PostgreSQL 15.20" */
  label?: string;
}

const BARE_BOLT = fileURLToPath(new URL("./bare-bolt.ts", import.meta.url));

/** The environment of a child: ours without anything carebot reads, plus what the run sets. */
function childEnv(set: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(DATABASE_URL|DATA_DIR|PORT|HOST|SLACK_|TEAMS_|SMTP_|DEMO_DATA|CATALOG_FILE|CREDENTIALS_KEY|NODE_ENV|LOG_LEVEL|DELIVERY_|SWEEP_|SHUTDOWN_)/.test(k)) env[k] = v;
  }
  return { ...env, ...set };
}

export async function runOnce(kind: DbKind, o: BenchOptions): Promise<RunResult> {
  const figures: Figures = {};
  const notes: string[] = [];
  let label: string | undefined;
  const token = `bk${randomBytes(3).toString("hex")}`;
  const tmp = mkdtempSync(join(tmpdir(), `carebot-bench-${kind}-`));
  // As root the embedded PostgreSQL runs as the postgres user, which must be able to pass through this folder.
  chmodSync(tmp, 0o711);
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
    const serverArgs = [...o.serverNodeArgs, ...(o.entry.endsWith(".ts") ? ["--import", "tsx", o.entry] : [o.entry])];
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
    // Demo accounts' notifications never reach a real destination, and the bench's local
    // Slack stand-in is one as far as carebot can tell: its traffic is a real customer's.
    // (The server is already up: its start-up linked nothing, so this is what it reads.)
    const live = kind === "embedded" ? await openDatabase({ kind: "embedded-postgres", dataDir }) : await openDatabase({ kind: "postgres", url: databaseUrl! });
    try {
      await live.prisma.$executeRaw`UPDATE "Account" SET "demo" = false`;
      // The bench's users sit in four Slack workspaces: each is linked to every account, as
      // an operator links a customer's workspace (else only the vendor's own matches by email).
      await live.prisma.$executeRaw`
        INSERT INTO "WorkspaceLink" ("id", "platform", "tenantId", "accountId", "createdAt")
        SELECT gen_random_uuid(), 'slack', t, a."id", now() FROM "Account" a, unnest(ARRAY['T1', 'T2', 'T3', 'T4']) AS t
        ON CONFLICT DO NOTHING`;
    } finally {
      await live.close();
    }

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

    log(`warming up: ${USERS.length} Slack users list once, one per demo contact opens a modal and files a case`);
    const thread = await warmUp(t);
    const rss = sampleRss(server.pid);
    for (const command of ["list", "new"] as const) {
      log(`/case ${command}: ${o.n} requests at 4 concurrent, interleaved with bare Bolt`);
      await commandPhase(t, command, o.n, figures, notes);
    }
    if (o.commandsOnly) {
      rss.stop();
      notes.push(...t.oddAnswers);
      return { figures, notes, label };
    }
    for (const rate of o.rates) {
      log(`modal submissions: ${rate}/s for ${o.seconds} s (open loop), each to carebot and bare Bolt`);
      await submitPhase(t, rate, o.seconds, figures, notes);
    }
    log(`thread replies: ${o.replyRate}/s for ${o.replySeconds} s in a followed thread`);
    await replyPhase(t, thread, o.replyRate, o.replySeconds, figures);
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
      await sqlPhase(t, counter, thread, figures);
    }
    await stopChild(server);

    log("counting what was stored; filing through the core vs a raw insert, in process");
    const db = kind === "embedded" ? await openDatabase({ kind: "embedded-postgres", dataDir }) : await openDatabase({ kind: "postgres", url: databaseUrl! });
    try {
      figures["cases.filed"] = await db.prisma.case.count({ where: { subject: { startsWith: `${token}-s` } } });
      figures["cases.acked"] = t.ackedKeys.size;
      figures["cases.ackedInTime"] = t.ackedInTime.size;
      if (figures["cases.filed"] !== figures["cases.acked"]) notes.push(`MISMATCH: ${figures["cases.filed"]} cases filed from the Slack submissions, ${figures["cases.acked"]} distinct submissions acknowledged.`);
      else if (figures["cases.filed"] !== figures["cases.ackedInTime"]) notes.push(`${figures["cases.filed"]! - t.ackedInTime.size} cases were filed from submissions acknowledged only after 3 s, which Slack shows the user as failed.`);
      figures["reply.stored"] = await db.prisma.comment.count({ where: { body: { startsWith: `${token}-r-` } } });
      const filing = await measureFiling(db, token, THREAD_USER.email, o.filingSeconds);
      figures["filing.core"] = filing.corePerSecond;
      figures["filing.raw"] = filing.rawPerSecond;
      figures["filing.ratio"] = filing.corePerSecond / filing.rawPerSecond;
      if (filing.coreErrors || filing.rawErrors) notes.push(`filing: ${filing.coreErrors} core and ${filing.rawErrors} raw inserts failed.`);
    } finally {
      await db.close();
    }
    notes.push(...t.oddAnswers);
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
