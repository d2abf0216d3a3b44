import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { isVendorSide } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import { assertCan, resolveCaseId } from "../cases/case-access.ts";
import { formatCaseNumber } from "../cases/presenter.ts";
import { caseRefSchema } from "../cases/schemas.ts";
import { inTransaction } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { assertFollowable } from "../workspaces/channel-bindings.ts";

/**
 * Chat threads that follow a case, on any platform. A customer thread gets every
 * public comment and change; a staff thread (the triage channel) also gets internal
 * notes. Replies in a followed thread become comments on its case.
 */
export const threadSchema = z.object({
  platform: z.enum(["slack", "teams"]),
  tenantId: z.string().min(1).max(200),
  channelId: z.string().min(1).max(300),
  threadId: z.string().min(1).max(300),
});
export type ThreadRef = z.infer<typeof threadSchema>;

export interface FollowedThread extends ThreadRef {
  caseId: string;
  number: string;
  audience: "CUSTOMER" | "STAFF";
  /** Opaque platform data for posting into the thread later (Teams: the conversation reference). */
  reference: unknown;
}

/** Opaque JSON the platform needs to reach a conversation again. */
const referenceSchema = z.record(z.string(), z.unknown());

export function createThreads(deps: CoreDeps) {
  return {
    /** Makes a thread follow a case. The actor must see the case; staff threads need vendor staff. */
    follow: (ctx: Ctx, raw: ThreadRef & { case: string | number; audience: "CUSTOMER" | "STAFF"; reference?: Record<string, unknown> }) =>
      inTransaction(deps.prisma, async (tx) => {
        const input = parseInput(threadSchema.extend({ case: caseRefSchema, audience: z.enum(["CUSTOMER", "STAFF"]), reference: referenceSchema.optional() }), raw);
        const actor = await loadActor(tx, ctx.actor);
        const caseId = await resolveCaseId(tx, input.case);
        const row = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { accountId: true, partnerId: true, number: true } });
        assertCan(actor, "view", row);
        if (input.audience === "STAFF" && !isVendorSide(actor)) throw new CaseError("FORBIDDEN");
        // A channel bound to an account (a customer's support channel) follows only that account's cases.
        await assertFollowable(tx, input, row.accountId);
        const now = deps.clock.now();
        const key = { platform_channelId_threadId: { platform: input.platform, channelId: input.channelId, threadId: input.threadId } };
        const existing = await tx.caseThread.findUnique({ where: key });
        if (existing && existing.caseId !== caseId) {
          throw new CaseError("VALIDATION", { field: "threadId", message: "That thread already follows another case." });
        }
        if (!existing) {
          await tx.caseThread.create({
            data: {
              id: randomUUID(), caseId, platform: input.platform, tenantId: input.tenantId, channelId: input.channelId, threadId: input.threadId,
              audience: input.audience, reference: (input.reference ?? undefined) as object | undefined, createdAt: now,
            },
          });
          await recordAudit(tx, { caseId, accountId: row.accountId, actor, action: "case.followed", changes: { platform: input.platform, channelId: input.channelId, audience: input.audience }, source: ctx.source, at: now });
        }
        return { caseId, number: formatCaseNumber(row.number) };
      }),

    /** Which case a thread follows, if any: ids only, for an adapter to route a reply. */
    caseOfThread: async (ref: Pick<ThreadRef, "platform" | "channelId" | "threadId">): Promise<FollowedThread | null> => {
      const thread = await deps.prisma.caseThread.findUnique({
        where: { platform_channelId_threadId: { platform: ref.platform, channelId: ref.channelId, threadId: ref.threadId } },
      });
      if (!thread) return null;
      const c = await deps.prisma.case.findUniqueOrThrow({ where: { id: thread.caseId }, select: { number: true } });
      return { ...thread, number: formatCaseNumber(c.number) };
    },

    /** Remembers how to reach a conversation again (Teams sends proactively only with a reference). */
    rememberConversation: async (raw: { platform: "slack" | "teams"; conversationId: string; tenantId: string; userId?: string; reference: Record<string, unknown> }) => {
      const input = parseInput(
        z.object({ platform: z.enum(["slack", "teams"]), conversationId: z.string().min(1).max(300), tenantId: z.string().max(200), userId: z.string().max(200).optional(), reference: referenceSchema }),
        raw,
      );
      const data = { tenantId: input.tenantId, userId: input.userId ?? null, reference: input.reference as object, updatedAt: deps.clock.now() };
      await deps.prisma.conversationRef.upsert({
        where: { platform_conversationId: { platform: input.platform, conversationId: input.conversationId } },
        create: { platform: input.platform, conversationId: input.conversationId, ...data },
        update: data,
      });
    },

    /** The stored reference of a conversation, or of a user's personal chat with the bot. */
    conversation: async (platform: "slack" | "teams", where: { conversationId: string } | { tenantId: string; userId: string }) => {
      const row =
        "conversationId" in where
          ? await deps.prisma.conversationRef.findUnique({ where: { platform_conversationId: { platform, conversationId: where.conversationId } } })
          : await deps.prisma.conversationRef.findFirst({ where: { platform, tenantId: where.tenantId, userId: where.userId }, orderBy: { updatedAt: "desc" } });
      return row ? (row.reference as Record<string, unknown>) : null;
    },

    /** The case contact's linked identity on a platform: for direct messages when no thread follows the case. */
    contactIdentity: async (caseId: string, platform: "slack" | "teams") => {
      const c = await deps.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { contactId: true } });
      return deps.prisma.chatIdentity.findFirst({ where: { personId: c.contactId, platform }, select: { tenantId: true, userId: true } });
    },

    /** Every thread following a case: for delivering what happens on it. */
    threadsOf: async (caseId: string): Promise<FollowedThread[]> => {
      const [threads, c] = [
        await deps.prisma.caseThread.findMany({ where: { caseId }, orderBy: { createdAt: "asc" } }),
        await deps.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { number: true } }),
      ];
      return threads.map((t) => ({ ...t, number: formatCaseNumber(c.number) }));
    },
  };
}

/**
 * Forgets delivery ids older than the platforms ever retry (Slack within minutes,
 * Teams after 15 seconds): the sweeps call it so the table stays small.
 */
export async function pruneInboundEvents(deps: CoreDeps, olderThanMs = 24 * 60 * 60 * 1000): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - olderThanMs);
  const { count } = await deps.prisma.inboundEvent.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  return count;
}

/**
 * True the first time a platform delivery id is seen, false for every repeat, on any
 * instance: the database's primary key decides, not a process's memory.
 */
export async function firstDelivery(deps: CoreDeps, platform: "slack" | "teams", eventId: string): Promise<boolean> {
  const inserted = await deps.prisma.$executeRaw`
    INSERT INTO "InboundEvent" ("platform", "eventId", "receivedAt")
    VALUES (${platform}::"Platform", ${eventId}, ${deps.clock.now()})
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}
