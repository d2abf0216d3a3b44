import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import pg from "pg";
import { ManualClock } from "../../src/core/clock.ts";
import { DEFAULT_CATALOG, type Catalog } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";
import type { StatementListener } from "../../src/core/db/statement-count.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { createLogger, type Logger } from "../../src/logger.ts";

/**
 * A real core on a real database: in-memory PGlite by default, or, when
 * TEST_DATABASE_URL names a PostgreSQL server, a fresh database created for this
 * test file and dropped afterwards. Nothing of ours is mocked.
 */
export interface TestCore {
  core: Core;
  db: Database;
  clock: ManualClock;
  logger: Logger;
  /** Every log line written so far, as raw JSON text. */
  logLines: string[];
  /** Statements sent to the database since the last call (each a round trip), and resets the count. */
  takeStatements(): string[];
  close(): Promise<void>;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** A fresh, empty PostgreSQL database under TEST_DATABASE_URL, and how to drop it. */
export async function freshPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `carebot_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

export async function openTestDatabase(onStatement?: StatementListener): Promise<{ db: Database; drop: () => Promise<void>; url?: string }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const db = await openDatabase({ kind: "pglite", onStatement });
    return { db, drop: async () => undefined };
  }
  const fresh = await freshPostgresDatabase(adminUrl);
  const db = await openDatabase({ kind: "postgres", url: fresh.url, onStatement });
  return { db, url: fresh.url, drop: fresh.drop };
}

export async function startTestCore(options: { start?: string; catalog?: Catalog } = {}): Promise<TestCore> {
  let statements: string[] = [];
  const { db, drop } = await openTestDatabase((sql) => statements.push(sql));
  await applyMigrations(db.migrationTarget);
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const clock = new ManualClock(options.start ?? "2026-03-02T09:00:00Z");
  const core = createCore({
    prisma: db.prisma,
    clock,
    catalog: options.catalog ?? DEFAULT_CATALOG,
    vault: new CredentialVault(randomBytes(32)),
    logger,
  });
  // The stories written before issue 13 match chat users by email in made-up workspaces,
  // as the vendor's own single workspace does: here every workspace counts as the
  // vendor's own. test/core/workspaces.test.ts declares none, to test the linking rule.
  core.workspaces.declareOwn("slack", "every");
  core.workspaces.declareOwn("teams", "every");
  return {
    core,
    db,
    clock,
    logger,
    logLines,
    takeStatements: () => {
      const taken = statements;
      statements = [];
      return taken;
    },
    close: async () => {
      await db.close();
      await drop();
    },
  };
}
