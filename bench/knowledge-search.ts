/**
 * Knowledge search latency over 10,000 articles, on PGlite (in memory) and on
 * PostgreSQL (BENCH_DATABASE_URL, default the local server; skipped if it does not answer).
 *   npm run bench:knowledge            (ARTICLES=10000 QUERIES=400 by default)
 * Prints p50 and p95 of core.knowledge.search (the full path: query parsing, the
 * ranked full-text query, snippets) for a mix of one-word, prefix and multi-word queries.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { DEFAULT_CATALOG } from "../src/core/catalog.ts";
import { systemClock } from "../src/core/clock.ts";
import { CredentialVault } from "../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../src/core/db/connect.ts";
import { applyMigrations } from "../src/core/db/migrate.ts";
import { createCore } from "../src/core/index.ts";
import { readArticles, SAMPLE_ARTICLES_DIR } from "../src/core/knowledge/article-files.ts";
import { refreshSearchVectors } from "../src/core/knowledge/knowledge.ts";
import { createLogger } from "../src/logger.ts";

const ARTICLES = Number(process.env.ARTICLES ?? 10_000);
const QUERIES = Number(process.env.QUERIES ?? 400);
const QUERY_MIX = ["upload", "uploading large files", "transc", "captions missing", "webcast buffering", "sso login", "error 1002", "analytics report", "live encoder", "api session expired", "categories permissions", "drop folder", "translation", "embed responsive", "bulk csv"];

const samples = readArticles(SAMPLE_ARTICLES_DIR);
const words = [...new Set(samples.flatMap((a) => a.body.toLowerCase().match(/[a-z]{4,}/g) ?? []))];
function pick<T>(list: T[], i: number): T {
  return list[i % list.length]!;
}

async function fill(db: Database): Promise<void> {
  for (let start = 0; start < ARTICLES; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, ARTICLES - start) }, (_, k) => {
      const i = start + k;
      const base = pick(samples, i);
      const extra = Array.from({ length: 40 }, (_, j) => pick(words, i * 7 + j * 13)).join(" ");
      return { id: randomUUID(), slug: `${base.slug}-${i}`, title: `${base.title} (${i})`, product: base.product, feature: base.feature ?? null, tags: base.tags ?? [], body: `${base.body}\n\n${extra}`, updatedAt: new Date() };
    });
    await db.prisma.knowledgeArticle.createMany({ data: batch });
    await refreshSearchVectors(db.prisma, batch.map((a) => a.slug));
  }
  await db.prisma.$executeRawUnsafe('ANALYZE "KnowledgeArticle"');
}

async function measure(label: string, db: Database): Promise<void> {
  await applyMigrations(db.migrationTarget);
  const core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: createLogger({ level: "silent" }) });
  const t0 = performance.now();
  await fill(db);
  const fillSeconds = (performance.now() - t0) / 1000;
  const ctx = { actor: { operator: true as const }, source: "cli" as const };
  for (let i = 0; i < 20; i++) await core.knowledge.search(ctx, { query: pick(QUERY_MIX, i) }); // warm-up
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const start = performance.now();
    const result = await core.knowledge.search(ctx, { query: pick(QUERY_MIX, i), product: i % 4 === 0 ? pick(DEFAULT_CATALOG.products, i).key : undefined });
    times.push(performance.now() - start);
    hits += result.length;
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(`${label}: ${ARTICLES} articles (filled in ${fillSeconds.toFixed(1)} s), ${QUERIES} searches: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${times.at(-1)!.toFixed(2)} ms, ${(hits / QUERIES).toFixed(1)} hits per search`);
}

const pglite = await openDatabase({ kind: "pglite" });
await measure("PGlite (in memory)", pglite);
await pglite.close();

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
try {
  await admin.connect();
} catch {
  console.log(`PostgreSQL: not reachable at ${new URL(adminUrl).host}, skipped`);
  process.exit(0);
}
const name = `carebot_bench_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const postgres = await openDatabase({ kind: "postgres", url: url.toString() });
try {
  const version = (await admin.query("SHOW server_version")).rows[0].server_version as string;
  await measure(`PostgreSQL ${version.split(" ")[0]}`, postgres);
} finally {
  await postgres.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
