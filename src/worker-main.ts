import { coreFromConfig, openAppDatabase, startDelivery } from "./app.ts";
import { loadConfig, readEnvironment } from "./config.ts";
import { systemClock } from "./core/clock.ts";
import { applyMigrations } from "./core/db/migrate.ts";
import { toCaseError } from "./core/errors.ts";
import { deliveryChannels } from "./delivery/channels.ts";
import { createLogger, installLastResortHandlers } from "./logger.ts";

/**
 * `npm run worker`: delivery only, no HTTP, to scale delivery out beside the servers.
 * Several may run on one PostgreSQL: they claim notifications with SKIP LOCKED and
 * share receipts, so none is lost or sent twice to one destination. Without
 * DATABASE_URL it connects to the embedded PostgreSQL server on DATA_DIR (the running
 * server's, or one it starts and stops itself). It is woken at once when any process
 * commits a notification (LISTEN/NOTIFY), not at its next poll.
 */
async function main(): Promise<void> {
  const config = loadConfig(readEnvironment(process.env));
  const logger = createLogger({ level: config.LOG_LEVEL });
  // One notification's stray rejection must not stop delivery for everyone: see installLastResortHandlers.
  installLastResortHandlers(logger.child({ module: "process" }));
  if (!config.DATABASE_URL && config.EMBEDDED_DATABASE === "pglite") logger.warn("the in-process PGlite database admits one process: stop the server first, or use the embedded PostgreSQL (the default) or DATABASE_URL");
  const db = await openAppDatabase(config, logger);
  await applyMigrations(db.migrationTarget);
  const core = coreFromConfig(config, db, logger);
  const channels = deliveryChannels(config, core, logger);
  if (channels.length === 0) {
    logger.fatal("no delivery channel configured (Slack or Teams): nothing to do");
    process.exit(78);
  }
  const worker = startDelivery({ config, db, core, logger, clock: systemClock, channels });
  logger.info({ channels: channels.map((c) => c.name) }, "delivery worker running");
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void worker.stop().then(() => db.close()).then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  const failure = toCaseError(error);
  createLogger().fatal({ err: failure.code === "CONFIG" ? undefined : error }, failure.code === "CONFIG" ? failure.message : "delivery worker failed to start");
  process.exit(failure.code === "CONFIG" ? 78 : 1);
});
