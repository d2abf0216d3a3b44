import type { Tx } from "../db/tx.ts";

/**
 * Files follow their case: they are kept as long as the case is (cases are never
 * deleted in normal operation; closing keeps them, as it keeps the comments) and go with
 * it when a case is removed (today only `demo remove`). Runs inside the caller's
 * transaction, before the cases are deleted (Attachment.caseId refuses a dangling case);
 * the database store's bytes go in the same transaction. An object store's bytes of
 * removed files are what `npm run cli -- storage sweep` removes (src/cli/storage.ts):
 * nothing names them any more. Limits on size and count: src/core/attachments/limits.ts.
 */
export async function removeCaseFiles(tx: Tx, caseIds: string[]): Promise<number> {
  if (caseIds.length === 0) return 0;
  const files = await tx.attachment.findMany({ where: { caseId: { in: caseIds } }, select: { storageKey: true } });
  await tx.storedFile.deleteMany({ where: { key: { in: files.map((f) => f.storageKey) } } });
  const { count } = await tx.attachment.deleteMany({ where: { caseId: { in: caseIds } } });
  return count;
}
