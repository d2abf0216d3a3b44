import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { recordAudit } from "../audit.ts";
import { inTransaction } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";

/**
 * Slack OAuth v2 installations (issue 13), as the core keeps them: what Slack reports
 * about an install in plain columns, and everything secret (bot and user tokens, refresh
 * tokens, the incoming webhook) as one value sealed with the credentials key, so the
 * database holds ciphertext only and `keys reseal` re-seals it after a key rotation.
 * The secret part is opaque text here (the Slack adapter's JSON of Bolt's
 * Installation): the core never imports Slack's types.
 */
const slackId = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/);

/** Which installation: an org-wide install by its enterprise, any other by its workspace. */
export const installationRefSchema = z
  .object({ teamId: slackId.optional(), enterpriseId: slackId.optional(), orgInstall: z.boolean().default(false) })
  .refine((r) => (r.orgInstall ? Boolean(r.enterpriseId) : Boolean(r.teamId)), { message: "An org-wide install names its enterprise; any other its workspace." });
export type InstallationRef = z.input<typeof installationRefSchema>;

export const installationRecordSchema = z.object({
  teamId: slackId.optional(),
  enterpriseId: slackId.optional(),
  orgInstall: z.boolean().default(false),
  appId: slackId.optional(),
  botUserId: slackId.optional(),
  botId: slackId.optional(),
  botScopes: z.array(z.string().max(100)).max(200).default([]),
  installerUserId: slackId.optional(),
  botTokenExpiresAt: z.date().optional(),
  /** The secret part, opaque to the core; sealed before it is stored. */
  secrets: z.string().min(1).max(100_000),
});
export type InstallationRecord = z.input<typeof installationRecordSchema>;

export interface InstallationSummary {
  teamId: string | null;
  enterpriseId: string | null;
  orgInstall: boolean;
  botUserId: string | null;
  botScopes: string[];
  installerUserId: string | null;
  botTokenExpiresAt: Date | null;
  installedAt: Date;
  removedAt: Date | null;
}

function installKey(ref: { teamId?: string; enterpriseId?: string; orgInstall: boolean }): string {
  return ref.orgInstall ? `E:${ref.enterpriseId}` : `T:${ref.teamId}`;
}

/** The sealed value names its installation, so a ciphertext copied to another row does not open. */
export function installationContext(key: string): string {
  return `slack-installation:${key}`;
}

const system = { kind: "system" } as const;

export function createSlackInstallations(deps: CoreDeps) {
  return {
    /** An install or re-install (also a token refresh): replaces the workspace's installation and clears any removal. */
    save: (raw: InstallationRecord) =>
      inTransaction(deps.prisma, async (db) => {
        const input = parseInput(installationRecordSchema, raw);
        const key = installKey(input);
        if (input.orgInstall ? !input.enterpriseId : !input.teamId) throw new CaseError("VALIDATION", { message: "An org-wide install names its enterprise; any other its workspace." });
        const { secrets, ...facts } = input;
        const at = deps.clock.now();
        const sealed = deps.vault.sealText(installationContext(key), secrets);
        const columns = { ...facts, teamId: facts.teamId ?? null, enterpriseId: facts.enterpriseId ?? null, botTokenExpiresAt: facts.botTokenExpiresAt ?? null, secretsSealed: sealed, updatedAt: at, removedAt: null };
        const before = await db.slackInstallation.findUnique({ where: { installKey: key }, select: { removedAt: true } });
        await db.slackInstallation.upsert({ where: { installKey: key }, create: { id: randomUUID(), installKey: key, installedAt: at, ...columns }, update: columns });
        // A token refresh is no news; an install or a re-install after removal is.
        if (!before || before.removedAt) {
          await recordAudit(db, { actor: system, action: "slack.installed", changes: { installKey: key, installerUserId: input.installerUserId, scopes: input.botScopes }, source: "slack", at });
        }
      }),

    /** The secret part of a current installation; NOT_FOUND when there is none or it was removed. */
    find: async (raw: InstallationRef): Promise<{ summary: InstallationSummary; secrets: string }> => {
      const ref = parseInput(installationRefSchema, raw);
      const key = installKey(ref);
      const row = await deps.prisma.slackInstallation.findUnique({ where: { installKey: key } });
      // `removed` tells a workspace that uninstalled (nothing may be sent there) from one never installed.
      if (!row || row.removedAt) throw new CaseError("NOT_FOUND", { message: "carebot is not installed in that Slack workspace.", details: { removed: Boolean(row?.removedAt) } });
      const { secretsSealed, ...summary } = row;
      return { summary, secrets: deps.vault.openText(installationContext(key), secretsSealed) };
    },

    /**
     * The app was uninstalled or its tokens revoked: the installation stays for the
     * record, marked removed, and its tokens are no longer used (find refuses it).
     */
    remove: (raw: InstallationRef, reason: "uninstalled" | "tokens_revoked" | "deleted") =>
      inTransaction(deps.prisma, async (db): Promise<boolean> => {
        const ref = parseInput(installationRefSchema, raw);
        const key = installKey(ref);
        const at = deps.clock.now();
        const { count } = await db.slackInstallation.updateMany({ where: { installKey: key, removedAt: null }, data: { removedAt: at, updatedAt: at } });
        if (count) await recordAudit(db, { actor: system, action: "slack.removed", changes: { installKey: key, reason }, source: "slack", at });
        return count > 0;
      }),

    /** Every installation with what Slack reported, never a token (the operator's and staff's view). */
    list: async (ctx: Ctx): Promise<InstallationSummary[]> => {
      const actor = await loadActor(deps.prisma, ctx.actor);
      if (actor.kind !== "operator" && actor.kind !== "staff") throw new CaseError("FORBIDDEN", { message: "Only support staff or the operator may list installations." });
      return deps.prisma.slackInstallation.findMany({
        select: { teamId: true, enterpriseId: true, orgInstall: true, botUserId: true, botScopes: true, installerUserId: true, botTokenExpiresAt: true, installedAt: true, removedAt: true },
        orderBy: { installedAt: "asc" },
        take: 1000,
      });
    },
  };
}

export type SlackInstallations = ReturnType<typeof createSlackInstallations>;
