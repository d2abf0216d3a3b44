import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { countStatements, type StatementListener } from "./statement-count.ts";
import type { MigrationTarget, SqlSession } from "./migrate.ts";

export type { PrismaClient };

/**
 * One handle over either database. PGlite (PostgreSQL compiled to WebAssembly, in
 * process) is the zero-set-up default; PostgreSQL is used when a URL is given. Both
 * speak PostgreSQL, so one schema, one migrations folder and the same raw SQL serve both.
 */
export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly prisma: PrismaClient;
  /** A raw transaction on one connection: used by migrations and advisory locks. */
  readonly migrationTarget: MigrationTarget;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions = (
  | { kind: "postgres"; url: string; poolSize?: number; onIdleError?: (error: Error) => void }
  /** dataDir undefined: in memory (tests). */
  | { kind: "pglite"; dataDir?: string }
) & {
  /** Told of every statement Prisma sends (query-budget tests, the chat benchmark). */
  onStatement?: StatementListener;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const adapter = <F extends PrismaPg | PrismaPGlite>(factory: F): F => (options.onStatement ? countStatements(factory, options.onStatement) : factory);
  return options.kind === "postgres" ? openPostgres(options.url, adapter, options.poolSize, options.onIdleError) : openPglite(options.dataDir, adapter);
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
