import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Applies the committed prisma/migrations/<name>/migration.sql files in order, each
 * in its own transaction, recording it in _carebot_migrations. The Prisma CLI cannot
 * migrate through the pg driver adapter here (prisma/orm#27403, see
 * ../shared/notes/prisma-offline.md), so both databases take this one path.
 * Each step holds a transaction-scoped advisory lock, so several instances starting
 * at once on one PostgreSQL apply each file exactly once.
 */
export interface SqlSession {
  /** Runs a script that may hold several statements. */
  exec(sql: string): Promise<void>;
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface MigrationTarget {
  /** Runs fn inside one transaction on one connection. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** An arbitrary constant, the same for every instance: the key of the advisory lock. */
const MIGRATION_LOCK_KEY = 7_120_511_204;

export const MIGRATIONS_DIR = new URL("../../../prisma/migrations/", import.meta.url).pathname;

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export class MigrationError extends Error {}

/** Returns the names applied by this call (empty when the database was up to date). */
export async function applyMigrations(target: MigrationTarget, migrations: Migration[] = readMigrations()): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await target.transaction(async (session) => {
      await session.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      await session.exec(
        `CREATE TABLE IF NOT EXISTS _carebot_migrations (
           name text PRIMARY KEY,
           checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const rows = await session.query<{ checksum: string }>(
        "SELECT checksum FROM _carebot_migrations WHERE name = $1",
        [migration.name],
      );
      if (rows[0]) {
        if (rows[0].checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied; add a new migration instead of editing it.`,
          );
        }
        return false;
      }
      await session.exec(migration.sql);
      await session.query("INSERT INTO _carebot_migrations (name, checksum) VALUES ($1, $2)", [
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (didApply) applied.push(migration.name);
  }
  return applied;
}

/** True when every committed migration is recorded as applied: part of readiness. */
export async function migrationsUpToDate(target: MigrationTarget, migrations: Migration[] = readMigrations()): Promise<boolean> {
  return target.transaction(async (session) => {
    const exists = await session.query<{ present: boolean }>(
      "SELECT to_regclass('_carebot_migrations') IS NOT NULL AS present",
    );
    if (!exists[0]?.present) return false;
    const rows = await session.query<{ name: string }>("SELECT name FROM _carebot_migrations");
    const names = new Set(rows.map((r) => r.name));
    return migrations.every((m) => names.has(m.name));
  });
}
