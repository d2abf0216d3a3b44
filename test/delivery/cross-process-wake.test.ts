import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { systemClock } from "../../src/core/clock.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { listenForOutbox } from "../../src/core/notify/outbox-listener.ts";
import { createLogger } from "../../src/logger.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { freshPostgresDatabase, onPostgres } from "../support/test-core.ts";
import { as, buildWorld, filing, type World } from "../support/world.ts";

/**
 * A case filed in one process is delivered by a worker in another at once, not at its
 * next poll: the worker polls once a minute here, and the card must arrive within
 * seconds. The wake-up is PostgreSQL's LISTEN/NOTIFY (the Notification table's trigger
 * notifies on commit), which needs a server shared by both processes; PGlite in memory
 * belongs to one process and is woken in process, so these run on the PostgreSQL run of
 * the suite (npm run test:postgres, which CI runs).
 */
describe.runIf(onPostgres)("a delivery worker in another process wakes when a case is filed", () => {
  let fresh: { url: string; drop: () => Promise<void> };
  let db: Database;
  let core: Core;
  let w: World;
  let slack: FakeSlackApi;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!);
    db = await openDatabase({ kind: "postgres", url: fresh.url });
    await applyMigrations(db.migrationTarget);
    core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: createLogger({ level: "silent" }) });
    w = await buildWorld(core);
    slack = new FakeSlackApi();
    await slack.start();
  });
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await slack.stop();
    await db.close();
    await fresh.drop();
  });

  /** Starts `npm run worker`'s entry point and resolves once it listens for the outbox. */
  function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker-main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: fresh.url,
        SLACK_SIGNING_SECRET: "wake-test-signing-secret",
        SLACK_BOT_TOKEN: "xoxb-wake-test",
        SLACK_API_URL: slack.apiUrl,
        SLACK_TRIAGE_CHANNEL: "CTRIAGE",
        SLACK_DM_FALLBACK: "off",
        DELIVERY_INTERVAL_MS: "60000",
        LOG_LEVEL: "info",
        CREDENTIALS_KEY: randomBytes(32).toString("base64"),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the worker did not start listening within 30 s")), 30_000);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line.includes("listening for outbox notifications")) {
          clearTimeout(timer);
          resolve(child);
        }
      });
      child.once("exit", (code) => reject(new Error(`the worker exited with ${code}`)));
    });
  }

  it("the triage card of a case filed here is posted by the other process within seconds, though it polls once a minute", { timeout: 60_000 }, async () => {
    worker = await startWorker();
    // The worker's first poll is a minute away (it waits its interval after starting), so only a wake explains a quick card.
    const started = performance.now();
    await core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "Woken across processes" }));
    await slack.waitFor("chat.postMessage", (a) => a.channel === "CTRIAGE" && String(a.text).includes("Woken across processes"), 5_000);
    const ms = performance.now() - started;
    console.log(`card posted by the other process ${ms.toFixed(0)} ms after the filing committed`);
    expect(ms).toBeLessThan(5_000);
  });

  it("two connections: a listener hears a notification committed on another connection, and not one rolled back", async () => {
    const listener = listenForOutbox({ url: fresh.url, logger: createLogger({ level: "silent" }) });
    let rings = 0;
    listener.subscribe(() => (rings += 1));
    try {
      await listener.listening;
      await db.prisma.$transaction(async (tx) => {
        await tx.notification.create({ data: { id: crypto.randomUUID(), event: "case.assigned", payload: {}, availableAt: new Date(), createdAt: new Date() } });
        throw new Error("rolled back on purpose");
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      expect(rings).toBe(0);

      await core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "Heard on another connection" }));
      await expect.poll(() => rings, { timeout: 3_000 }).toBeGreaterThan(0);
    } finally {
      await listener.close();
    }
  });
});
