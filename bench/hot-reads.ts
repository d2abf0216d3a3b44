/**
 * What each chat request's reads cost in carebot's own process, one call at a time:
 * wall time and CPU per call (process.cpuUsage, so the database server's own work is
 * in the wall time only), against floors measured in the same run on the same
 * connection pool: `SELECT 1` through Prisma and through node-postgres directly.
 *
 *   npm run bench:hot-reads                        PostgreSQL (BENCH_DATABASE_URL, default the local server)
 *   npm run bench:hot-reads -- --calls 3000
 *
 * It creates a database, loads the demo data, links a Slack user to a demo contact and
 * times: the chat actor (who is asking: identity, person and account family), `/case
 * list` (the open view's first page and its total), `/case show` (one case with its
 * comments) and the new-case form's choices; then cases filed per second through the core,
 * 20 at once, against a bare prisma.case.create (as the chat benchmark measures it).
 * Drops the database afterwards.
 * Why: a chat request is a handful of statements; when each costs a millisecond of CPU
 * in the client library, four requests at once keep the event loop busy and every
 * other request's ack waits behind them (see the chat benchmark's ack ratios).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { DEFAULT_CATALOG } from "../src/core/catalog.ts";
import { systemClock } from "../src/core/clock.ts";
import { CredentialVault } from "../src/core/crypto/credentials.ts";
import { openDatabase } from "../src/core/db/connect.ts";
import { applyMigrations } from "../src/core/db/migrate.ts";
import { loadActor } from "../src/core/accounts/actors.ts";
import { DEMO_PEOPLE, loadDemoData } from "../src/core/demo/demo-data.ts";
import { createCore, type Ctx } from "../src/core/index.ts";
import { createLogger } from "../src/logger.ts";
import { measureFiling } from "./chat/filing.ts";

const { values: args } = parseArgs({ options: { calls: { type: "string", default: "2000" }, "filing-seconds": { type: "string", default: "5" } } });
const calls = Math.max(100, Number(args.calls) || 2000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const name = `carebot_hot_${randomBytes(5).toString("hex")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;

type Row = { what: string; wallMs: number; cpuMs: number };
let filing: Awaited<ReturnType<typeof measureFiling>> | undefined;
const rows: Row[] = [];
async function time(what: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(200, calls / 5); i++) await fn();
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const used = process.cpuUsage(cpu);
  rows.push({ what, wallMs: (performance.now() - started) / calls, cpuMs: (used.user + used.system) / 1000 / calls });
}

const db = await openDatabase({ kind: "postgres", url: url.toString() });
const raw = new pg.Client({ connectionString: url.toString() });
try {
  await applyMigrations(db.migrationTarget);
  const logger = createLogger({ level: "silent" });
  const core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger });
  await loadDemoData(core, async () => false);
  // A department's contact: the richest account family (a parent and sibling departments).
  const contact = await db.prisma.person.findUniqueOrThrow({ where: { email: DEMO_PEOPLE.subUser } });
  await db.prisma.chatIdentity.create({ data: { id: randomUUID(), platform: "slack", tenantId: "TBENCH", userId: "UBENCH", personId: contact.id, createdAt: new Date() } });
  const ctx: Ctx = { actor: core.chatActor({ platform: "slack", tenantId: "TBENCH", userId: "UBENCH" }, async () => undefined), source: "slack" };
  const first = await core.cases.list(ctx, { view: "open" });
  const number = first.items[0]?.number;
  if (!number) throw new Error("the demo contact has no open case");
  await raw.connect();

  await time("floor: SELECT 1, node-postgres", () => raw.query("SELECT 1"));
  await time("floor: SELECT 1, Prisma $queryRaw", () => db.prisma.$queryRaw`SELECT 1`);
  await time("chat actor: identity, person, account family", () => loadActor(db.prisma, ctx.actor));
  await time("/case list: open, page 1", () => core.cases.list(ctx, { view: "open" }));
  await time("/case show: one case", () => core.cases.get(ctx, number));
  await time("new-case form: filing choices", () => core.cases.filingChoices(ctx));
  // The same measurement as the chat benchmark's: 20 filings at once through the core, then raw inserts.
  filing = await measureFiling(db, "hot", DEMO_PEOPLE.standardUser, Number(args["filing-seconds"]) || 5);
} finally {
  await raw.end().catch(() => undefined);
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

const floor = rows[0]!;
console.log(`${calls} calls each, one at a time, PostgreSQL at ${url.host}; CPU is carebot's process only.\n`);
console.log("| read | wall ms per call | CPU ms per call | wall ÷ raw SELECT 1 |");
console.log("|---|---|---|---|");
for (const r of rows) console.log(`| ${r.what} | ${r.wallMs.toFixed(3)} | ${r.cpuMs.toFixed(3)} | ${(r.wallMs / floor.wallMs).toFixed(1)}x |`);
if (filing) {
  console.log(`\nFiling, 20 at once: core.cases.file ${filing.corePerSecond.toFixed(0)}/s, a bare prisma.case.create ${filing.rawPerSecond.toFixed(0)}/s (${(filing.corePerSecond / filing.rawPerSecond).toFixed(2)}x); client CPU per case ${filing.coreCpuMs.toFixed(2)} vs ${filing.rawCpuMs.toFixed(2)} ms; errors ${filing.coreErrors} + ${filing.rawErrors}.`);
}
