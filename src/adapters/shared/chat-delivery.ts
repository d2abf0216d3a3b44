import * as cards from "../../cards/index.ts";
import type { FollowedThread } from "../../core/follow/threads.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { NotificationRow } from "../../core/notify/deliveries.ts";
import type { DeliveryChannel } from "../../delivery/worker.ts";
import type { Logger } from "../../logger.ts";
import { AUDIENCE, commentCard, notice, type Payload } from "./delivery-messages.ts";

/**
 * Delivering the outbox into a chat platform: which event goes where is decided
 * here once, for Slack and Teams alike. New cases go to the triage channel (whose
 * thread then follows the case for staff), comments and changes into every thread that
 * follows the case (internal notes only into staff threads, never back into the thread
 * they came from), escalations to the on-call or management channel, hand-offs to the
 * partner's channel, and a DM to the customer when no thread follows their case. Each
 * destination is sent once per notification (receipts); a platform only says how to post.
 */
export interface ChatPlatform {
  platform: "slack" | "teams";
  channels: { triage?: string; oncall?: string; management?: string };
  dmFallback: boolean;
  /** Posts into a followed thread; returns the new message's id. */
  postInThread(thread: FollowedThread, card: cards.MessageCard): Promise<string | undefined>;
  /** Starts a new message in a channel; returns its id, the root of its thread. */
  postInChannel(channelId: string, card: cards.MessageCard): Promise<string | undefined>;
  /** What the platform must keep to post into that thread later (Teams: a conversation reference). */
  threadReference?(channelId: string, threadId: string): Promise<Record<string, unknown> | undefined>;
  /** A direct message to the case's contact; undefined when they cannot be reached on this platform. */
  directMessage(caseId: string, card: cards.MessageCard): Promise<string | undefined | null>;
  /** Redraws the card at the root of a thread. */
  refreshRoot(thread: FollowedThread, card: cards.MessageCard): Promise<void>;
  /** The channel of a partner's destination ("slack:C123", "teams:19:…"), when it is on this platform. */
  partnerChannel(destination: unknown): string | undefined;
}

const SYSTEM: Ctx = { actor: { system: true }, source: "system" };
type Audience = "CUSTOMER" | "STAFF";

