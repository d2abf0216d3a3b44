import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgDump } from "@electric-sql/pglite-tools/pg_dump";
import pg from "pg";
import { lockDataDir } from "./data-dir-lock.ts";

/**
 * Earlier versions kept the embedded database in DATA_DIR/pglite (PGlite). On the
 * first start of the embedded PostgreSQL server with such a folder there, its whole
 * database moves in: PGlite's own pg_dump (compiled to WebAssembly, the same
 * PostgreSQL 17 as the folder) writes it as SQL, which runs on the new server in one
 * transaction, migration records included; then the folder is renamed
 * DATA_DIR/pglite.carried-over-<time> (kept, not deleted: remove it once satisfied).
 * Runs under the server's open lock, so only one process does it.
 */
export async function carryOverPglite(options: { dataDir: string; url: string; log: (message: string, fields?: Record<string, unknown>) => void }): Promise<void> {
  const source = join(options.dataDir, "pglite");
  if (!existsSync(join(source, "PG_VERSION"))) return;

  const target = new pg.Client({ connectionString: options.url });
  await target.connect();
  try {
    const used = await target.query<{ used: boolean }>("SELECT to_regclass('public._carebot_migrations') IS NOT NULL AS used");
    if (used.rows[0]?.used) {
      options.log("DATA_DIR holds both an old PGlite folder and a used embedded PostgreSQL database: the PGlite folder is left alone (move it away to silence this)", { source });
      return;
    }
    // An earlier version still running on this folder would keep writing to it: refuse until it stops.
    const unlock = lockDataDir(options.dataDir);
    const started = performance.now();
    let sql: string;
    try {
      const pglite = new PGlite(source);
      try {
        sql = await (await pgDump({ pg: pglite, args: ["--inserts", "--no-owner", "--no-privileges"] })).text();
      } finally {
        await pglite.close();
      }
    } finally {
      unlock();
    }
    // Plain SQL; psql meta-commands (\restrict in newer pg_dump) have no meaning here.
    const script = sql
      .split("\n")
      .filter((line) => !line.startsWith("\\"))
      .join("\n");
    await target.query("BEGIN");
    try {
      await target.query(script);
      await target.query("COMMIT");
    } catch (error) {
      await target.query("ROLLBACK").catch(() => undefined);
      throw new Error(`Carrying ${source} over to the embedded PostgreSQL failed (nothing was changed; the old folder is untouched): ${(error as Error).message}`);
    }
    // The dump ends by resetting search_path for its own session; this client is done anyway.
    const counts = await target.query<{ cases: string }>('SELECT count(*)::text AS cases FROM public."Case"');
    const kept = `${source}.carried-over-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(source, kept);
    options.log("carried the PGlite database over to the embedded PostgreSQL", { from: source, keptAt: kept, cases: Number(counts.rows[0]?.cases), ms: Math.round(performance.now() - started) });
  } finally {
    await target.end();
  }
}
