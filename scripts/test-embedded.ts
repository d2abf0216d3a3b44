// Runs the whole test suite on the embedded PostgreSQL server, as `npm start` runs it:
// one server for the run in a temporary DATA_DIR, a fresh database per test file
// (through TEST_DATABASE_URL, as `npm run test:postgres`), the server stopped and the
// folder removed afterwards. `npm test` keeps in-memory PGlite: no server process,
// any platform; this run covers what only a real server shows (several processes,
// SKIP LOCKED across workers, concurrent migrations).
// Usage: npm run test:embedded [-- vitest args]
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEmbeddedPostgres } from "../src/core/db/embedded-postgres.ts";

const dataDir = mkdtempSync(join(tmpdir(), "carebot-test-embedded-"));
chmodSync(dataDir, 0o755); // as root the server runs as user postgres, which must reach it
let status = 1;
try {
  const started = performance.now();
  const server = await openEmbeddedPostgres({ dataDir });
  console.log(`Embedded PostgreSQL ${server.how} on 127.0.0.1:${server.port} in ${Math.round(performance.now() - started)} ms: running the suite on it.`);
  try {
    const run = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, TEST_DATABASE_URL: server.url } });
    status = run.status ?? 1;
  } finally {
    await server.release();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
