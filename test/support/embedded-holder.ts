/**
 * A process holding the embedded PostgreSQL on a DATA_DIR, for the tests that kill it:
 *   node --import tsx test/support/embedded-holder.ts <dataDir>
 * Opens the database, commits one row of its own in table "held" per 20 ms and prints
 * each committed id, until killed (or after 60 s, so nothing is left running forever).
 */
import { openDatabase } from "../../src/core/db/connect.ts";

const dataDir = process.argv[2]!;
const db = await openDatabase({ kind: "embedded-postgres", dataDir });
await db.prisma.$executeRawUnsafe("CREATE TABLE IF NOT EXISTS held (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
process.stdout.write(`ready ${db.embedded!.pid} ${db.embedded!.how}\n`);
const until = Date.now() + 60_000;
while (Date.now() < until) {
  const [row] = await db.prisma.$queryRawUnsafe<{ id: number }[]>("INSERT INTO held DEFAULT VALUES RETURNING id");
  process.stdout.write(`committed ${row!.id}\n`);
  await new Promise((r) => setTimeout(r, 20));
}
await db.close();
