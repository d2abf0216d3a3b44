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

/** A current installation as the adapters use it: which one (its key), what Slack reported, and its opened secrets. */
export interface CurrentInstallation {
  key: string;
  summary: InstallationSummary;
  secrets: string;
  /** The row's last change: a refresh is stored only over the version it started from. */
  version: Date;
}

/** What a refresh of a rotating token gives back: the new secret part and when its bot token expires. */
export interface RefreshedSecrets {
  secrets: string;
  botTokenExpiresAt?: Date;
}

/**
 * A rotating token is refreshed this long before it expires (Slack's last 12 hours; as
 * Bolt's InstallProvider does), so requests and deliveries never hold an expired one.
 */
export const REFRESH_BEFORE_EXPIRY_MS = 2 * 60 * 60_000;
/** How long one instance may take to refresh before another may try (Slack answers in well under this). */
const REFRESH_LEASE_MS = 30_000;
/** How long an instance whose token has already expired waits for another's refresh to land. */
const REFRESH_WAIT_MS = 10_000;

/**
 * Listeners told when an installation changes (installed, refreshed, removed) in this
 * process, so the adapters' short-lived token memories forget it at once. Other
 * processes learn it from the database when their memory expires, or at once when Slack
 * refuses a token they remembered (delivery asks again then).
 */
const changeListeners = new WeakMap<object, Set<(key: string) => void>>();
function listenersOf(deps: object): Set<(key: string) => void> {
  let set = changeListeners.get(deps);
  if (!set) changeListeners.set(deps, (set = new Set()));
  return set;
}

