import { ErrorCode, type WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import { CaseError } from "../../core/errors.ts";
import { CannotDeliver, RetryLater, type DeliveryChannel } from "../../core/notify/delivery-port.ts";
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
 * Each call into a customer's workspace uses that workspace's own bot token when carebot
 * was installed there with OAuth (tokenFor), else the configured SLACK_BOT_TOKEN (the
 * vendor's own workspace: triage, on-call, management, partners). A workspace that
 * uninstalled the app or revoked its tokens gets nothing more: CannotDeliver, recorded
 * as refused for that destination, never retried.
 * @link https://docs.slack.dev/apis/web-api/rate-limits
 * @link https://docs.slack.dev/authentication/installing-with-oauth
 */
export function createSlackDelivery(options: { core: Core; client: WebClient; config: Config; logger: Logger }): DeliveryChannel {
  const { core, client, config } = options;

  /**
   * The token for a workspace, read for each delivery (one indexed row: an uninstall or a
   * re-install takes effect at the next delivery, not after a cache expires).
   */
  async function tokenFor(teamId: string | undefined): Promise<string | undefined> {
    // Threads carebot opened in the vendor's channels are keyed "triage", "partner:C…",
    // "sla:…" (chat-delivery's toChannel), not by a workspace: the configured token's.
    if (!teamId || !SLACK_TEAM_ID.test(teamId)) return undefined;
    const known = await lookUp(teamId);
    if (known.removed) throw new CannotDeliver(`carebot was removed from the Slack workspace ${teamId} (uninstalled or its tokens revoked)`);
    return known.token;
  }
  async function lookUp(teamId: string): Promise<{ token?: string; removed: boolean }> {
    try {
      const found = await core.slackInstallations.find({ teamId });
      const installation = JSON.parse(found.secrets) as { bot?: { token?: string } };
      return { token: installation.bot?.token, removed: false };
    } catch (error) {
      // Never installed with OAuth: the configured token's workspace (single-workspace mode).
      if (error instanceof CaseError && error.code === "NOT_FOUND") return { removed: error.details.removed === true };
      if (error instanceof CaseError && error.code === "VALIDATION") return { removed: false };
      throw error;
    }
  }

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code === ErrorCode.RateLimitedError) throw new RetryLater("Slack rate limit", (e.retryAfter ?? 1) * 1000, { cause: error, wholeChannel: true });
      throw error;
    }
  }
  async function postMessage(teamId: string | undefined, channel: string, card: cards.MessageCard, threadTs?: string) {
    const token = await tokenFor(teamId);
    const m = cards.renderSlackMessage(card);
    // mrkdwn: false: the fallback text (push notifications) holds customer words too, and
    // mrkdwn cannot escape * _ ~ or backticks; the blocks are plain_text already.
    return call(() => client.chat.postMessage({ ...(token ? { token } : {}), channel, text: m.text, blocks: m.blocks, mrkdwn: false, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}) }));
  }
  async function post(teamId: string | undefined, channel: string, card: cards.MessageCard, threadTs?: string) {
    const r = await postMessage(teamId, channel, card, threadTs);
    return r.ts ? String(r.ts) : undefined;
  }

  return createChatDelivery(
    core,
    {
      platform: "slack",
      channels: { triage: config.SLACK_TRIAGE_CHANNEL, oncall: config.SLACK_ONCALL_CHANNEL, management: config.SLACK_MANAGEMENT_CHANNEL },
      dmFallback: config.SLACK_DM_FALLBACK,
      postInThread: (t, card) => post(t.tenantId, t.channelId, card, t.threadId),
      // The configured channels and partners' channels are in the vendor's own workspace.
      postInChannel: (channel, card) => post(undefined, channel, card),
      directMessage: async (caseId, card) => {
        const identity = await core.threads.contactIdentity(caseId, "slack");
        // Posting to a user id reaches the user's DM with the app.
        return identity ? post(identity.tenantId, identity.userId, card) : null;
      },
      refreshRoot: async (t, card) => {
        const token = await tokenFor(t.tenantId);
        const m = cards.renderSlackMessage(card);
        await call(() => client.chat.update({ ...(token ? { token } : {}), channel: t.channelId, ts: t.threadId, text: m.text, blocks: m.blocks }));
      },
      partnerChannel: (destination) => (typeof destination === "string" && destination.startsWith("slack:") ? destination.slice("slack:".length) : undefined),
      postToOrigin: (origin, card) =>
        postCaseCardToOrigin(
          origin,
          async (channel) => {
            const r = await postMessage(origin.tenantId, channel, card);
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

/** A Slack workspace (T…) or Enterprise Grid org (E…) id. */
const SLACK_TEAM_ID = /^[TE][A-Z0-9]+$/;
