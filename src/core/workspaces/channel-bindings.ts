import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import type { Actor } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import type { CaseOrigin } from "../cases/schemas.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { inTransaction, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";

/**
 * Support channels (issue 13, Slack Connect): a channel shared with a customer's
 * workspace is bound to that customer's account by support staff (`/case connect Acme`
 * typed in it) or the operator (`npm run cli -- channels bind`). In a bound channel a
 * case of the account posts its card there and its thread follows the case; a case of
 * any other account never does (its card goes to the filer's DM, `follow` is refused),
 * so one customer's channel never shows another's cases. A bound channel is also where
 * a member whose email cannot link them is offered to confirm who they are
 * (identity-claims.ts). A binding grants no access by itself: people still act as who
 * they are, checked by the core's permissions.
 */
const platformSchema = z.enum(["slack", "teams"]);
const channelIdSchema = z.string({ error: "Name the channel." }).trim().min(1, "Name the channel.").max(300);

export const bindChannelSchema = z.object({
  platform: platformSchema,
  /** The workspace the channel is bound from (its team id); empty from the CLI unless --team is given. */
  tenantId: z.string().trim().max(200).default(""),
  channelId: channelIdSchema,
  /** The account's id, or its name (exact, any case; else the one account whose name contains the words). */
  account: z.string({ error: "Name the account: connect Acme Media." }).trim().min(1, "Name the account: connect Acme Media.").max(200),
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account named by its id or its name, or why none. */
async function findAccount(db: Tx, typed: string): Promise<{ id: string; name: string }> {
  if (UUID.test(typed)) {
    const byId = await db.account.findUnique({ where: { id: typed }, select: { id: true, name: true } });
    if (byId) return byId;
  }
  const exact = await db.account.findMany({ where: { name: { equals: typed, mode: "insensitive" } }, select: { id: true, name: true }, take: 2 });
  if (exact.length === 1) return exact[0]!;
  const near = exact.length ? exact : await db.account.findMany({ where: { name: { contains: typed, mode: "insensitive" } }, select: { id: true, name: true }, orderBy: { name: "asc" }, take: 6 });
  if (near.length === 1) return near[0]!;
  if (near.length === 0) throw new CaseError("NOT_FOUND", { field: "account", message: `No account is named "${typed}". Type its name as the account list shows it, or its id.` });
  throw new CaseError("VALIDATION", { field: "account", message: `"${typed}" names more than one account (${near.slice(0, 5).map((a) => a.name).join(", ")}): type the whole name or the id.` });
}
export const channelRefSchema = z.object({ platform: platformSchema, channelId: channelIdSchema });

export interface ChannelBindingView {
  platform: "slack" | "teams";
  tenantId: string;
  channelId: string;
  accountId: string;
  accountName: string;
  boundAt: Date;
}

/** Binding decides whose cases a channel shows: support staff and the operator only. */
function assertMayBind(actor: Actor): void {
  if (actor.kind !== "operator" && actor.kind !== "staff") {
    throw new CaseError("FORBIDDEN", { message: "Only support staff can connect a channel to an account." });
  }
}

/** The account a channel is bound to, if any: ids and name only, for routing (no permission check, like caseOfThread). */
export async function bindingOf(db: PrismaClient | Tx, ref: { platform: "slack" | "teams"; channelId: string }): Promise<ChannelBindingView | null> {
  const row = await db.channelBinding.findUnique({
    where: { platform_channelId: { platform: ref.platform, channelId: ref.channelId } },
    select: { platform: true, tenantId: true, channelId: true, accountId: true, createdAt: true, account: { select: { name: true } } },
  });
  return row ? { platform: row.platform, tenantId: row.tenantId, channelId: row.channelId, accountId: row.accountId, accountName: row.account.name, boundAt: row.createdAt } : null;
}

/** Whether a case of `accountId` belongs in a channel bound to `boundTo`: the account itself or one of its sub-accounts. */
export async function belongsTo(db: PrismaClient | Tx, accountId: string, boundTo: string): Promise<boolean> {
  if (accountId === boundTo) return true;
  const account = await db.account.findUnique({ where: { id: accountId }, select: { parentId: true } });
  return account?.parentId === boundTo;
}

/**
 * Where a new case's card goes, given the channel it was filed from: a case of another
 * account than the channel's goes to the filer's DM instead (the origin without its
 * channel), so it never shows in another customer's channel.
 */
export async function originForCase(db: PrismaClient | Tx, origin: CaseOrigin | undefined, accountId: string): Promise<CaseOrigin | undefined> {
  if (!origin?.channelId) return origin;
  const binding = await bindingOf(db, { platform: origin.platform, channelId: origin.channelId });
  if (!binding || (await belongsTo(db, accountId, binding.accountId))) return origin;
  return { platform: origin.platform, tenantId: origin.tenantId, userId: origin.userId };
}

/** Refuses following a case in a channel bound to another account (the card would show there). */
export async function assertFollowable(db: PrismaClient | Tx, ref: { platform: "slack" | "teams"; channelId: string }, accountId: string): Promise<void> {
  const binding = await bindingOf(db, ref);
  if (binding && !(await belongsTo(db, accountId, binding.accountId))) {
    throw new CaseError("FORBIDDEN", { message: `This channel is ${binding.accountName}'s support channel: only its cases can be followed here.` });
  }
}

export function createChannelBindings(deps: CoreDeps) {
  const tx = <T>(fn: (db: Tx) => Promise<T>) => inTransaction(deps.prisma, fn);
  return {
    /** Binds a channel to an account; a channel bound to another account moves to this one (both audited). */
    bind: (ctx: Ctx, raw: z.input<typeof bindChannelSchema>) =>
      tx(async (db): Promise<ChannelBindingView & { created: boolean; previous?: string }> => {
        const actor = await loadActor(db, ctx.actor);
        assertMayBind(actor);
        const { account: typed, ...input } = parseInput(bindChannelSchema, raw);
        const account = await findAccount(db, typed);
        const at = deps.clock.now();
        const key = { platform_channelId: { platform: input.platform, channelId: input.channelId } };
        const existing = await db.channelBinding.findUnique({ where: key, select: { accountId: true, createdAt: true, tenantId: true } });
        if (existing?.accountId === account.id) {
          return { ...input, tenantId: existing.tenantId, accountId: account.id, accountName: account.name, boundAt: existing.createdAt, created: false };
        }
        const boundById = "personId" in actor ? actor.personId : null;
        if (existing) {
          await db.channelBinding.update({ where: key, data: { accountId: account.id, tenantId: input.tenantId, boundById, createdAt: at } });
          await recordAudit(db, { accountId: existing.accountId, actor, action: "channel.unbound", changes: { platform: input.platform, channelId: input.channelId, movedTo: account.id }, source: ctx.source, at });
        } else {
          await db.channelBinding.create({ data: { id: randomUUID(), ...input, accountId: account.id, boundById, createdAt: at } });
        }
        await recordAudit(db, { accountId: account.id, actor, action: "channel.bound", changes: { platform: input.platform, tenantId: input.tenantId, channelId: input.channelId }, source: ctx.source, at });
        return { ...input, accountId: account.id, accountName: account.name, boundAt: at, created: true, ...(existing ? { previous: existing.accountId } : {}) };
      }),

    unbind: (ctx: Ctx, raw: z.input<typeof channelRefSchema>) =>
      tx(async (db): Promise<{ accountName: string }> => {
        const actor = await loadActor(db, ctx.actor);
        assertMayBind(actor);
        const input = parseInput(channelRefSchema, raw);
        const binding = await bindingOf(db, input);
        if (!binding) throw new CaseError("NOT_FOUND", { message: "This channel is not connected to an account." });
        await db.channelBinding.delete({ where: { platform_channelId: input } });
        await recordAudit(db, { accountId: binding.accountId, actor, action: "channel.unbound", changes: { platform: input.platform, channelId: input.channelId }, source: ctx.source, at: deps.clock.now() });
        return { accountName: binding.accountName };
      }),

    /** Every bound channel, for staff and the operator. */
    list: async (ctx: Ctx): Promise<ChannelBindingView[]> => {
      assertMayBind(await loadActor(deps.prisma, ctx.actor));
      const rows = await deps.prisma.channelBinding.findMany({
        select: { platform: true, tenantId: true, channelId: true, accountId: true, createdAt: true, account: { select: { name: true } } },
        orderBy: [{ platform: "asc" }, { channelId: "asc" }],
        take: 1000,
      });
      return rows.map((r) => ({ platform: r.platform, tenantId: r.tenantId, channelId: r.channelId, accountId: r.accountId, accountName: r.account.name, boundAt: r.createdAt }));
    },

    /** The account a channel is bound to, if any (for adapters: where a channel's cards belong). */
    of: (ref: z.input<typeof channelRefSchema>) => bindingOf(deps.prisma, parseInput(channelRefSchema, ref)),
  };
}

export type ChannelBindings = ReturnType<typeof createChannelBindings>;
