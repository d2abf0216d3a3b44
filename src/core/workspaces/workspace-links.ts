import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import type { Actor } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import { inTransaction, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { ownWorkspaces } from "./own-workspaces.ts";
import { accountNameSchema, listWorkspaceLinksSchema, workspaceLinkSchema } from "./schemas.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WorkspaceLinkView {
  platform: "slack" | "teams";
  tenantId: string;
  accountId: string;
  accountName: string;
  linkedAt: Date;
}

export interface UnlinkResult {
  /** Chat identities of that account's contacts in the workspace, removed with the link. */
  identitiesRemoved: number;
}

/** Linking decides which customers' cases a workspace's users can reach: support staff and the operator only. */
function assertMayLink(actor: Actor): void {
  if (actor.kind !== "operator" && actor.kind !== "staff") {
    throw new CaseError("FORBIDDEN", { message: "Only support staff or the operator may link workspaces to accounts." });
  }
}

/**
 * Which customer accounts a Slack workspace or Teams tenant belongs to (issue 13). The
 * link is what lets a first-time user there be matched to a contact by email
 * (linkChatIdentityByEmail): an admin of any workspace can give a user any address, so
 * an email alone proves nothing outside the workspaces the customer was linked to.
 */
export function createWorkspaceLinks(deps: CoreDeps) {
  const tx = <T>(fn: (db: Tx) => Promise<T>) => inTransaction(deps.prisma, fn);
  return {
    link: (ctx: Ctx, raw: z.input<typeof workspaceLinkSchema>) =>
      tx(async (db): Promise<WorkspaceLinkView & { created: boolean }> => {
        const input = parseInput(workspaceLinkSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertMayLink(actor);
        const account = await db.account.findUnique({ where: { id: input.accountId }, select: { id: true, name: true } });
        if (!account) throw new CaseError("NOT_FOUND", { field: "accountId" });
        const at = deps.clock.now();
        const created = await db.$executeRaw`
          INSERT INTO "WorkspaceLink" ("id", "platform", "tenantId", "accountId", "createdAt")
          VALUES (${randomUUID()}::uuid, ${input.platform}::"Platform", ${input.tenantId}, ${input.accountId}::uuid, ${at})
          ON CONFLICT DO NOTHING`;
        if (created === 1) {
          await recordAudit(db, { accountId: account.id, actor, action: "workspace.linked", changes: { platform: input.platform, tenantId: input.tenantId }, source: ctx.source, at });
        }
        const row = await db.workspaceLink.findUniqueOrThrow({ where: { platform_tenantId_accountId: input }, select: { createdAt: true } });
        return { ...input, accountName: account.name, linkedAt: row.createdAt, created: created === 1 };
      }),

    /**
     * Ends the link. The account's contacts already matched in that workspace (for a Grid
     * org, in its workspaces) lose their chat identity there too: otherwise an unlinked workspace would keep reaching the
     * account's cases through identities the link once allowed.
     */
    unlink: (ctx: Ctx, raw: z.input<typeof workspaceLinkSchema>) =>
      tx(async (db): Promise<UnlinkResult> => {
        const input = parseInput(workspaceLinkSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertMayLink(actor);
        const removed = await db.workspaceLink.deleteMany({ where: input });
        if (removed.count === 0) throw new CaseError("NOT_FOUND", { message: "That workspace is not linked to that account." });
        const identities = await db.$executeRaw`
          DELETE FROM "ChatIdentity" ci USING "Person" p
          WHERE p."id" = ci."personId" AND p."kind" = 'CONTACT'
            AND ci."platform" = ${input.platform}::"Platform"
            AND (ci."tenantId" = ${input.tenantId} OR (${input.platform} = 'slack' AND ci."tenantId" IN (SELECT g."teamId" FROM "SlackGridWorkspace" g WHERE g."enterpriseId" = ${input.tenantId})))
            AND p."accountId" IN (SELECT a."id" FROM "Account" a WHERE a."id" = ${input.accountId}::uuid OR a."parentId" = ${input.accountId}::uuid)`;
        await recordAudit(db, { accountId: input.accountId, actor, action: "workspace.unlinked", changes: { platform: input.platform, tenantId: input.tenantId, identitiesRemoved: identities }, source: ctx.source, at: deps.clock.now() });
        return { identitiesRemoved: identities };
      }),

    /**
     * The account a staff member named in chat (`/case link-workspace T… Acme`): its id, or
     * its name (exact, any case; else the one account whose name contains the words).
     * Staff and the operator only, checked before anything is looked up, so a customer
     * who types it learns only that they may not.
     */
    resolveAccount: async (ctx: Ctx, raw: string): Promise<{ id: string; name: string }> => {
      assertMayLink(await loadActor(deps.prisma, ctx.actor));
      const typed = parseInput(accountNameSchema, raw);
      if (UUID.test(typed)) {
        const byId = await deps.prisma.account.findUnique({ where: { id: typed }, select: { id: true, name: true } });
        if (byId) return byId;
      }
      const exact = await deps.prisma.account.findMany({ where: { name: { equals: typed, mode: "insensitive" } }, select: { id: true, name: true }, take: 2 });
      if (exact.length === 1) return exact[0]!;
      const near = exact.length ? exact : await deps.prisma.account.findMany({ where: { name: { contains: typed, mode: "insensitive" } }, select: { id: true, name: true }, orderBy: { name: "asc" }, take: 6 });
      if (near.length === 1) return near[0]!;
      if (near.length === 0) throw new CaseError("NOT_FOUND", { field: "accountId", message: `No account is named "${typed}". Type its name as the account list shows it, or its id.` });
      throw new CaseError("VALIDATION", { field: "accountId", message: `"${typed}" names more than one account (${near.slice(0, 5).map((a) => a.name).join(", ")}): type the whole name or the id.` });
    },

    /** Every link (or one account's), for the operator's and staff's view. */
    list: async (ctx: Ctx, raw: z.input<typeof listWorkspaceLinksSchema> = {}): Promise<WorkspaceLinkView[]> => {
      const input = parseInput(listWorkspaceLinksSchema, raw);
      assertMayLink(await loadActor(deps.prisma, ctx.actor));
      const rows = await deps.prisma.workspaceLink.findMany({
        where: input.accountId ? { accountId: input.accountId } : {},
        select: { platform: true, tenantId: true, accountId: true, createdAt: true, account: { select: { name: true } } },
        orderBy: [{ platform: "asc" }, { tenantId: "asc" }, { createdAt: "asc" }],
        take: 1000,
      });
      return rows.map((r) => ({ platform: r.platform, tenantId: r.tenantId, accountId: r.accountId, accountName: r.account.name, linkedAt: r.createdAt }));
    },

    /**
     * Start-up configuration, not a user's operation: which workspaces or tenants are the
     * vendor's own (see OwnWorkspaces). The server calls it from its settings.
     */
    declareOwn: (platform: "slack" | "teams", tenants: readonly string[] | "every"): void => ownWorkspaces(deps).declare(platform, tenants),
  };
}

export type WorkspaceLinks = ReturnType<typeof createWorkspaceLinks>;
