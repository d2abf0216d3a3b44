import { randomBytes, randomUUID } from "node:crypto";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { systemClock } from "../../src/core/clock.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import type { Database } from "../../src/core/db/connect.ts";
import { createCore } from "../../src/core/index.ts";
import { createLogger } from "../../src/logger.ts";

/**
 * Cases filed per second through the core (core.cases.file, 20 at once, as the
 * server's path files them) against the floor on the same database in the same
 * run: a bare prisma.case.create of a comparable row, 20 at once. Opened in the
 * bench process after the server has stopped (the embedded database has one owner).
 */
export interface FilingFigures {
  corePerSecond: number;
  rawPerSecond: number;
  coreErrors: number;
  rawErrors: number;
  /** Client CPU (this process) per case filed: steadier than the rates on a busy machine. */
  coreCpuMs: number;
  rawCpuMs: number;
}

const CONCURRENCY = 20;

async function throughput(seconds: number, maxJobs: number, job: (i: number) => Promise<void>): Promise<{ perSecond: number; errors: number; cpuMs: number; firstError?: unknown }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const deadline = start + seconds * 1000;
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline && next < maxJobs) {
        const i = next++;
        try {
          await job(i);
          done += 1;
        } catch (error) {
          errors += 1;
          firstError ??= error;
        }
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: done / ((performance.now() - start) / 1000), errors, cpuMs: (used.user + used.system) / 1000 / Math.max(1, done), firstError };
}

export async function measureFiling(db: Database, token: string, contactEmail: string, seconds: number): Promise<FilingFigures> {
  const core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: createLogger({ level: "silent" }) });
  const person = await db.prisma.person.findUniqueOrThrow({ where: { email: contactEmail } });
  if (!person.accountId) throw new Error(`${contactEmail} is not a contact of an account`);
  const accountId = person.accountId;
  const product = DEFAULT_CATALOG.products[0]!;
  const ctx = { actor: { personId: person.id }, source: "slack" as const };
  const input = (i: number, kind: string) => ({
    accountId,
    caseType: "TECHNICAL_ISSUE" as const,
    severity: "S3" as const,
    subject: `${token}-${kind}-${i} Captions missing on uploads`,
    description: "No captions since Monday on entry 1_abc. Filed by the chat benchmark.",
    product: product.key,
    feature: product.features[0]!.key,
  });

  // Warm both paths (JIT, Prisma's query plans) before timing.
  for (let i = 0; i < 5; i++) await core.cases.file(ctx, { ...input(i, "warmcore"), idempotencyKey: randomUUID(), contactId: person.id, cc: "" });
  const core1 = await throughput(seconds, 5000, async (i) => {
    await core.cases.file(ctx, { ...input(i, "core"), idempotencyKey: randomUUID(), contactId: person.id, cc: "" });
  });

  const rawRow = (i: number, kind: string) => {
    const now = new Date();
    return { id: randomUUID(), ...input(i, kind), contactId: person.id, cc: [], status: "NEW" as const, statusChangedAt: now, createdById: person.id, idempotencyKey: randomUUID(), createdAt: now, updatedAt: now };
  };
  for (let i = 0; i < 5; i++) await db.prisma.case.create({ data: rawRow(i, "warmraw") });
  const raw = await throughput(seconds, 20_000, async (i) => {
    await db.prisma.case.create({ data: rawRow(i, "raw") });
  });
  if (core1.firstError) console.error("bench: core.cases.file failed:", core1.firstError);
  if (raw.firstError) console.error("bench: prisma.case.create failed:", raw.firstError);
  return { corePerSecond: core1.perSecond, rawPerSecond: raw.perSecond, coreErrors: core1.errors, rawErrors: raw.errors, coreCpuMs: core1.cpuMs, rawCpuMs: raw.cpuMs };
}
