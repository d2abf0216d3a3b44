import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { FileStore } from "./storage.ts";

/**
 * Where an S3-compatible object store is (AWS S3, MinIO, Ceph RGW, Garage, R2…): from
 * src/config.ts's S3_* settings. The endpoint is required, never derived from the region,
 * so carebot talks to that one host and nowhere else; the credentials are given here,
 * so the SDK never looks for others (instance metadata, profiles, the environment).
 */
export interface S3StoreSettings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every object key (a folder of a shared bucket); may be empty. */
  keyPrefix: string;
  /** Path-style addresses (endpoint/bucket/key), which most self-hosted stores need; off: bucket.endpoint/key. */
  forcePathStyle: boolean;
}

/** The store's name: attachment rows keep `s3:<id>` as their storage key. */
export const S3_STORE_NAME = "s3";

/**
 * Attachment bytes in an S3-compatible bucket: shared by every server and worker like
 * the database is, and kept out of the database's backups and size. Writes are not part
 * of the caller's transaction (`within` is ignored): a change that fails after its put
 * leaves an object no attachment names, which `sweepOrphans` removes.
 */
export function s3FileStore(settings: S3StoreSettings): FileStore & { client: S3Client; sweepOrphans(known: (keys: string[]) => Promise<Set<string>>, olderThan: Date): Promise<number>; close(): void } {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Checksums only where S3 requires them: several S3-compatible stores refuse the
    // newer default trailers (CRC32 in aws-chunked bodies).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
  });
  const objectKey = (key: string) => `${settings.keyPrefix}${key}`;

  return {
    name: S3_STORE_NAME,
    client,
    put: async (key, content) => {
      await client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: objectKey(key), Body: content, ContentLength: content.length, ContentType: "application/octet-stream" }));
    },
    get: async (key) => {
      try {
        const found = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: objectKey(key) }));
        if (!found.Body) return null;
        return Buffer.from(await found.Body.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return null;
        throw error;
      }
    },
    remove: async (key) => {
      // S3 answers 204 for a key that is not there: removing is idempotent.
      await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: objectKey(key) }));
    },

    /**
     * Removes objects under the prefix whose key no attachment (or held email) names
     * any more: bytes left by a change that failed after its put, or by a case removed
     * from the database. `known` answers which of a page of keys are still named; objects
     * written after `olderThan` are left alone (their row may not be committed yet).
     * Returns how many objects it removed.
     */
    sweepOrphans: async (known, olderThan) => {
      let removed = 0;
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.keyPrefix || undefined, ContinuationToken: token }));
        const keys = (page.Contents ?? [])
          .filter((o) => o.Key && o.LastModified && o.LastModified < olderThan)
          .map((o) => o.Key!.slice(settings.keyPrefix.length))
          .filter(Boolean);
        const named = keys.length ? await known(keys) : new Set<string>();
        for (const key of keys) {
          if (named.has(key)) continue;
          await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: objectKey(key) }));
          removed++;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return removed;
    },
    close: () => client.destroy(),
  };
}
