import type { PrismaClient } from "../db/connect.ts";
import { s3FileStore, type S3StoreSettings } from "./s3-store.ts";
import { databaseFileStore, type FileStore } from "./storage.ts";

/**
 * The store every entry point (server, worker, CLI) uses: S3-compatible object storage
 * when its settings are given, else the database.
 */
export function fileStoreFor(prisma: PrismaClient, now: () => Date, s3?: S3StoreSettings): FileStore {
  return s3 ? s3FileStore(s3) : databaseFileStore(prisma, now);
}
