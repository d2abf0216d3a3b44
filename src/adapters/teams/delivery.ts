import type { Activity, CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import type { ConnectorClient } from "botframework-connector";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import { RetryLater, type DeliveryChannel } from "../../delivery/worker.ts";
import type { Logger } from "../../logger.ts";
import { createChatDelivery } from "../shared/chat-delivery.ts";
import { serviceUrlPolicy, serviceUrlProblem } from "./service-url.ts";
import { attachment } from "./teams-cards.ts";

/**
 * How the outbox reaches Teams: proactive messages through stored conversation
 * references; new channel threads by creating a conversation with the channel's id;
 * updates of a thread's root card. A 429 that outlives the SDK's own retries is rescheduled.
 * A stored reference is used only when its serviceUrl is a host the bot may send to
 * (service-url.ts): one stored before that rule, or by any other path, fails the
 * notification with that reason and no connection is made.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */
type Reference = Partial<ConversationReference> & { cardActivityId?: string };

/** A stored conversation reference the bot must not send to: retrying cannot help, so the notification fails with this reason until it is dead. */
export class ServiceUrlRefused extends Error {
  constructor(problem: string) {
    super(`Teams delivery refused for a stored conversation reference: ${problem}`);
    this.name = "ServiceUrlRefused";
  }
}

export function createTeamsDelivery(options: { core: Core; adapter: CloudAdapter; botAppId: string; config: Config; logger: Logger }): DeliveryChannel {
  const { core, adapter, botAppId, config } = options;
  const serviceUrls = serviceUrlPolicy(config);

  async function withConversation<T>(reference: Reference, fn: (context: TurnContext) => Promise<T>): Promise<T> {
    const problem = serviceUrlProblem(serviceUrls, reference.serviceUrl);
    if (problem) throw new ServiceUrlRefused(problem);
    let result: { value: T } | undefined;
    let failure: unknown;
    try {
      await adapter.continueConversationAsync(botAppId, reference, async (context) => {
        try {
          result = { value: await fn(context) };
        } catch (error) {
          // Kept and rethrown below: the adapter's turn-error handler must not swallow a failed delivery.
          failure = error;
        }
      });
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined || !result) {
      if ((failure as { statusCode?: number } | undefined)?.statusCode === 429) throw new RetryLater("Teams throttled the bot", 5_000, { cause: failure });
      throw failure ?? new Error("Teams delivery produced no result");
    }
    return result.value;
  }

  const send = async (reference: Reference, card: cards.MessageCard) =>
    (await withConversation(reference, (context) => context.sendActivity({ attachments: [attachment(card)], summary: card.summary })))?.id;

  const channelReference = async (conversationId: string) => {
    const stored = (await core.threads.conversation("teams", { conversationId })) as Reference | null;
    if (!stored) throw new RetryLater(`no conversation reference for Teams channel ${conversationId} yet: add the bot to that channel`, 60_000);
    return stored;
  };

  return createChatDelivery(
    core,
    {
      platform: "teams",
      channels: { triage: config.TEAMS_TRIAGE_CHANNEL, oncall: config.TEAMS_ONCALL_CHANNEL, management: config.TEAMS_MANAGEMENT_CHANNEL },
      dmFallback: true,
      postInThread: async (t, card) => (t.reference ? send(t.reference as Reference, card) : undefined),
      // A proactive send would only reply to an activity: a new channel thread is a new conversation
      // (what TeamsInfo.sendMessageToTeamsChannel does, with the turn's own connector client, so local mode works too).
      postInChannel: async (channelId, card) => {
        const stored = await channelReference(channelId);
        const created = await withConversation(stored, (context) => {
          const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
          const activity = { type: "message", attachments: [attachment(card)], summary: card.summary } as Activity;
          return client.conversations.createConversation({ isGroup: true, channelData: { channel: { id: channelId } }, activity, ...(stored.bot ? { bot: stored.bot } : {}), members: [] } as Parameters<ConnectorClient["conversations"]["createConversation"]>[0]);
        });
        return created.activityId;
      },
      threadReference: async (channelId, threadId) => {
        const stored = await channelReference(channelId);
        return { ...stored, activityId: undefined, conversation: { ...(stored.conversation ?? {}), id: `${channelId};messageid=${threadId}` }, cardActivityId: threadId };
      },
      directMessage: async (caseId, card) => {
        const identity = await core.threads.contactIdentity(caseId, "teams");
        const personal = identity ? await core.threads.conversation("teams", { tenantId: identity.tenantId, userId: identity.userId }) : null;
        return personal ? send(personal as Reference, card) : null;
      },
      refreshRoot: async (t, card) => {
        const ref = t.reference as Reference | null;
        if (!ref?.cardActivityId) return;
        await withConversation(ref, (context) => context.updateActivity({ id: ref.cardActivityId, type: "message", attachments: [attachment(card)] }));
      },
      partnerChannel: (destination) => (typeof destination === "string" && destination.startsWith("teams:") ? destination.slice("teams:".length) : undefined),
    },
    options.logger,
  );
}
