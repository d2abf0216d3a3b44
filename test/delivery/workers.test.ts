import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { systemClock } from "../../src/core/clock.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";
import { createCore } from "../../src/core/index.ts";
import { createLogger } from "../../src/logger.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { freshPostgresDatabase, onPostgres } from "../support/test-core.ts";
import { as, buildWorld, filing } from "../support/world.ts";

/**
 * Delivery worker processes (npm run worker) against one PostgreSQL and a local
 * recording Slack. Several processes share one database only on PostgreSQL (the
 * embedded database belongs to one process), so these stories run on the PostgreSQL
 * run of the suite (npm run test:postgres, which CI runs).
 */
const N = Number(process.env.WORKER_TEST_N ?? 1000);

describe.runIf(onPostgres)("delivery worker processes on one PostgreSQL", () => {
  let fresh: { url: string; drop: () => Promise<void> };
  let db: Database;
  let slack: FakeSlackApi;
  const workers: ChildProcess[] = [];
  const failedExits: number[] = [];

  beforeAll(async () => {
    fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!);
    db = await openDatabase({ kind: "postgres", url: fresh.url });
    await applyMigrations(db.migrationTarget);
    slack = new FakeSlackApi();
    await slack.start();
  });
  afterAll(async () => {
    for (const w of workers) w.kill("SIGKILL");
    await slack.stop();
    await db.close();
    await fresh.drop();
  });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker-main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: fresh.url,
        SLACK_SIGNING_SECRET: "worker-test-signing-secret",
        SLACK_BOT_TOKEN: "xoxb-worker-test",
        SLACK_API_URL: slack.apiUrl,
        SLACK_DM_FALLBACK: "off",
        DELIVERY_INTERVAL_MS: "50",
        DELIVERY_BATCH_SIZE: "20",
        DELIVERY_LEASE_MS: "3000",
        LOG_LEVEL: "warn",
        CREDENTIALS_KEY: randomBytes(32).toString("base64"),
      },
      stdio: ["ignore", process.env.WORKER_LOGS ? "inherit" : "ignore", "inherit"],
    });
    child.on("exit", (code) => {
      if (code) failedExits.push(code);
    });
    workers.push(child);
    return child;
  }

  /** N notifications on a case whose Slack thread follows it; each names its index in the text Slack receives. */
  async function outboxOf(n: number, label: string): Promise<string> {
    const core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: createLogger({ level: "silent" }) });
    const w = await buildWorld(core).catch(async () => ({ accounts: { acme: await db.prisma.account.findFirstOrThrow({ where: { name: "Acme Media" } }) }, people: { acmeUser: await db.prisma.person.findUniqueOrThrow({ where: { email: "ada@acme.test" } }) } }));
    const ctx = as(w.people.acmeUser.id);
    const { case: c } = await core.cases.file(ctx, filing(w.accounts.acme.id, { subject: label }));
    await core.threads.follow(ctx, { case: c.number, platform: "slack", tenantId: "T1", channelId: `C-${label}`, threadId: "1700000000.000001", audience: "CUSTOMER" });
    await db.prisma.notification.deleteMany({ where: { caseId: c.id } });
    const now = new Date();
    await db.prisma.notification.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        id: randomUUID(),
        caseId: c.id,
        event: "case.severity_changed",
        payload: { number: c.number, subject: label, from: "S3", to: "S2", reason: `${label}-note-${i}-end` },
        availableAt: now,
        createdAt: new Date(now.getTime() + i),
      })),
    });
    return c.id;
  }

  async function allDelivered(caseId: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (failedExits.length) throw new Error(`a worker exited with code ${failedExits[0]}`);
      const left = await db.prisma.notification.count({ where: { caseId, status: { not: "DELIVERED" } } });
      if (left === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    const stuck = await db.prisma.notification.findFirst({ where: { caseId, status: { not: "DELIVERED" } } });
    throw new Error(`not everything was delivered in time; e.g. ${stuck?.status} after ${stuck?.attempts} attempts: ${stuck?.lastError}`);
  }

  function postsFor(label: string) {
    const posts = slack.of("chat.postMessage").filter((a) => a.channel === `C-${label}`);
    const indexes = posts.map((a) => Number(JSON.stringify(a.blocks).match(new RegExp(`${label}-note-(\\d+)-end`))?.[1]));
    return { total: posts.length, distinct: new Set(indexes).size };
  }

  it(`two worker processes deliver ${N} notifications: none lost, none duplicated`, { timeout: 180_000 }, async () => {
    const caseId = await outboxOf(N, "two");
    const started = Date.now();
    startWorker();
    startWorker();
    await allDelivered(caseId, 150_000);
    const seconds = (Date.now() - started) / 1000;
    const { total, distinct } = postsFor("two");
    console.log(`two workers: ${N} notifications delivered in ${seconds.toFixed(1)} s, ${total} posts, ${distinct} distinct`);
    expect(distinct).toBe(N);
    expect(total).toBe(N);
    expect(await db.prisma.deliveryReceipt.count({ where: { target: { startsWith: "thread:C-two" } } })).toBe(N);
    for (const w of workers.splice(0)) w.kill("SIGTERM");
  });

  it("a worker killed (SIGKILL) in the middle of a batch and restarted delivers the rest", { timeout: 180_000 }, async () => {
    const caseId = await outboxOf(N, "kill");
    slack.delayMs = 3; // a slower Slack, so the kill lands inside a batch
    const first = startWorker();
    const deadline = Date.now() + 60_000;
    while (postsFor("kill").total < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.kill("SIGKILL");
    const atKill = postsFor("kill").total;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(N);
    startWorker();
    await allDelivered(caseId, 150_000);
    const { total, distinct } = postsFor("kill");
    console.log(`kill: ${atKill} posts before SIGKILL, ${total} in all, ${distinct} distinct`);
    expect(distinct).toBe(N);
    expect(await db.prisma.deliveryReceipt.count({ where: { target: { startsWith: "thread:C-kill" } } })).toBe(N);
    // Slack has no idempotency key for chat.postMessage: a kill between Slack accepting a post and its
    // receipt being written can repeat that one post (at-least-once); never more than one per kill.
    expect(total - N).toBeLessThanOrEqual(1);
    slack.delayMs = 0;
  });
});
