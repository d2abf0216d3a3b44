// Runs the whole test suite against a real PostgreSQL server: each test file gets a
// fresh database created under TEST_DATABASE_URL (default: the local server these
// machines start on 127.0.0.1:5432) and dropped afterwards.
// Exit codes: the suite's own; 2 when the server does not answer (say why, run nothing).
import { spawnSync } from "node:child_process";
import pg from "pg";

const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  const { rows } = await client.query("SHOW server_version");
  console.log(`PostgreSQL ${rows[0].server_version} at ${new URL(url).host}: running the suite on it.`);
} catch (error) {
  console.error(`PostgreSQL is not reachable at ${new URL(url).host} (${error.code ?? error.message}).`);
  process.exit(2);
} finally {
  await client.end().catch(() => undefined);
}
const run = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(run.status ?? 1);
