import { ErrorCode, type WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import { RetryLater, type DeliveryChannel } from "../../core/notify/delivery-port.ts";
import type { Logger } from "../../logger.ts";
import { createChatDelivery } from "../shared/chat-delivery.ts";
import { postCaseCardToOrigin } from "./post-case.ts";

/**
 * How the outbox reaches Slack: chat.postMessage into threads and channels, DMs by
 * user id, a new case's card where it was filed (post-case.ts), chat.update to redraw
 * a thread's root card. A 429 becomes a retry at its
 * Retry-After (the delivery client fails fast instead of waiting inside the worker), and
 * pauses all Slack delivery until then: Slack limits the app per workspace and method, so
 * the worker's other concurrent deliveries would only earn 429s of their own. Demo data
 * never reaches Slack: every workspace is a real one (chat-delivery.ts records it).
 * @link https://docs.slack.dev/apis/web-api/rate-limits
 */
export function createSlackDelivery(options: { core: Core; client: WebClient; config: Config; logger: Logger }): DeliveryChannel {
  const { core, client, config } = options;

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code === ErrorCode.RateLimitedError) throw new RetryLater("Slack rate limit", (e.retryAfter ?? 1) * 1000, { cause: error, wholeChannel: true });
      throw error;
    }
  }
  async function postMessage(channel: string, card: cards.MessageCard, threadTs?: string) {
    const m = cards.renderSlackMessage(card);
    // mrkdwn: false: the fallback text (push notifications) holds customer words too, and
    // mrkdwn cannot escape * _ ~ or backticks; the blocks are plain_text already.
    return call(() => client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, mrkdwn: false, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}) }));
  }
  async function post(channel: string, card: cards.MessageCard, threadTs?: string) {
    const r = await postMessage(channel, card, threadTs);
    return r.ts ? String(r.ts) : undefined;
  }

  return createChatDelivery(
    core,
    {
      platform: "slack",
      channels: { triage: config.SLACK_TRIAGE_CHANNEL, oncall: config.SLACK_ONCALL_CHANNEL, management: config.SLACK_MANAGEMENT_CHANNEL },
      dmFallback: config.SLACK_DM_FALLBACK,
      postInThread: (t, card) => post(t.channelId, card, t.threadId),
      postInChannel: (channel, card) => post(channel, card),
      directMessage: async (caseId, card) => {
        const identity = await core.threads.contactIdentity(caseId, "slack");
        // Posting to a user id reaches the user's DM with the app.
        return identity ? post(identity.userId, card) : null;
      },
      refreshRoot: async (t, card) => {
        const m = cards.renderSlackMessage(card);
        await call(() => client.chat.update({ channel: t.channelId, ts: t.threadId, text: m.text, blocks: m.blocks }));
      },
      partnerChannel: (destination) => (typeof destination === "string" && destination.startsWith("slack:") ? destination.slice("slack:".length) : undefined),
      postToOrigin: (origin, card) =>
        postCaseCardToOrigin(
          origin,
          async (channel) => {
            const r = await postMessage(channel, card);
            // Slack answers with the channel it posted in: a DM's D… id when `channel` was a user id.
            if (!r.channel || !r.ts) throw new Error("chat.postMessage answered without a channel or ts");
            return { channel: String(r.channel), ts: String(r.ts) };
          },
          (error) => options.logger.warn({ err: error, channel: origin.channelId }, "cannot post the case card in its channel: posting it to the customer's DM"),
        ),
    },
    options.logger,
  );
}
