import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { CaseError } from "../errors.ts";
import { pidExists } from "./processes.ts";

/**
 * PGlite (EMBEDDED_DATABASE=pglite) is one process's database: two processes on one data folder corrupt it.
 * A pid file makes the second one (say, the CLI while the server runs) stop with a
 * clear message instead.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, "carebot.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (pid && pid !== process.pid && pidExists(pid)) {
        throw new CaseError("CONFIG", {
          message: `The in-process PGlite database in ${dataDir} (EMBEDDED_DATABASE=pglite) is in use by process ${pid}. Stop that process first, or use the default embedded PostgreSQL server or DATABASE_URL, which several processes share.`,
        });
      }
      // A stale file from a process that died: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new CaseError("CONFIG", { message: `Could not lock the embedded database in ${dataDir}.` });
}
