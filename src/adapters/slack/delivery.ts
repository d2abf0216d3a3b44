import { ErrorCode, type WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { FollowedThread } from "../../core/follow/threads.ts";
import type { NotificationRow } from "../../core/notify/deliveries.ts";
import { RetryLater, type DeliveryChannel } from "../../delivery/worker.ts";
import { AUDIENCE, commentCard, notice, type Payload } from "../shared/delivery-messages.ts";
import type { Logger } from "../../logger.ts";

/**
 * Delivers the outbox to Slack: new cases to the triage channel, comments and
 * changes into every Slack thread that follows the case (internal notes only into
 * staff threads, never back into the thread they were written in), escalations to
 * the on-call or management channel, hand-offs to the partner's channel, and a DM to
 * the customer when no thread follows their case. Each destination is sent once per
 * notification (receipts); a 429 becomes a retry at Retry-After.
 * @link https://docs.slack.dev/apis/web-api/rate-limits
 */
const SYSTEM: Ctx = { actor: { system: true }, source: "system" };

export function createSlackDelivery(options: { core: Core; client: WebClient; config: Config; logger: Logger }): DeliveryChannel {
  const { core, client, config } = options;
  const log = options.logger.child({ module: "adapters/slack/delivery" });

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code === ErrorCode.RateLimitedError) throw new RetryLater("Slack rate limit", (e.retryAfter ?? 1) * 1000, { cause: error });
      throw error;
    }
  }

  async function post(n: NotificationRow, target: string, channel: string, card: cards.MessageCard, threadTs?: string) {
    return core.outbox.once(n.id, target, async () => {
      const m = cards.renderSlackMessage(card);
      const r = await call(() => client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}) }));
      return r.ts ? String(r.ts) : undefined;
    });
  }

  /** Redraws the card at the root of each thread, so everyone sees the case as it is now. */
  async function refreshRoots(caseId: string, threads: FollowedThread[]) {
    for (const t of threads) {
      const view = await core.cases.viewForAudience(caseId, t.audience);
      const card = t.audience === "STAFF" ? cards.buildTriageCard(view, core.catalog) : cards.buildCaseCard(view, core.catalog);
      const m = cards.renderSlackMessage(card);
      await call(() => client.chat.update({ channel: t.channelId, ts: t.threadId, text: m.text, blocks: m.blocks }));
    }
  }

  /** Into every thread of the audiences; a DM to the contact when no customer thread follows the case anywhere. */
  async function toThreads(n: NotificationRow, threads: FollowedThread[], audiences: ("CUSTOMER" | "STAFF")[], card: cards.MessageCard, allThreads: FollowedThread[], dm = true) {
    for (const t of threads.filter((x) => audiences.includes(x.audience))) await post(n, `thread:${t.channelId}:${t.threadId}`, t.channelId, card, t.threadId);
    const customerThreadAnywhere = allThreads.some((t) => t.audience === "CUSTOMER");
    if (dm && audiences.includes("CUSTOMER") && !customerThreadAnywhere && config.SLACK_DM_FALLBACK && n.caseId) {
      const identity = await core.threads.contactIdentity(n.caseId, "slack");
      if (identity) await post(n, `dm:${identity.userId}`, identity.userId, card);
    }
  }

  async function deliver(n: NotificationRow): Promise<void> {
    if (!n.caseId) return;
    const p = (n.payload ?? {}) as Payload;
    const all = await core.threads.threadsOf(n.caseId);
    const slack = all.filter((t) => t.platform === "slack");

    switch (n.event) {
      case "case.filed": {
        if (!config.SLACK_TRIAGE_CHANNEL) return;
        const view = await core.cases.viewForAudience(n.caseId, "STAFF");
        const sent = await post(n, "triage", config.SLACK_TRIAGE_CHANNEL, cards.buildTriageCard(view, core.catalog));
        if (sent.externalId) {
          await core.threads.follow(SYSTEM, { case: view.number, platform: "slack", tenantId: "triage", channelId: config.SLACK_TRIAGE_CHANNEL, threadId: sent.externalId, audience: "STAFF" });
        }
        return;
      }
      case "case.comment": {
        const origin = p.originThread as { platform?: string; channelId?: string; threadId?: string } | null | undefined;
        const view = await core.cases.viewForAudience(n.caseId, "STAFF");
        const comment = view.comments.find((c) => c.id === p.commentId);
        if (!comment) return;
        const card = commentCard(view, comment);
        const targets = slack.filter((t) => !(origin?.platform === "slack" && origin.channelId === t.channelId && origin.threadId === t.threadId));
        const fromContact = comment.author?.id === view.contact.id;
        // The customer is not DMed their own words.
        await toThreads(n, targets, comment.internal ? ["STAFF"] : ["CUSTOMER", "STAFF"], card, all, !fromContact);
        return;
      }
      case "case.pending": {
        const view = await core.cases.viewForAudience(n.caseId, "CUSTOMER");
        const question = view.comments.find((c) => c.id === p.commentId);
        const card = cards.buildNotice({ tone: "warning", title: `Support needs your response on case ${view.number}`, text: question?.body ?? "Please reply in this thread." });
        await toThreads(n, slack, ["CUSTOMER"], card, all);
        await toThreads(n, slack, ["STAFF"], cards.buildNotice({ title: `Case ${view.number} is pending the customer`, text: question?.body ?? "" }), all);
        await refreshRoots(n.caseId, slack);
        return;
      }
      case "case.escalated": {
        const channel = p.route === "management" ? config.SLACK_MANAGEMENT_CHANNEL : config.SLACK_ONCALL_CHANNEL;
        if (channel) {
          const view = await core.cases.viewForAudience(n.caseId, "STAFF");
          const card = cards.buildTriageCard(view, core.catalog);
          card.blocks.splice(1, 0, { type: "labelled", label: `Escalated by ${String(p.by)}: ${String(p.reasonLabel)} (promised: ${String(p.acknowledgement)})`, text: String(p.description ?? "") });
          card.summary = `Escalation on case ${view.number}: ${String(p.reasonLabel)}`;
          await post(n, `route:${channel}`, channel, card);
        }
        const ack = cards.buildNotice({ title: `Escalation of case ${p.number} received`, text: `Next update: ${String(p.acknowledgement)}. The update itself will follow in this thread.` });
        await toThreads(n, slack, ["CUSTOMER"], ack, all);
        return;
      }
      case "case.partner_handoff": {
        const channel = typeof p.channel === "string" && p.channel.startsWith("slack:") ? p.channel.slice("slack:".length) : undefined;
        if (channel) {
          const view = await core.cases.viewForAudience(n.caseId, "PARTNER");
          const sent = await post(n, `partner:${channel}`, channel, cards.buildCaseCard(view, core.catalog));
          if (sent.externalId) {
            await core.threads.follow(SYSTEM, { case: view.number, platform: "slack", tenantId: "partner", channelId: channel, threadId: sent.externalId, audience: "CUSTOMER" });
          }
        }
        break;
      }
    }
    const text = notice(n.event, p);
    if (text) {
      await toThreads(n, slack, AUDIENCE[n.event] ?? ["CUSTOMER"], cards.buildNotice({ title: text.title, text: text.text }), all);
      await refreshRoots(n.caseId, slack);
    }
    log.debug({ notificationId: n.id, event: n.event }, "delivered to slack");
  }

  return { name: "slack", deliver };
}
