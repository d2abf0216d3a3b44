import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";
import { createCore } from "../../src/core/index.ts";
import { createLogger } from "../../src/logger.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { commandBody, eventBody, SIGNING_SECRET, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { freshPostgresDatabase, onPostgres } from "../support/test-core.ts";
import { as, buildWorld, filing, operator } from "../support/world.ts";

/**
 * Nothing acknowledged is lost. The real server runs as a child process (`node --import
 * tsx src/main.ts`) against a local recording Slack; customers submit new-case forms
 * (each from its own opened form) and reply in a case thread, all at once, and the
 * server is killed with SIGKILL in the middle. Then:
 *  - with the server still down, every submission and reply that got a 200 is in the
 *    database exactly once;
 *  - after a restart, Slack retries what was not acknowledged and customers submit
 *    their forms again: still one case per form and one comment per reply, and every
 *    case has exactly one card in the channel it was filed from.
 * On PGlite the database is a folder on disk (the server is another process); on
 * PostgreSQL (npm run test:postgres) a fresh database.
 */
const CASES = 24;
const REPLIES = 48;
/** Acknowledged requests after which the server is killed: mid-burst. */
const KILL_AFTER = Math.round((CASES + REPLIES) * 0.4);
const CONCURRENCY = 6;
const FILE_CHANNEL = "CFILE";
const REPLY_CHANNEL = "CREPLY";
const REPLY_THREAD = "1700000000.000001";
const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

type Outcome = "acked" | "refused" | "lost";
interface Item {
  kind: "case" | "reply";
  /** The subject or the reply's text: unique, so rows and cards are counted by it. */
  text: string;
  body: string;
  outcome?: Outcome;
}

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