export function createChatDelivery(core: Core, chat: ChatPlatform, logger: Logger): DeliveryChannel {
  const log = logger.child({ module: `delivery/${chat.platform}` });

  const once = (n: NotificationRow, target: string, send: () => Promise<string | undefined>) => core.outbox.once(n.id, target, send);

  async function toThreads(n: NotificationRow, threads: FollowedThread[], audiences: Audience[], card: cards.MessageCard, all: FollowedThread[], dm = true) {
    for (const t of threads.filter((x) => audiences.includes(x.audience))) await once(n, `thread:${t.channelId}:${t.threadId}`, () => chat.postInThread(t, card));
    // No customer thread anywhere (on any platform): the customer hears about their case directly.
    if (dm && chat.dmFallback && n.caseId && audiences.includes("CUSTOMER") && !all.some((t) => t.audience === "CUSTOMER")) {
      const caseId = n.caseId;
      await once(n, "dm", async () => (await chat.directMessage(caseId, card)) ?? undefined);
    }
  }

  async function toChannel(n: NotificationRow, target: string, channelId: string, card: cards.MessageCard, follow?: { number: string; audience: Audience }) {
    const sent = await once(n, target, () => chat.postInChannel(channelId, card));
    if (follow && sent.externalId) {
      const reference = await chat.threadReference?.(channelId, sent.externalId);
      await core.threads.follow(SYSTEM, { case: follow.number, platform: chat.platform, tenantId: target, channelId, threadId: sent.externalId, audience: follow.audience, ...(reference ? { reference } : {}) });
    }
  }

  async function refreshRoots(caseId: string, threads: FollowedThread[]) {
    for (const t of threads) {
      const view = await core.cases.viewForAudience(caseId, t.audience);
      await chat.refreshRoot(t, t.audience === "STAFF" ? cards.buildTriageCard(view, core.catalog) : cards.buildCaseCard(view, core.catalog));
    }
  }

  async function deliver(n: NotificationRow): Promise<void> {
    if (!n.caseId) return;
    const p = (n.payload ?? {}) as Payload;
    const all = await core.threads.threadsOf(n.caseId);
    const mine = all.filter((t) => t.platform === chat.platform);

    switch (n.event) {
      case "case.filed": {
        if (!chat.channels.triage) return;
        const view = await core.cases.viewForAudience(n.caseId, "STAFF");
        await toChannel(n, "triage", chat.channels.triage, cards.buildTriageCard(view, core.catalog), { number: view.number, audience: "STAFF" });
        return;
      }
      case "case.comment": {
        const origin = p.originThread as { platform?: string; channelId?: string; threadId?: string } | null | undefined;
        const view = await core.cases.viewForAudience(n.caseId, "STAFF");
        const comment = view.comments.find((c) => c.id === p.commentId);
        if (!comment) return;
        const targets = mine.filter((t) => !(origin?.platform === chat.platform && origin.channelId === t.channelId && origin.threadId === t.threadId));
        // Internal notes reach staff threads only; the customer is not DMed their own words.
        await toThreads(n, targets, comment.internal ? ["STAFF"] : ["CUSTOMER", "STAFF"], commentCard(view, comment), all, comment.author?.id !== view.contact.id);
        return;
      }
      case "case.pending": {
        const view = await core.cases.viewForAudience(n.caseId, "CUSTOMER");
        const question = view.comments.find((c) => c.id === p.commentId)?.body;
        await toThreads(n, mine, ["CUSTOMER"], cards.buildNotice({ tone: "warning", title: `Support needs your response on case ${view.number}`, text: question ?? "Please reply in this thread." }), all);
        await toThreads(n, mine, ["STAFF"], cards.buildNotice({ title: `Case ${view.number} is pending the customer`, text: question ?? "" }), all);
        await refreshRoots(n.caseId, mine);
        return;
      }
      case "case.escalated": {
        const channel = p.route === "management" ? chat.channels.management : chat.channels.oncall;
        if (channel) {
          const view = await core.cases.viewForAudience(n.caseId, "STAFF");
          const card = cards.buildTriageCard(view, core.catalog);
          card.blocks.splice(1, 0, { type: "labelled", label: `Escalated by ${String(p.by)}: ${String(p.reasonLabel)} (promised: ${String(p.acknowledgement)})`, text: String(p.description ?? "") });
          card.summary = `Escalation on case ${view.number}: ${String(p.reasonLabel)}`;
          await toChannel(n, `route:${channel}`, channel, card);
        }
        const ack = cards.buildNotice({ title: `Escalation of case ${p.number} received`, text: `Next update: ${String(p.acknowledgement)}. The update itself will follow in this thread.` });
        await toThreads(n, mine, ["CUSTOMER"], ack, all);
        return;
      }
      case "case.partner_handoff": {
        const channel = chat.partnerChannel(p.channel);
        if (channel) {
          const view = await core.cases.viewForAudience(n.caseId, "PARTNER");
          // The partner's thread sees what customers see: never internal notes.
          await toChannel(n, `partner:${channel}`, channel, cards.buildCaseCard(view, core.catalog), { number: view.number, audience: "CUSTOMER" });
        }
        break;
      }
    }
    const text = notice(n.event, p);
    if (text) {
      await toThreads(n, mine, AUDIENCE[n.event] ?? ["CUSTOMER"], cards.buildNotice({ title: text.title, text: text.text }), all);
      await refreshRoots(n.caseId, mine);
    }
    log.debug({ notificationId: n.id, event: n.event }, "delivered");
  }

  return { name: chat.platform, deliver };
}