export function createSlackInstallations(deps: CoreDeps) {
  const changed = (key: string) => {
    for (const listener of listenersOf(deps)) listener(key);
  };
  const open = (row: { installKey: string; secretsSealed: string; updatedAt: Date } & InstallationSummary): CurrentInstallation => {
    const { secretsSealed, installKey, ...rest } = row;
    const summary: InstallationSummary = {
      teamId: rest.teamId, enterpriseId: rest.enterpriseId, orgInstall: rest.orgInstall, botUserId: rest.botUserId, botScopes: rest.botScopes,
      installerUserId: rest.installerUserId, botTokenExpiresAt: rest.botTokenExpiresAt, installedAt: rest.installedAt, removedAt: rest.removedAt,
    };
    return { key: installKey, summary, secrets: deps.vault.openText(installationContext(installKey), secretsSealed), version: row.updatedAt };
  };
  const byKey = (key: string) => deps.prisma.slackInstallation.findUnique({ where: { installKey: key } });
  const refreshDue = (summary: InstallationSummary) => summary.botTokenExpiresAt !== null && summary.botTokenExpiresAt.getTime() - deps.clock.now().getTime() < REFRESH_BEFORE_EXPIRY_MS;
  const expired = (summary: InstallationSummary) => summary.botTokenExpiresAt !== null && summary.botTokenExpiresAt.getTime() <= deps.clock.now().getTime();

  /** Another instance holds the refresh: the current token while it is valid, else the refreshed one once stored. */
  async function awaitRefresh(current: CurrentInstallation): Promise<CurrentInstallation> {
    const started = Date.now();
    for (;;) {
      const row = await byKey(current.key);
      if (!row || row.removedAt) throw new CaseError("NOT_FOUND", { message: "carebot was removed from that Slack workspace.", details: { removed: true } });
      if (row.updatedAt.getTime() !== current.version.getTime() || !expired(current.summary)) return open(row);
      if (Date.now() - started > REFRESH_WAIT_MS) throw new CaseError("CONFLICT", { message: "Slack's token for that workspace is being refreshed; try again in a moment." });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    /** The core's time (the injected clock): the adapters' token memories expire by it, as the refresh decision does. */
    now: (): Date => deps.clock.now(),

    /** Called with an installation's key whenever one changes in this process (see changeListeners); returns the unsubscribe function. */
    onChange: (listener: (key: string) => void): (() => void) => {
      listenersOf(deps).add(listener);
      return () => listenersOf(deps).delete(listener);
    },

    /**
     * The installation whose token serves a workspace (T…) or an Enterprise Grid org
     * (E…): the workspace's own, else the org-wide install of the org the workspace was
     * seen in (SlackGridWorkspace). NOT_FOUND with details.removed when the one that
     * served it was uninstalled (nothing may be sent there), without it when carebot was
     * never installed there (the vendor's own workspace: SLACK_BOT_TOKEN).
     */
    forWorkspace: async (id: string): Promise<CurrentInstallation> => {
      const workspace = parseInput(slackId, id);
      const org = workspace.startsWith("E") ? workspace : (await deps.prisma.slackGridWorkspace.findUnique({ where: { teamId: workspace }, select: { enterpriseId: true } }))?.enterpriseId;
      const keys = workspace.startsWith("E") ? [`E:${workspace}`] : [`T:${workspace}`, ...(org ? [`E:${org}`] : [])];
      const rows = await deps.prisma.slackInstallation.findMany({ where: { installKey: { in: keys } } });
      const ordered = keys.map((k) => rows.find((r) => r.installKey === k)).filter((r) => r !== undefined);
      const current = ordered.find((r) => !r.removedAt);
      if (!current) throw new CaseError("NOT_FOUND", { message: "carebot is not installed in that Slack workspace.", details: { removed: ordered.length > 0 } });
      return open(current);
    },

    /**
     * The installation, its rotating bot token refreshed first when it expires within
     * REFRESH_BEFORE_EXPIRY_MS (`renew` asks Slack). One instance refreshes at a time:
     * it takes a lease on the row (refreshingUntil) and stores the new tokens only over
     * the version it read, because Slack revokes a refresh token once it is used; the
     * others keep using the current token, still valid for up to two hours, or, when it
     * has already expired, wait for the refresh to land. An installation removed
     * meanwhile stays removed.
     */
    withFreshToken: async (current: CurrentInstallation, renew: (secrets: string) => Promise<RefreshedSecrets>): Promise<CurrentInstallation> => {
      if (!refreshDue(current.summary)) return current;
      const at = deps.clock.now();
      const claimed = await deps.prisma.slackInstallation.updateMany({
        where: { installKey: current.key, removedAt: null, updatedAt: current.version, OR: [{ refreshingUntil: null }, { refreshingUntil: { lt: at } }] },
        data: { refreshingUntil: new Date(at.getTime() + REFRESH_LEASE_MS) },
      });
      if (claimed.count === 0) return awaitRefresh(current);
      let renewed: RefreshedSecrets;
      try {
        renewed = await renew(current.secrets);
      } catch (error) {
        await deps.prisma.slackInstallation.updateMany({ where: { installKey: current.key }, data: { refreshingUntil: null } });
        // Slack could not be asked (or refused): the current token serves while it is valid.
        if (!expired(current.summary)) return current;
        throw error;
      }
      const storedAt = deps.clock.now();
      const version = storedAt.getTime() > current.version.getTime() ? storedAt : new Date(current.version.getTime() + 1);
      const stored = await deps.prisma.slackInstallation.updateMany({
        where: { installKey: current.key, removedAt: null, updatedAt: current.version },
        data: { secretsSealed: deps.vault.sealText(installationContext(current.key), renewed.secrets), botTokenExpiresAt: renewed.botTokenExpiresAt ?? null, updatedAt: version, refreshingUntil: null },
      });
      changed(current.key);
      if (stored.count === 0) throw new CaseError("NOT_FOUND", { message: "carebot was removed from that Slack workspace.", details: { removed: true } });
      const row = await byKey(current.key);
      if (!row || row.removedAt) throw new CaseError("NOT_FOUND", { message: "carebot was removed from that Slack workspace.", details: { removed: true } });
      return open(row);
    },

    /** A signed Slack request showed this workspace to be in that Enterprise Grid org (idempotent). */
    noteGridWorkspace: async (teamId: string, enterpriseId: string): Promise<void> => {
      const team = parseInput(slackId, teamId);
      const org = parseInput(slackId, enterpriseId);
      const at = deps.clock.now();
      await deps.prisma.$executeRaw`
        INSERT INTO "SlackGridWorkspace" ("teamId", "enterpriseId", "seenAt") VALUES (${team}, ${org}, ${at})
        ON CONFLICT ("teamId") DO UPDATE SET "enterpriseId" = EXCLUDED."enterpriseId", "seenAt" = EXCLUDED."seenAt"
        WHERE "SlackGridWorkspace"."enterpriseId" <> EXCLUDED."enterpriseId"`;
    },

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
        return key;
      }).then((key) => changed(key)),

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
      inTransaction(deps.prisma, async (db) => {
        const ref = parseInput(installationRefSchema, raw);
        const key = installKey(ref);
        const at = deps.clock.now();
        const { count } = await db.slackInstallation.updateMany({ where: { installKey: key, removedAt: null }, data: { removedAt: at, updatedAt: at } });
        if (count) await recordAudit(db, { actor: system, action: "slack.removed", changes: { installKey: key, reason }, source: "slack", at });
        return { key, removed: count > 0 };
      }).then(({ key, removed }) => {
        changed(key);
        return removed;
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