describe("crash: SIGKILL in the middle of a burst of filings and replies", () => {
  const key = randomBytes(32).toString("base64");
  let slack: FakeSlackApi;
  let dataDir = "";
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  let pgDb: Database | undefined;
  let server: Server | undefined;
  const serverErrors: string[] = [];

  beforeAll(async () => {
    slack = new FakeSlackApi();
    await slack.start();
    slack.emails.set("UADA", "ada@acme.test");
    if (onPostgres) {
      pg = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!);
      pgDb = await openDatabase({ kind: "postgres", url: pg.url });
    } else {
      dataDir = mkdtempSync(join(tmpdir(), "carebot-crash-"));
    }
  });
  afterAll(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
    await pgDb?.close();
    await pg?.drop();
    await slack.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The test's own handle on the server's database: PostgreSQL stays open; the embedded one only while the server is down. */
  async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    if (pgDb) return fn(pgDb);
    const db = await openDatabase({ kind: "pglite", dataDir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  function startServer(): Promise<Server> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "development",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir || join(tmpdir(), "carebot-crash-unused"),
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      CREDENTIALS_KEY: key,
      DEMO_DATA: "off",
      LOG_LEVEL: "info",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: "xoxb-crash-test",
      SLACK_API_URL: slack.apiUrl,
      SLACK_TRIAGE_CHANNEL: "CTRIAGE",
      // The filing itself wakes the in-process worker; the interval only picks up what a crash left behind,
      // and a crashed worker's claim expires after the lease.
      DELIVERY_INTERVAL_MS: "200",
      DELIVERY_LEASE_MS: "2000",
      SWEEP_INTERVAL_MS: "600000",
      RATE_LIMIT_USER_BURST: "10000",
      RATE_LIMIT_USER_PER_MINUTE: "100000",
      RATE_LIMIT_TENANT_BURST: "10000",
      RATE_LIMIT_TENANT_PER_MINUTE: "100000",
    };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    createInterface({ input: child.stderr! }).on("line", (line) => serverErrors.push(line));
    return new Promise<Server>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 30 s: ${serverErrors.slice(-5).join("\n")}`)), 30_000);
      void exited.then((code) => reject(new Error(`the server exited with ${code} while starting: ${serverErrors.slice(-5).join("\n")}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let entry: { msg?: string; port?: number; level?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return; // not a log line of ours
        }
        if ((entry.level ?? 0) >= 50) serverErrors.push(line);
        if (entry.msg?.startsWith("carebot is up") && entry.port) {
          clearTimeout(timer);
          resolve({ child, url: `http://127.0.0.1:${entry.port}`, exited });
        }
      });
    });
  }

  /** Sends every item, a few at a time; `onAck` runs after each acknowledgement. */
  async function burst(s: Server, items: Item[], send: (s: Server, item: Item) => Promise<Outcome>, onAck: () => void = () => undefined) {
    const queue = [...items];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          item.outcome = await send(s, item);
          if (item.outcome === "acked") onAck();
        }
      }),
    );
  }

  let signedAt = Math.floor(Date.now() / 1000);
  /** Slack signs every delivery anew: a retry is never the same signed bytes as the first try. */
  async function deliver(s: Server, item: Item, retry = false): Promise<Outcome> {
    signedAt -= 1;
    try {
      const res = await sendToSlackEndpoint(`${s.url}/slack/events`, item.body, item.kind === "case" ? FORM : JSON_TYPE, { timestamp: signedAt, ...(retry ? { retryNum: 1 } : {}) });
      // A form with errors is a refusal too (200 with response_action "errors").
      return res.status === 200 && (item.kind === "reply" || res.text === "") ? "acked" : "refused";
    } catch {
      return "lost"; // the connection died with the server, or it was already down
    }
  }

  it("every acknowledged filing and reply is stored once, and every case gets exactly one card where it was filed", { timeout: 90_000 }, async () => {
    const started = Date.now();
    const phases: Record<string, string> = {};
    let last = started;
    const phase = (name: string) => {
      phases[name] = ((Date.now() - last) / 1000).toFixed(1);
      last = Date.now();
    };
    // The world, seeded before the server starts (the embedded database belongs to one process).
    const seeded = await withDatabase(async (db) => {
      await applyMigrations(db.migrationTarget);
      const core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(Buffer.from(key, "base64")), logger: createLogger({ level: "silent" }) });
      const w = await buildWorld(core);
      await core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "slack", tenantId: "T1", userId: "UADA" });
      const { case: c } = await core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "The case Ada replies on" }));
      await core.threads.follow(as(w.people.acmeUser.id), { case: c.number, platform: "slack", tenantId: "T1", channelId: REPLY_CHANNEL, threadId: REPLY_THREAD, audience: "CUSTOMER" });
      return { acme: w.accounts.acme.id, replyCase: c.id };
    });

    phase("seed");
    server = await startServer();
    phase("start");
    // Each form is opened on its own (its own idempotency key), in the channel Ada files from.
    const url = server.url;
    const forms = await Promise.all(
      Array.from({ length: CASES }, async (_, i) => {
        const trigger = `t-crash-${i}`;
        expect((await sendToSlackEndpoint(`${url}/slack/events`, commandBody({ text: "new", user: "UADA", channel: FILE_CHANNEL, responseUrl: slack.responseUrl(), triggerId: trigger }), FORM)).status).toBe(200);
        return (await slack.waitFor("views.open", (a) => a.trigger_id === trigger, 15_000)).view as Record<string, unknown>;
      }),
    );
    const cases: Item[] = forms.map((view, i) => {
      const text = `Crash case ${i}`;
      const values = { accountId: seeded.acme, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: text, description: `Filed in the burst (${i}).`, feature: "captions/machine" };
      return { kind: "case", text, body: viewSubmission({ user: "UADA", view, values }) };
    });
    const replies: Item[] = Array.from({ length: REPLIES }, (_, j) => {
      const text = `Crash reply ${j}`;
      const ts = `1700000100.${String(j).padStart(6, "0")}`;
      const event = { type: "message", channel: REPLY_CHANNEL, user: "UADA", text, ts, thread_ts: REPLY_THREAD, event_ts: ts, channel_type: "channel" };
      return { kind: "reply", text, body: eventBody(event, `EvCrash${j}`) };
    });
    phase("open forms");
    // Interleaved: two replies for every filing.
    const all = cases.flatMap((c, i) => [c, replies[2 * i]!, replies[2 * i + 1]!]);

    // The burst, and SIGKILL once KILL_AFTER requests were acknowledged.
    const first = server;
    let acked = 0;
    await burst(first, all, deliver, () => {
      acked += 1;
      if (acked === KILL_AFTER) first.child.kill("SIGKILL");
    });
    await first.exited;
    server = undefined;
    phase("burst and kill");
    const count = (items: Item[], outcome: Outcome) => items.filter((i) => i.outcome === outcome).length;
    const ackedCases = cases.filter((c) => c.outcome === "acked");
    const ackedReplies = replies.filter((r) => r.outcome === "acked");
    const cardsBeforeRestart = slack.of("chat.postMessage").filter((a) => a.channel === FILE_CHANNEL).length;

    // With the server down: every acknowledged item is stored, once.
    const afterKill = await withDatabase(async (db) => ({
      cases: await db.prisma.case.groupBy({ by: ["subject"], where: { subject: { startsWith: "Crash case" } }, _count: true }),
      comments: await db.prisma.comment.groupBy({ by: ["body"], where: { caseId: seeded.replyCase }, _count: true }),
    }));
    const storedCases = new Map(afterKill.cases.map((r) => [r.subject, r._count]));
    const storedReplies = new Map(afterKill.comments.map((r) => [r.body, r._count]));
    const lostCases = ackedCases.filter((c) => storedCases.get(c.text) !== 1).map((c) => c.text);
    const lostReplies = ackedReplies.filter((r) => storedReplies.get(r.text) !== 1).map((r) => r.text);

    phase("check after kill");
    // Restart. Slack retries every reply it got no 200 for; Ada submits again every form she did not see
    // close, and, as one does after an error, two she did.
    server = await startServer();
    const restartedAt = Date.now();
    phase("restart");
    const resent = [...all.filter((i) => i.outcome !== "acked"), ...ackedCases.slice(0, 2)];
    const again = await Promise.all(resent.map((item) => deliver(server!, item, item.kind === "reply")));
    expect(again.filter((o) => o !== "acked")).toEqual([]);

    // Delivery: every case gets its card in FILE_CHANNEL (the killed worker's claims expire after the lease).
    const cardsOf = (subject: string, channel = FILE_CHANNEL) =>
      slack.of("chat.postMessage").filter((a) => a.channel === channel && !a.thread_ts && new RegExp(`^Case \\d{8}: ${subject}(\\W|$)`).test(String(a.text))).length;
    const deadline = Date.now() + 20_000;
    while (cases.some((c) => cardsOf(c.text) === 0 || cardsOf(c.text, "CTRIAGE") === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const deliveredIn = Date.now();
    phase("resend and deliver");
    await new Promise((r) => setTimeout(r, 1_000)); // room for a duplicate to show
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    server = undefined;

    const final = await withDatabase(async (db) => ({
      cases: await db.prisma.case.groupBy({ by: ["subject"], where: { subject: { startsWith: "Crash case" } }, _count: true }),
      comments: await db.prisma.comment.groupBy({ by: ["body"], where: { caseId: seeded.replyCase }, _count: true }),
      threads: await db.prisma.caseThread.count({ where: { audience: "CUSTOMER", channelId: FILE_CHANNEL } }),
      undelivered: await db.prisma.notification.count({ where: { status: { not: "DELIVERED" }, event: "case.filed" } }),
    }));
    phase("stop and final check");
    const cards = cases.map((c) => cardsOf(c.text));
    const triage = cases.map((c) => cardsOf(c.text, "CTRIAGE"));
    const extra = (counts: number[]) => counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const figures = {
      database: onPostgres ? "postgres" : "pglite (on disk)",
      sent: { cases: CASES, replies: REPLIES },
      acked: { cases: ackedCases.length, replies: ackedReplies.length },
      refused: count(all, "refused"),
      lostConnection: count(all, "lost"),
      storedAtKill: { cases: storedCases.size, replies: storedReplies.size, ackedButMissing: lostCases.length + lostReplies.length },
      cardsBeforeRestart,
      final: { cases: final.cases.length, replies: final.comments.length, customerThreads: final.threads, undeliveredFilings: final.undelivered },
      cards: { total: cards.reduce((a, b) => a + b, 0), casesWithNone: cards.filter((n) => n === 0).length, repeated: extra(cards) },
      triageCards: { total: triage.reduce((a, b) => a + b, 0), casesWithNone: triage.filter((n) => n === 0).length, repeated: extra(triage) },
      secondsFromRestartToLastCard: ((deliveredIn - restartedAt) / 1000).toFixed(1),
      seconds: ((Date.now() - started) / 1000).toFixed(1),
      phases,
    };
    console.log(`crash test figures: ${JSON.stringify(figures)}`);

    expect(acked).toBeGreaterThanOrEqual(KILL_AFTER); // the kill did land mid-burst, after acknowledgements
    expect(lostCases).toEqual([]);
    expect(lostReplies).toEqual([]);
    expect(final.cases.map((r) => r._count).filter((n) => n !== 1)).toEqual([]);
    expect(final.cases).toHaveLength(CASES);
    expect(final.comments.map((r) => r._count).filter((n) => n !== 1)).toEqual([]);
    expect(final.comments).toHaveLength(REPLIES);
    expect(final.undelivered).toBe(0);
    expect(final.threads).toBe(CASES);
    expect(cards.filter((n) => n === 0)).toEqual([]);
    // Slack's chat.postMessage has no idempotency key: a kill in the instant between Slack taking a card
    // and its receipt being written repeats that one card after the restart (the worker posts one at a
    // time, so at most one per kill). Every other card is posted exactly once (receipts).
    expect(triage.filter((n) => n === 0)).toEqual([]);
    expect(extra(cards) + extra(triage)).toBeLessThanOrEqual(1);
  });
});
