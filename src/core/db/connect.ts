import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client.ts";
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

export type DatabaseOptions =
  | { kind: "postgres"; url: string; poolSize?: number }
  /** dataDir undefined: in memory (tests). */
  | { kind: "pglite"; dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === "postgres" ? openPostgres(options.url, options.poolSize) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
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
    },
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    migrationTarget: {
      transaction: async (fn) => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const result = await fn({
            exec: async (sql) => {
              await client.query(sql);
            },
            query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
          });
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
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
