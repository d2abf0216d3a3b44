import type { PrismaClient } from "../db/connect.ts";
import type { Tx } from "../db/tx.ts";

/**
 * Where attachment bytes live: one interface every server and worker goes through.
 * The default is the database (StoredFile rows): it is already shared by every server
 * and worker, backed up with the cases, and needs no set-up. A folder on one machine
 * is no store for several servers. The second implementation is an S3-compatible object
 * store (s3-store.ts), chosen by the S3_* settings (fileStoreFor in store-choice.ts, docs/email.md).
 *
 * `within`: the caller's transaction. The database store writes in it, so a change
 * that fails leaves no orphan bytes; a store outside the database ignores it.
 */
export interface FileStore {
  readonly name: string;
  put(key: string, content: Buffer, within?: Tx): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  remove(key: string, within?: Tx): Promise<void>;
  /**
   * Removes stored bytes that nothing names any more (`known` answers which of a batch of
   * keys are still named; namedFileKeys below), written before `olderThan`. Returns how
   * many it removed. For `npm run cli -- storage sweep` (src/cli/storage.ts).
   */
  sweepOrphans?(known: (keys: string[]) => Promise<Set<string>>, olderThan: Date): Promise<number>;
}

/**
 * Bytes travel as base64 text and are decoded by PostgreSQL: the PGlite driver adapter
 * refuses Prisma's Bytes parameters ("Invalid input for bytea type"), and the same
 * statement then serves both databases.
 */
export function databaseFileStore(prisma: PrismaClient, now: () => Date): FileStore {
  return {
    name: "database",
    put: async (key, content, within) => {
      await (within ?? prisma).$executeRaw`INSERT INTO "StoredFile" ("key", "content", "createdAt") VALUES (${key}, decode(${content.toString("base64")}, 'base64'), ${now()})`;
    },
    get: async (key) => {
      const rows = await prisma.$queryRaw<{ b64: string }[]>`SELECT encode("content", 'base64') AS b64 FROM "StoredFile" WHERE "key" = ${key}`;
      return rows[0] ? Buffer.from(rows[0].b64, "base64") : null;
    },
    remove: async (key, within) => {
      await (within ?? prisma).storedFile.deleteMany({ where: { key } });
    },
    // Attachments' bytes are written in the change's own transaction and never orphaned;
    // a held reply's files are written before its row, so a crash between leaves some.
    sweepOrphans: async (known, olderThan) => {
      let removed = 0;
      let after = "";
      for (;;) {
        const page = await prisma.storedFile.findMany({ where: { key: { gt: after }, createdAt: { lt: olderThan } }, select: { key: true }, orderBy: { key: "asc" }, take: 500 });
        if (page.length === 0) return removed;
        const keys = page.map((f) => f.key);
        const named = await known(keys);
        const orphans = keys.filter((k) => !named.has(k));
        if (orphans.length) removed += (await prisma.storedFile.deleteMany({ where: { key: { in: orphans } } })).count;
        after = keys.at(-1)!;
      }
    },
  };
}

/** Keys of held emails' files (src/core/inbound-email.ts): `held:<inbound email id>:<n>`. */
export const heldFileKey = (inboundId: string, n: number) => `held:${inboundId}:${n}`;

/**
 * Which of these store keys something still names: an attachment's storage key, or a
 * held email's file while the email is held. For a store's sweep of orphaned objects.
 */
export async function namedFileKeys(prisma: PrismaClient, keys: string[]): Promise<Set<string>> {
  const attached = await prisma.attachment.findMany({ where: { storageKey: { in: keys } }, select: { storageKey: true } });
  const named = new Set(attached.map((a) => a.storageKey));
  const heldIds = [...new Set(keys.flatMap((k) => /^held:([0-9a-f-]{36}):\d+$/.exec(k)?.[1] ?? []))];
  if (heldIds.length) {
    const held = await prisma.inboundEmail.findMany({ where: { id: { in: heldIds }, outcome: "HELD" }, select: { id: true } });
    const still = new Set(held.map((h) => h.id));
    for (const k of keys) if (still.has(/^held:([0-9a-f-]{36}):/.exec(k)?.[1] ?? "")) named.add(k);
  }
  return named;
}
