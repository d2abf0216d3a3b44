import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { recordAudit } from "../audit.ts";
import { inTransaction } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";

/**
 * Where the Teams app is installed (issue 13), as the installationUpdate activity tells
 * it: per tenant and conversation (a personal chat, a group chat, a team by its General
 * channel). The adapter passes only what a validated activity carried and a serviceUrl
 * the activity's signed token vouched for; the core keeps the record and the audit, and
 * says whether a conversation may still be sent to. Nothing here grants access: who a
 * tenant's users are is decided by ChatIdentity and WorkspaceLink alone.
 */
const teamsId = z.string().trim().min(1).max(300);

export const teamsInstallSchema = z.object({
  tenantId: teamsId.max(200),
  conversationId: teamsId,
  scope: z.enum(["personal", "groupChat", "team"]),
  teamId: teamsId.optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(500),
  installerId: teamsId.max(200).optional(),
});
export type TeamsInstallInput = z.input<typeof teamsInstallSchema>;

export const teamsUninstallSchema = z.object({ tenantId: teamsId.max(200), conversationId: teamsId, removedBy: teamsId.max(200).optional() });

export interface TeamsInstallationSummary {
  tenantId: string;
  conversationId: string;
  scope: string;
  teamId: string | null;
  serviceUrl: string;
  installerId: string | null;
  installedAt: Date;
  removedAt: Date | null;
}

const system = { kind: "system" } as const;

export function createTeamsInstallations(deps: CoreDeps) {
  return {
    /**
     * The app was added (or upgraded) in a conversation: recorded, a removal cleared.
     * Teams repeats the event on an upgrade, and may deliver it again: only a new install
     * or a re-install after removal is audited.
     */
    added: (raw: TeamsInstallInput) =>
      inTransaction(deps.prisma, async (db): Promise<{ created: boolean }> => {
        const input = parseInput(teamsInstallSchema, raw);
        const at = deps.clock.now();
        const where = { tenantId_conversationId: { tenantId: input.tenantId, conversationId: input.conversationId } };
        const before = await db.teamsInstallation.findUnique({ where, select: { removedAt: true } });
        const columns = { scope: input.scope, teamId: input.teamId ?? null, serviceUrl: input.serviceUrl, updatedAt: at, removedAt: null };
        const installed = !before || Boolean(before.removedAt);
        await db.teamsInstallation.upsert({
          where,
          create: { id: randomUUID(), tenantId: input.tenantId, conversationId: input.conversationId, installerId: input.installerId ?? null, installedAt: at, ...columns },
          // A re-install names its own installer and time; an upgrade keeps the first.
          update: installed ? { ...columns, installerId: input.installerId ?? null, installedAt: at } : columns,
        });
        if (installed) {
          await recordAudit(db, { actor: system, action: "teams.installed", changes: { tenantId: input.tenantId, conversationId: input.conversationId, scope: input.scope, teamId: input.teamId, installerId: input.installerId }, source: "teams", at });
        }
        return { created: installed };
      }),

    /** The app was removed from a conversation: the record stays, marked removed, and delivery there stops. */
    removed: (raw: z.input<typeof teamsUninstallSchema>) =>
      inTransaction(deps.prisma, async (db): Promise<boolean> => {
        const input = parseInput(teamsUninstallSchema, raw);
        const at = deps.clock.now();
        const { count } = await db.teamsInstallation.updateMany({ where: { tenantId: input.tenantId, conversationId: input.conversationId, removedAt: null }, data: { removedAt: at, updatedAt: at } });
        if (count) await recordAudit(db, { actor: system, action: "teams.removed", changes: { tenantId: input.tenantId, conversationId: input.conversationId, removedBy: input.removedBy }, source: "teams", at });
        return count > 0;
      }),

    /**
     * Whether the app was removed from this conversation (and not installed there again):
     * delivery asks before sending, so a removed install gets nothing more. A channel is
     * judged by its own record, else by its team's (the install Teams reports for a team
     * names one conversation, and removing it removes the bot from every channel). A
     * conversation with no record (installed before records were kept) is not removed.
     */
    isRemoved: async (tenantId: string, conversationId: string, teamId?: string): Promise<boolean> => {
      const rows = await deps.prisma.teamsInstallation.findMany({
        where: { tenantId, OR: [{ conversationId }, ...(teamId ? [{ teamId, scope: "team" }] : [])] },
        select: { conversationId: true, removedAt: true },
        take: 20,
      });
      const own = rows.find((r) => r.conversationId === conversationId);
      if (own) return Boolean(own.removedAt);
      return rows.length > 0 && rows.every((r) => r.removedAt);
    },

    /** Every installation (the operator's and staff's view). */
    list: async (ctx: Ctx): Promise<TeamsInstallationSummary[]> => {
      const actor = await loadActor(deps.prisma, ctx.actor);
      if (actor.kind !== "operator" && actor.kind !== "staff") throw new CaseError("FORBIDDEN", { message: "Only support staff or the operator may list installations." });
      return deps.prisma.teamsInstallation.findMany({
        select: { tenantId: true, conversationId: true, scope: true, teamId: true, serviceUrl: true, installerId: true, installedAt: true, removedAt: true },
        orderBy: [{ tenantId: "asc" }, { installedAt: "asc" }],
        take: 1000,
      });
    },
  };
}

export type TeamsInstallations = ReturnType<typeof createTeamsInstallations>;
