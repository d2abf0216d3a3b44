import type { Activity, CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import type { ConnectorClient } from "botframework-connector";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { FollowedThread } from "../../core/follow/threads.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { NotificationRow } from "../../core/notify/deliveries.ts";
import { RetryLater, type DeliveryChannel } from "../../delivery/worker.ts";
import type { Logger } from "../../logger.ts";
import { AUDIENCE, commentCard, notice, type Payload } from "../shared/delivery-messages.ts";
import { attachment } from "./teams-cards.ts";

/**
 * Delivers the outbox to Teams through stored conversation references (proactive
 * messages): into every Teams thread that follows the case, to the configured triage,
 * on-call and management channels, and to the customer's personal chat when no thread
 * follows their case. Destinations are sent once per notification (receipts); a 429
 * that outlives the SDK's own retries is rescheduled.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */
const SYSTEM: Ctx = { actor: { system: true }, source: "system" };
type Reference = Partial<ConversationReference> & { cardActivityId?: string };

export function createTeamsDelivery(options: { core: Core; adapter: CloudAdapter; botAppId: string; config: Config; logger: Logger }): DeliveryChannel {
  const { core, adapter, botAppId, config } = options;
  const log = options.logger.child({ module: "adapters/teams/delivery" });

  async function withConversation<T>(reference: Reference, fn: (context: TurnContext) => Promise<T>): Promise<T> {
    let result: T | undefined;
    try {
      await adapter.continueConversationAsync(botAppId, reference, async (context) => {
        result = await fn(context);
      });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 429) throw new RetryLater("Teams throttled the bot", 5_000, { cause: error });
      throw error;
    }
    return result as T;
  }

  async function post(n: NotificationRow, target: string, reference: Reference, card: cards.MessageCard) {
    return core.outbox.once(n.id, target, async () => {
      const sent = await withConversation(reference, (context) => context.sendActivity({ attachments: [attachment(card)], summary: card.summary }));
      return sent?.id;
    });
  }

  const threadRef = (t: FollowedThread) => t.reference as Reference | null;

  async function refreshRoots(caseId: string, threads: FollowedThread[]) {
    for (const t of threads) {
      const ref = threadRef(t);
      if (!ref?.cardActivityId) continue;
      const view = await core.cases.viewForAudience(caseId, t.audience);
      const card = t.audience === "STAFF" ? cards.buildTriageCard(view, core.catalog) : cards.buildCaseCard(view, core.catalog);
      await withConversation(ref, (context) => context.updateActivity({ id: ref.cardActivityId, type: "message", attachments: [attachment(card)] }));
    }
  }

  async function toThreads(n: NotificationRow, threads: FollowedThread[], audiences: ("CUSTOMER" | "STAFF")[], card: cards.MessageCard, all: FollowedThread[], dm = true) {
    for (const t of threads.filter((x) => audiences.includes(x.audience))) {
      const ref = threadRef(t);
      if (ref) await post(n, `thread:${t.channelId}:${t.threadId}`, ref, card);
    }
    if (dm && audiences.includes("CUSTOMER") && !all.some((t) => t.audience === "CUSTOMER") && n.caseId) {
      const identity = await core.threads.contactIdentity(n.caseId, "teams");
      const personal = identity ? await core.threads.conversation("teams", { tenantId: identity.tenantId, userId: identity.userId }) : null;
      if (personal) await post(n, `dm:${identity!.userId}`, personal as Reference, card);
    }
  }

  /**
   * Starts a new thread in a configured channel by creating a conversation with the
   * channel's id (what TeamsInfo.sendMessageToTeamsChannel does; a proactive send would
   * only reply to an activity); its thread then follows the case for staff.
   */
  async function toChannel(n: NotificationRow, target: string, conversationId: string, card: cards.MessageCard, follow?: { number: string }) {
    const stored = (await core.threads.conversation("teams", { conversationId })) as Reference | null;
    if (!stored) throw new RetryLater(`no conversation reference for Teams channel ${conversationId} yet: add the bot to that channel`, 60_000);
    const sent = await core.outbox.once(n.id, target, async () => {
      const created = await withConversation(stored, (context) => {
        // The turn's connector client (credentialed or, in local mode, not) creates the thread.
        const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        const activity = { type: "message", attachments: [attachment(card)], summary: card.summary } as Activity;
        return client.conversations.createConversation({ isGroup: true, channelData: { channel: { id: conversationId } }, activity, ...(stored.bot ? { bot: stored.bot } : {}), members: [] } as Parameters<ConnectorClient["conversations"]["createConversation"]>[0]);
      });
      return created.activityId;
    });
    if (follow && sent.externalId) {
      const threadReference = { ...stored, activityId: undefined, conversation: { ...(stored.conversation ?? {}), id: `${conversationId};messageid=${sent.externalId}` }, cardActivityId: sent.externalId };
      await core.threads.follow(SYSTEM, { case: follow.number, platform: "teams", tenantId: String(stored.conversation?.tenantId ?? ""), channelId: conversationId, threadId: sent.externalId, audience: "STAFF", reference: threadReference as Record<string, unknown> });
    }
  }

  async function deliver(n: NotificationRow): Promise<void> {
    if (!n.caseId) return;
    const p = (n.payload ?? {}) as Payload;
    const all = await core.threads.threadsOf(n.caseId);
    const teams = all.filter((t) => t.platform === "teams");
    switch (n.event) {
      case "case.filed": {
        if (!config.TEAMS_TRIAGE_CHANNEL) return;
        const view = await core.cases.viewForAudience(n.caseId, "STAFF");
        await toChannel(n, "triage", config.TEAMS_TRIAGE_CHANNEL, cards.buildTriageCard(view, core.catalog), { number: view.number });
        return;
      }
      case "case.comment": {
        const origin = p.originThread as { platform?: string; channelId?: string; threadId?: string } | null | undefined;
        const view = await core.cases.viewForAudience(n.caseId, "STAFF");
        const comment = view.comments.find((c) => c.id === p.commentId);
        if (!comment) return;
        const targets = teams.filter((t) => !(origin?.platform === "teams" && origin.channelId === t.channelId && origin.threadId === t.threadId));
        await toThreads(n, targets, comment.internal ? ["STAFF"] : ["CUSTOMER", "STAFF"], commentCard(view, comment), all, comment.author?.id !== view.contact.id);
        return;
      }
      case "case.pending": {
        const view = await core.cases.viewForAudience(n.caseId, "CUSTOMER");
        const question = view.comments.find((c) => c.id === p.commentId);
        await toThreads(n, teams, ["CUSTOMER"], cards.buildNotice({ tone: "warning", title: `Support needs your response on case ${view.number}`, text: question?.body ?? "Please reply in this thread." }), all);
        await refreshRoots(n.caseId, teams);
        return;
      }
      case "case.escalated": {
        const channel = p.route === "management" ? config.TEAMS_MANAGEMENT_CHANNEL : config.TEAMS_ONCALL_CHANNEL;
        if (channel) {
          const view = await core.cases.viewForAudience(n.caseId, "STAFF");
          const card = cards.buildTriageCard(view, core.catalog);
          card.blocks.splice(1, 0, { type: "labelled", label: `Escalated by ${String(p.by)}: ${String(p.reasonLabel)} (promised: ${String(p.acknowledgement)})`, text: String(p.description ?? "") });
          await toChannel(n, `route:${channel}`, channel, card);
        }
        await toThreads(n, teams, ["CUSTOMER"], cards.buildNotice({ title: `Escalation of case ${p.number} received`, text: `Next update: ${String(p.acknowledgement)}. The update itself will follow in this thread.` }), all);
        return;
      }
    }
    const text = notice(n.event, p);
    if (text) {
      await toThreads(n, teams, AUDIENCE[n.event] ?? ["CUSTOMER"], cards.buildNotice({ title: text.title, text: text.text }), all);
      await refreshRoots(n.caseId, teams);
    }
    log.debug({ notificationId: n.id, event: n.event }, "delivered to teams");
  }

  return { name: "teams", deliver };
}
