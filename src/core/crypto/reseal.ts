import { loadActor } from "../accounts/actors.ts";
import { recordAudit } from "../audit.ts";
import { inTransaction } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";

export interface ResealResult {
  /** Logins sealed again under the current key. */
  resealed: number;
  /** Case numbers whose login no configured key opens (kept as they are). */
  unreadable: string[];
  /** The key id everything is now sealed with. */
  keyId: string;
}

const BATCH = 200;

/**
 * After a key rotation: every stored test login sealed by an earlier key (or before key
 * ids) is opened with that key and sealed again under the current one, case by case,
 * each with its audit entry. A login purged or changed meanwhile is left alone (the
 * update names the old value). The operator runs it once the new key is on every
 * server and worker, before the old key is removed.
 */
export async function resealCredentials(deps: CoreDeps, ctx: Ctx): Promise<ResealResult> {
  const actor = await loadActor(deps.prisma, ctx.actor);
  if (actor.kind !== "operator") throw new CaseError("FORBIDDEN", { message: "Only the operator re-seals stored test logins." });
  const current = `v2.${deps.vault.currentKeyId}.%`;
  const result: ResealResult = { resealed: 0, unreadable: [], keyId: deps.vault.currentKeyId };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await deps.prisma.$queryRaw<{ id: string; number: number; sealed: string }[]>`
      SELECT "id"::text AS "id", "number", "credentialsSealed" AS "sealed" FROM "Case"
      WHERE "credentialsSealed" IS NOT NULL AND "credentialsSealed" NOT LIKE ${current} AND "id" > ${after}::uuid
      ORDER BY "id" LIMIT ${BATCH}`;
    for (const row of rows) {
      let sealed: string;
      try {
        sealed = deps.vault.seal(row.id, deps.vault.open(row.id, row.sealed));
      } catch {
        result.unreadable.push(String(row.number).padStart(8, "0"));
        continue;
      }
      const changed = await inTransaction(deps.prisma, async (tx) => {
        const n = await tx.$executeRaw`UPDATE "Case" SET "credentialsSealed" = ${sealed} WHERE "id" = ${row.id}::uuid AND "credentialsSealed" = ${row.sealed}`;
        if (n === 1) await recordAudit(tx, { caseId: row.id, actor, action: "credentials.resealed", changes: { credentials: "resealed", keyId: deps.vault.currentKeyId }, source: ctx.source, at: deps.clock.now() });
        return n;
      });
      result.resealed += changed;
    }
    if (rows.length < BATCH) return result;
    after = rows.at(-1)!.id;
  }
}
