import { TurnContext } from "botbuilder";
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
    reference: { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: conversationId } } as Record<string, unknown>,
  });
}
