/**
 * What carebot sends to PostgreSQL for each chat request, statement by statement:
 *   node --import tsx bench/chat/sql-trace.ts        (BENCH_DATABASE_URL as for bench:chat)
 * Starts the server on a fresh database with the demo data, behind the bench's wire
 * relay, plays one /case list, /case new, new-case submission and thread reply (after
 * a warm-up), and prints each one's statements in order (BEGIN/COMMIT included).
 * Loopback only; the database is dropped and every child stopped at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { THREAD_USER } from "./phases.ts";
import { PgWireCounter } from "./pg-wire-counter.ts";
import { freePort, killAllChildren, sleep, spawnNode, stopChild, waitReady } from "./processes.ts";
import { RecordingSlackApi } from "./slack-api.ts";
import { ChatTraffic } from "./traffic.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
process.on("exit", killAllChildren);
setTimeout(() => {
  console.error("sql-trace: time limit reached");
  process.exit(2);
}, 180_000).unref();

const tmp = mkdtempSync(join(tmpdir(), "carebot-sql-trace-"));
const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
await admin.connect();
const name = `carebot_trace_${randomBytes(6).toString("hex")}`;
await admin.query(`CREATE DATABASE ${name}`);
const slack = new RecordingSlackApi();
let current: string[] | undefined;
const url = new URL(adminUrl);
const relay = new PgWireCounter({ host: url.hostname, port: Number(url.port || 5432) }, (sql) => current?.push(sql));
try {
  await slack.start();
  slack.emails.set(THREAD_USER.id, THREAD_USER.email);
  url.pathname = `/${name}`;
  const direct = url.toString();
  url.hostname = "127.0.0.1";
  url.port = String(await relay.start());
  const port = await freePort();
  const secret = `trace-${randomBytes(12).toString("hex")}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: join(tmp, "data"),
    CREDENTIALS_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "warn",
    DATABASE_URL: url.toString(),
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: `xoxb-trace-${randomBytes(8).toString("hex")}`,
    SLACK_API_URL: slack.apiUrl,
    SLACK_TRIAGE_CHANNEL: "CTRIAGE",
    DELIVERY_INTERVAL_MS: "3600000",
    SWEEP_INTERVAL_MS: "3600000",
  };
  const cli = spawnNode("cli", ["--import", "tsx", "src/cli/main.ts", "demo", "load"], { cwd: repo, env: { ...env, DATABASE_URL: direct }, logFile: join(tmp, "cli.log") });
  if ((await cli.exited) !== 0) throw new Error(`cli demo load failed; see ${cli.logFile}`);
  const server = spawnNode("carebot", ["--import", "tsx", "src/main.ts"], { cwd: repo, env, logFile: join(tmp, "server.log") });
  await waitReady(server, `http://127.0.0.1:${port}/readyz`, 60_000);
  const target = { name: "carebot" as const, url: `http://127.0.0.1:${port}/slack/events` };
  const t = new ChatTraffic(slack, target, target, secret, `bk${randomBytes(3).toString("hex")}`);
  const u = THREAD_USER;

  const settle = (since: number) => t.waitFor(() => (performance.now() - Math.max(relay.lastAt, since) >= 300 ? true : undefined), 5000);
  const trace = async (label: string, fn: () => Promise<unknown>) => {
    await settle(performance.now());
    current = [];
    await fn();
    await settle(performance.now());
    const statements = current;
    current = undefined;
    console.log(`\n## ${label}: ${statements.length} statements\n`);
    statements.forEach((sql, i) => console.log(`${String(i + 1).padStart(3)}. ${sql.replace(/\s+/g, " ").slice(0, 220)}`));
  };
  const list = async (id: string) => {
    await t.list(target, u, id);
    await t.waitFor(() => t.responded.get(id), 10_000);
  };
  const open = async (trigger: string) => {
    await t.newCase(target, u, trigger);
    await t.waitFor(() => t.opened.get(trigger), 10_000);
  };
  const submit = async (i: number) => {
    const s = t.submissionBody(u, "sq", i);
    await t.submit(target, s.body, s.key, s.token);
    return t.waitFor(() => t.cards.get(s.token), 10_000);
  };

  // Warm-up: the identity is linked, the template modal opened, a case filed whose thread the replies use.
  await trace("first /case list of a new Slack user (links the identity by email)", () => list(`${t.token}-w0`));
  await t.openTemplate(u);
  const card = await submit(0);
  if (!card) throw new Error("the warm-up case's card was never posted");
  await sleep(300);
  const thread = { channel: String(card.answer.channel), ts: String(card.answer.ts) };

  await trace("/case list", () => list(`${t.token}-l1`));
  await trace("/case new (to views.open)", () => open(`${t.token}-n1`));
  await trace("new-case submission (to the card posted and the thread followed)", () => submit(1));
  await trace("thread reply (message event)", () => t.reply(target, u, thread, `${t.token}-r-1`));
  await stopChild(server);
} finally {
  killAllChildren();
  await relay.stop();
  await slack.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
