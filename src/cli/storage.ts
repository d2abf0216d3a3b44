import { namedFileKeys } from "../core/attachments/storage.ts";
import type { PrismaClient } from "../core/db/connect.ts";
import type { Core } from "../core/index.ts";

/**
 * `storage sweep [--hours N]`: removes stored file bytes that no attachment and no held
 * email names any more, written more than N hours ago (default 24, so nothing a change
 * is still committing is touched). With S3 object storage this is what frees a removed
 * case's objects (its rows go in the database's transaction, the objects cannot), and
 * an object a failed change left; run it daily (cron, a scheduled job).
 */
export const STORAGE_HELP = `  storage sweep [--hours N]   remove stored file bytes nothing names any more (older than N hours, default 24)`;

export async function storageCommand(core: Core, prisma: PrismaClient, verb: string | undefined, v: { hours?: string }, now: Date) {
  if (verb !== "sweep") return { text: STORAGE_HELP, unknown: true };
  const hours = v.hours === undefined ? 24 : Number(v.hours);
  if (!Number.isFinite(hours) || hours < 1) return { text: "--hours is a number of hours, at least 1.", unknown: true };
  const store = core.email.attachments.store;
  const olderThan = new Date(now.getTime() - hours * 3_600_000);
  const removed = store.sweepOrphans ? await store.sweepOrphans((keys) => namedFileKeys(prisma, keys), olderThan) : 0;
  return { store: store.name, removed, text: `${store.name} store: removed ${removed} stored file(s) nothing names, older than ${hours} h.` };
}
