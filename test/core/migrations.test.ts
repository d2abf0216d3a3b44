import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations, MIGRATIONS_DIR, migrationsUpToDate, readMigrations } from "../../src/core/db/migrate.ts";
import { onPostgres, openTestDatabase } from "../support/test-core.ts";

describe("migrations applied at start-up", () => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openTestDatabase());
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it("apply every committed migration once, and report readiness", async () => {
    expect(await migrationsUpToDate(db.migrationTarget)).toBe(false);
    const first = await applyMigrations(db.migrationTarget);
    expect(first).toEqual(readMigrations().map((m) => m.name));
    expect(await applyMigrations(db.migrationTarget)).toEqual([]);
    expect(await migrationsUpToDate(db.migrationTarget)).toBe(true);
  });

  it("refuse a migration edited after it was applied", async () => {
    const dir = mkdtempSync(join(tmpdir(), "carebot-migrations-"));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = readMigrations(dir);
    writeFileSync(join(dir, first!.name, "migration.sql"), first!.sql + "\n-- edited\n");
    await expect(applyMigrations(db.migrationTarget, readMigrations(dir))).rejects.toThrow(/was changed after it was applied/);
  });

  it("roll back a failing migration whole, leaving nothing half-applied", async () => {
    const dir = mkdtempSync(join(tmpdir(), "carebot-migrations-"));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, "99999999999999_broken"));
    writeFileSync(join(dir, "99999999999999_broken", "migration.sql"), `CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";`);
    await expect(applyMigrations(db.migrationTarget, readMigrations(dir))).rejects.toThrow();
    const half = await db.prisma.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('"Half"') IS NOT NULL AS present`;
    expect(half[0]!.present).toBe(false);
    expect(await migrationsUpToDate(db.migrationTarget)).toBe(true);
  });

  // Only PostgreSQL has several processes on one database; PGlite is one process's
  // (src/core/db/data-dir-lock.ts), so on the embedded run this story does not apply.
  it.runIf(onPostgres)("are applied once when several instances start at once on one PostgreSQL", async () => {
    const fresh = await openTestDatabase();
    const instances = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ kind: "postgres", url: fresh.url! })));
    try {
      const results = await Promise.all(instances.map((i) => applyMigrations(i.migrationTarget)));
      const names = readMigrations().map((m) => m.name);
      // Every migration was applied by exactly one instance.
      expect(results.flat().sort()).toEqual([...names].sort());
      const rows = await instances[0]!.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM _carebot_migrations`;
      expect(Number(rows[0]!.n)).toBe(names.length);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
      await fresh.db.close();
      await fresh.drop();
    }
  });
});
