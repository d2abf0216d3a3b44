import { createHash } from "node:crypto";
import { TurnContext, type Activity } from "botbuilder";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { teamsUser } from "./identity.ts";
import { claimMatches, serviceUrlProblem, type Claims, type ServiceUrlPolicy } from "./service-url.ts";

/** A channel thread's parts: "19:…@thread.tacv2;messageid=123" is thread 123 of channel "19:…". */
export function threadOf(conversationId: string): { channelId: string; threadId?: string } {
  const [channelId = conversationId, rest] = conversationId.split(";messageid=");
  return { channelId, threadId: rest };
}

/**
 * The platform's id of one activity, the same on every delivery of it (Teams redelivers
 * what it got no 2xx for): what the activity writes is keyed by it, in the write's own
 * transaction, so it is written once. An activity id is unique within its conversation.
 * Undefined without an activity id (nothing to tell a repeat by). Kept within the 300
 * characters the core stores; a longer pair (ids are bounded, but the bounds are generous)
 * is hashed, which is just as stable.
 */
export function deliveryIdOf(activity: Pick<Activity, "id" | "conversation">): string | undefined {
  if (!activity.id) return undefined;
  const id = `${activity.conversation.id}|${activity.id}`;
  return id.length <= 300 ? id : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}

/**
 * Remembers where later notifications for this conversation (and, in personal chat, this
 * user) go. The route lets a turn run only with an allowed serviceUrl that the validated
 * token vouches for; this checks it again where the reference is written, so nothing else
 * can redirect a user's notifications. The identity is the one CloudAdapter put in
 * turnState under BotIdentityKey (botbuilder-core cloudAdapterBase.js createTurnContext).
 */
export async function rememberConversation(core: Core, context: TurnContext, policy: ServiceUrlPolicy, logger: Logger): Promise<void> {
  const a = context.activity;
  if (!a.conversation?.id) return;
  const claims = context.turnState.get<Claims | undefined>(context.adapter.BotIdentityKey);
  if (serviceUrlProblem(policy, a.serviceUrl) || (!policy.local && !claimMatches(claims, a.serviceUrl))) {
    logger.warn({ channelId: a.channelId }, "conversation not remembered: its serviceUrl is not vouched for");
    return;
  }
  const { tenantId, userId } = teamsUser(context);
  const personal = a.conversation.conversationType === "personal";
  const conversationId = threadOf(a.conversation.id).channelId;
  await core.threads.rememberConversation({
    platform: "teams",
    conversationId,
    tenantId,
    userId: personal ? userId : undefined,
    // The team a channel belongs to, so removing the app from the team stops delivery to all its channels (delivery.ts).
    reference: { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: conversationId }, ...teamOf(a) } as Record<string, unknown>,
  });
}

/** A channel activity's team id (channelData.team.id), as stored references keep it. */
export function teamOf(a: Pick<Activity, "channelData">): { teamId?: string } {
  const id = (a.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  return typeof id === "string" && id ? { teamId: id } : {};
}
