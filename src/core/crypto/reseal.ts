import { loadActor } from "../accounts/actors.ts";
import { recordAudit } from "../audit.ts";
import { inTransaction } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import type { Actor } from "../accounts/policy.ts";
import { CaseError } from "../errors.ts";
import { installationContext } from "../workspaces/slack-installations.ts";

export interface ResealResult {
  /** Logins sealed again under the current key. */
  resealed: number;
  /** Case numbers whose login no configured key opens (kept as they are). */
  unreadable: string[];
  /** The key id everything is now sealed with. */
  keyId: string;
  /** Slack installations whose tokens were sealed again (issue 13). */
  installationsResealed: number;
  /** Installations ("T:<team>" or "E:<enterprise>") no configured key opens (kept as they are). */
  unreadableInstallations: string[];
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
  // The current key's prefix, compared with starts_with (a key id may hold "_", which LIKE reads as a wildcard).
  const current = `v2.${deps.vault.currentKeyId}.`;
  const result: ResealResult = { resealed: 0, unreadable: [], keyId: deps.vault.currentKeyId, installationsResealed: 0, unreadableInstallations: [] };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await deps.prisma.$queryRaw<{ id: string; number: number; sealed: string }[]>`
      SELECT "id"::text AS "id", "number", "credentialsSealed" AS "sealed" FROM "Case"
      WHERE "credentialsSealed" IS NOT NULL AND NOT starts_with("credentialsSealed", ${current}) AND "id" > ${after}::uuid
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
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.id;
  }
  await resealInstallations(deps, ctx, actor, current, result);
  return result;
}

/**
 * Slack installations' tokens (one sealed value each), the same way: few rows, so read
 * at once; each re-seal names the value it replaces, so a token refreshed meanwhile is
 * left to its new seal.
 */
async function resealInstallations(deps: CoreDeps, ctx: Ctx, actor: Actor, current: string, result: ResealResult): Promise<void> {
  const rows = await deps.prisma.$queryRaw<{ id: string; key: string; sealed: string }[]>`
    SELECT "id"::text AS "id", "installKey" AS "key", "secretsSealed" AS "sealed" FROM "SlackInstallation"
    WHERE NOT starts_with("secretsSealed", ${current}) ORDER BY "installKey"`;
  for (const row of rows) {
    const context = installationContext(row.key);
    let sealed: string;
    try {
      sealed = deps.vault.sealText(context, deps.vault.openText(context, row.sealed));
    } catch {
      result.unreadableInstallations.push(row.key);
      continue;
    }
    result.installationsResealed += await inTransaction(deps.prisma, async (tx) => {
      const n = await tx.$executeRaw`UPDATE "SlackInstallation" SET "secretsSealed" = ${sealed} WHERE "id" = ${row.id}::uuid AND "secretsSealed" = ${row.sealed}`;
      if (n === 1) await recordAudit(tx, { actor, action: "slack.installation_resealed", changes: { installKey: row.key, keyId: deps.vault.currentKeyId }, source: ctx.source, at: deps.clock.now() });
      return n;
    });
  }
}
