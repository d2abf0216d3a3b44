import type { Activity, CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import type { ConnectorClient } from "botframework-connector";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import type { CaseOrigin } from "../../core/cases/schemas.ts";
import { CannotDeliver, RetryLater, type DeliveryChannel } from "../../core/notify/delivery-port.ts";
import { createPacer } from "../../core/notify/pacer.ts";
import type { Logger } from "../../logger.ts";
import { createChatDelivery, DEMO_REFUSED, type ChatPlatform, type OriginLanding } from "../shared/chat-delivery.ts";
import { threadOf } from "./conversation.ts";
import { serviceUrlPolicy, serviceUrlProblem, type ServiceUrlPolicy } from "./service-url.ts";
import { attachment } from "./teams-cards.ts";

/**
 * How the outbox reaches Teams: proactive messages through stored conversation
 * references; new channel threads by creating a conversation with the channel's id;
 * a new case's card where its dialog was submitted; updates of a thread's root card.
 * A 429 that outlives the SDK's own retries is rescheduled. A stored reference is used
 * only when its serviceUrl is a host the bot may send to (service-url.ts): one stored
 * before that rule, or by any other path, makes the notification DEAD at once with that
 * reason, and no connection is made. Every call waits its turn under Teams' global limit
 * for an app (TEAMS_APP_RATE per second), so a burst of cards is paced, not refused.
 * Demo data goes only to conversations whose serviceUrl is on this machine (the local
 * playground or Emulator); every other destination of a demo case is refused and recorded.
 * Across tenants: every reference is the one stored from its own tenant's turn (the
 * conversation, its tenantId and the serviceUrl that turn's token vouched for), so a card
 * goes to that tenant's connector and names that tenant; a conversation the app was
 * removed from (installationUpdate remove, teams-installations.ts) gets nothing more.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */
type Reference = Partial<ConversationReference> & { cardActivityId?: string; teamId?: string };

/** A stored conversation reference the bot must not send to: retrying cannot help, so the notification is DEAD at once with this reason. */
export class ServiceUrlRefused extends CannotDeliver {
  constructor(problem: string) {
    super(`Teams delivery refused for a stored conversation reference: ${problem}`);
    this.name = "ServiceUrlRefused";
  }
}

/** Teams' global limit per app per tenant, in requests a second (the rate-limit page above). */
export const TEAMS_APP_RATE = 50;

/** Demo data may reach only this machine's connector: the local playground, the Emulator. */
const LOCAL_ONLY = { local: true, extraHosts: new Set<string>() };

export function createTeamsDelivery(options: { core: Core; adapter: CloudAdapter; botAppId: string; config: Config; logger: Logger }): DeliveryChannel {
  const { core, adapter, botAppId, config } = options;
  const pacer = createPacer(TEAMS_APP_RATE);
  const real = platform(serviceUrlPolicy(config), false);
  return createChatDelivery(core, { ...real, demo: platform(LOCAL_ONLY, true) }, options.logger);

  /** The platform sending only where `serviceUrls` allows; for demo data, a missing conversation is refused, not waited for. */
  function platform(serviceUrls: ServiceUrlPolicy, demo: boolean): ChatPlatform {
    async function withConversation<T>(reference: Reference, fn: (context: TurnContext) => Promise<T>): Promise<T> {
      const problem = serviceUrlProblem(serviceUrls, reference.serviceUrl);
      if (problem) throw demo ? new CannotDeliver(DEMO_REFUSED) : new ServiceUrlRefused(problem);
      const tenantId = reference.conversation?.tenantId;
      if (!demo && tenantId && reference.conversation?.id && (await core.teamsInstallations.isRemoved(tenantId, threadOf(reference.conversation.id).channelId, await teamOfReference(reference)))) {
        throw new CannotDeliver("carebot was removed from that Teams conversation (installationUpdate remove); nothing more is sent there.");
      }
      await pacer.take();
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

    /**
     * The team of a channel reference: its own (kept since team ids were stored), else the
     * one stored for its channel (a thread followed before then).
     */
    async function teamOfReference(reference: Reference): Promise<string | undefined> {
      if (reference.teamId || reference.conversation?.conversationType !== "channel" || !reference.conversation.id) return reference.teamId;
      const channel = (await core.threads.conversation("teams", { conversationId: threadOf(reference.conversation.id).channelId })) as Reference | null;
      return channel?.teamId;
    }

    const send = async (reference: Reference, card: cards.MessageCard) =>
      (await withConversation(reference, (context) => context.sendActivity({ attachments: [attachment(card)], summary: card.summary })))?.id;

    const channelReference = async (conversationId: string) => {
      const stored = (await core.threads.conversation("teams", { conversationId })) as Reference | null;
      if (!stored && demo) throw new CannotDeliver(DEMO_REFUSED);
      if (!stored) throw new RetryLater(`no conversation reference for Teams channel ${conversationId} yet: add the bot to that channel`, 60_000);
      return stored;
    };

    /** A channel thread's reference: the channel's, addressed to "<channel>;messageid=<root>"; the card to redraw is `cardActivityId`. */
    const inThread = (stored: Reference, channelId: string, threadId: string, cardActivityId: string | undefined): Reference => ({
      ...stored,
      activityId: undefined,
      conversation: { ...(stored.conversation ?? {}), id: `${channelId};messageid=${threadId}` } as Reference["conversation"],
      ...(cardActivityId ? { cardActivityId } : {}),
    });

    // A proactive send would only reply to an activity: a new channel thread is a new conversation
    // (what TeamsInfo.sendMessageToTeamsChannel does, with the turn's own connector client, so local mode works too).
    const startThread = async (channelId: string, card: cards.MessageCard): Promise<string | undefined> => {
      const stored = await channelReference(channelId);
      const created = await withConversation(stored, (context) => {
        const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        const activity = { type: "message", attachments: [attachment(card)], summary: card.summary } as Activity;
        // The channel's own tenant, as Teams requires of a new conversation (the stored reference's, from that tenant's turn).
        const tenantId = stored.conversation?.tenantId;
        const channelData = { channel: { id: channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) };
        return client.conversations.createConversation({ isGroup: true, channelData, ...(tenantId ? { tenantId } : {}), activity, ...(stored.bot ? { bot: stored.bot } : {}), members: [] } as Parameters<ConnectorClient["conversations"]["createConversation"]>[0]);
      });
      return created.activityId;
    };

    /**
     * A new case's card where its dialog was submitted. The conversation's stored reference
     * (remembered by the submit's own turn) says what kind it is: at the top of a channel the
     * card starts a thread; inside a channel thread it is a reply there; either thread then
     * follows the case. A personal or group chat has no threads: the card is sent there and
     * nothing follows (the customer hears about the case in their personal chat). No stored
     * reference yet: retried later, as for any channel.
     * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations
     */
    const postToOrigin = async (origin: CaseOrigin, card: cards.MessageCard): Promise<OriginLanding> => {
      const channelId = origin.channelId;
      if (!channelId) {
        const personal = (await core.threads.conversation("teams", { tenantId: origin.tenantId, userId: origin.userId })) as Reference | null;
        if (!personal && demo) throw new CannotDeliver(DEMO_REFUSED);
        if (!personal) throw new RetryLater(`no personal chat with Teams user ${origin.userId} yet`, 60_000);
        const id = await send(personal, card);
        return { channelId: personal.conversation?.id ?? origin.userId, threadId: id ?? origin.userId, follow: false };
      }
      const stored = await channelReference(channelId);
      if (stored.conversation?.conversationType !== "channel") {
        const id = await send(stored, card);
        return { channelId, threadId: id ?? channelId, follow: false };
      }
      if (origin.threadId) {
        const thread = inThread(stored, channelId, origin.threadId, undefined);
        const id = await send(thread, card);
        return { channelId, threadId: origin.threadId, follow: true, reference: { ...thread, ...(id ? { cardActivityId: id } : {}) } };
      }
      const root = await startThread(channelId, card);
      if (!root) throw new Error("Teams started the channel thread without naming its first activity");
      return { channelId, threadId: root, follow: true, reference: inThread(stored, channelId, root, root) };
    };

    return {
      platform: "teams",
      channels: { triage: config.TEAMS_TRIAGE_CHANNEL, oncall: config.TEAMS_ONCALL_CHANNEL, management: config.TEAMS_MANAGEMENT_CHANNEL },
      dmFallback: true,
      postInThread: async (t, card) => (t.reference ? send(t.reference as Reference, card) : undefined),
      postInChannel: startThread,
      threadReference: async (channelId, threadId) => inThread(await channelReference(channelId), channelId, threadId, threadId),
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
      postToOrigin,
    };
  }
}
