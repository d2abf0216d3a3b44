import type { PrismaClient } from "../db/connect.ts";
import type { Tx } from "../db/tx.ts";

/**
 * Where attachment bytes live: one interface every server and worker goes through.
 * The default is the database (StoredFile rows): it is already shared by every server
 * and worker, backed up with the cases, and needs no set-up. A folder on one machine
 * is no store for several servers. An object store (S3-compatible) would be a second
 * implementation of this interface; none is shipped yet (docs/email.md).
 *
 * `within`: the caller's transaction. The database store writes in it, so a change
 * that fails leaves no orphan bytes; a store outside the database ignores it.
 */
export interface FileStore {
  readonly name: string;
  put(key: string, content: Buffer, within?: Tx): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  remove(key: string, within?: Tx): Promise<void>;
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
  };
}
