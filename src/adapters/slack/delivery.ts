import { ErrorCode, type WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import { CannotDeliver, DestinationPaused, RetryLater, type DeliveryChannel } from "../../core/notify/delivery-port.ts";
import type { Logger } from "../../logger.ts";
import { createChatDelivery } from "../shared/chat-delivery.ts";
import { VENDOR_NOT_INSTALLED_LOG } from "./own-workspace.ts";
import { postCaseCardToOrigin } from "./post-case.ts";
import { workspaceTokens } from "./workspace-tokens.ts";

/**
 * How the outbox reaches Slack: chat.postMessage into threads and channels, DMs by
 * user id, a new case's card where it was filed (post-case.ts), chat.update to redraw
 * a thread's root card. Demo data never reaches Slack: every workspace is a real one
 * (chat-delivery.ts records it).
 * Each call into a customer's workspace uses that workspace's own bot token when carebot
 * was installed there with OAuth, or its Enterprise Grid org's org-wide install's; a
 * rotating token is refreshed before it expires (workspace-tokens.ts, which remembers
 * each workspace's answer for 15 s); else the configured SLACK_BOT_TOKEN (the vendor's
 * own workspace: triage, on-call, management, partners), or, with OAuth alone, the
 * vendor's own installation (SLACK_VENDOR_TEAM_ID). Until the vendor has installed
 * carebot there, what goes to the vendor's workspace waits (DestinationPaused, its
 * attempt not counted, asked again every VENDOR_WAIT_MS; logged once with what to do)
 * and goes out after the install. A workspace that uninstalled
 * the app or revoked its tokens gets nothing more: CannotDeliver, recorded as refused for
 * that destination, never retried. A remembered token that Slack refuses (another
 * process saw it refreshed or removed) is forgotten and asked for again, once.
 * Rate limits are per workspace: a 429 becomes a retry at its Retry-After (the delivery
 * client fails fast instead of waiting inside the worker) and pauses delivery into that
 * workspace only (its installation's token got it), so one customer's limit does not
 * hold up the others': a notification bound there meanwhile waits, its attempt not
 * counted (DestinationPaused).
 * @link https://docs.slack.dev/apis/web-api/rate-limits
 * @link https://docs.slack.dev/authentication/installing-with-oauth
 */
export function createSlackDelivery(options: { core: Core; client: WebClient; config: Config; logger: Logger }): DeliveryChannel {
  const { core, client, config } = options;
  const tokens = workspaceTokens(core);
  /** Installation key (or CONFIGURED) -> until when Slack asked carebot to wait there (the core's clock, ms). */
  const pausedUntil = new Map<string, number>();
  const now = () => core.slackInstallations.now().getTime();
  const vendorTeamId = config.SLACK_VENDOR_TEAM_ID;
  /** Whether the missing vendor installation was logged (again after it was there). */
  let toldNotInstalled = false;

  /** The vendor's own workspace: SLACK_BOT_TOKEN's, or with OAuth alone its installation's, once there is one. */
  async function vendorTarget(): Promise<{ token?: string; key: string; id?: string }> {
    if (config.SLACK_BOT_TOKEN || !vendorTeamId) return { key: CONFIGURED };
    const found = await tokens.forWorkspace(vendorTeamId);
    if (found.kind === "installed") {
      toldNotInstalled = false;
      return { token: found.token, key: found.key, id: vendorTeamId };
    }
    if (!toldNotInstalled) options.logger.warn({ teamId: vendorTeamId, removed: found.kind === "removed" }, VENDOR_NOT_INSTALLED_LOG);
    toldNotInstalled = true;
    throw new DestinationPaused(`waiting for carebot to be installed in the vendor's own Slack workspace ${vendorTeamId} (/slack/install)`, VENDOR_WAIT_MS);
  }

  /** Whose token a call into a workspace carries, and the key its rate limit is kept under. */
  async function targetOf(teamId: string | undefined): Promise<{ token?: string; key: string; id?: string }> {
    // Threads carebot opened in the vendor's channels are keyed "triage", "partner:C…",
    // "sla:…" (chat-delivery's toChannel), not by a workspace: the vendor's token.
    if (!teamId || !SLACK_TEAM_ID.test(teamId)) return vendorTarget();
    // SLACK_BOT_TOKEN wins in the vendor's workspace even when it was installed with OAuth too.
    if (config.SLACK_BOT_TOKEN && teamId === vendorTeamId) return { key: CONFIGURED };
    const found = await tokens.forWorkspace(teamId);
    if (found.kind === "removed" && teamId !== vendorTeamId) throw new CannotDeliver(`carebot was removed from the Slack workspace ${teamId} (uninstalled or its tokens revoked)`);
    return found.kind === "installed" ? { token: found.token, key: found.key, id: teamId } : vendorTarget();
  }

  async function call<T>(teamId: string | undefined, fn: (token: { token?: string }) => Promise<T>): Promise<T> {
    for (let asked = 0; ; asked += 1) {
      const target = await targetOf(teamId);
      const wait = (pausedUntil.get(target.key) ?? 0) - now();
      if (wait > 0) throw new DestinationPaused(`Slack asked carebot to wait before posting in ${target.key === CONFIGURED ? "the vendor's workspace" : target.key}`, wait);
      try {
        return await fn(target.token ? { token: target.token } : {});
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
        if (e.code === ErrorCode.RateLimitedError) {
          const ms = (e.retryAfter ?? 1) * 1000;
          pausedUntil.set(target.key, Math.max(pausedUntil.get(target.key) ?? 0, now() + ms));
          if (pausedUntil.size > 10_000) pausedUntil.clear();
          throw new RetryLater(`Slack rate limit in ${target.key === CONFIGURED ? "the vendor's workspace" : target.key}`, ms, { cause: error });
        }
        if (asked === 0 && target.id && e.code === ErrorCode.PlatformError && REFUSED_TOKEN.has(e.data?.error ?? "")) {
          tokens.forget(target.id);
          continue;
        }
        throw error;
      }
    }
  }
  async function postMessage(teamId: string | undefined, channel: string, card: cards.MessageCard, threadTs?: string) {
    const m = cards.renderSlackMessage(card);
    // mrkdwn: false: the fallback text (push notifications) holds customer words too, and
    // mrkdwn cannot escape * _ ~ or backticks; the blocks are plain_text already.
    return call(teamId, (token) => client.chat.postMessage({ ...token, channel, text: m.text, blocks: m.blocks, mrkdwn: false, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}) }));
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
        const m = cards.renderSlackMessage(card);
        await call(t.tenantId, (token) => client.chat.update({ ...token, channel: t.channelId, ts: t.threadId, text: m.text, blocks: m.blocks }));
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
/** How long what goes to the vendor's workspace waits before asking again whether the vendor's installation is there. */
export const VENDOR_WAIT_MS = 60_000;
/** The rate-limit key of calls with the configured SLACK_BOT_TOKEN (the vendor's own workspace). */
const CONFIGURED = "configured";
/** Slack's answers to a token it no longer takes. */
const REFUSED_TOKEN = new Set(["invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed"]);
