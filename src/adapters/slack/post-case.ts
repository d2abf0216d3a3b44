import { ErrorCode } from "@slack/web-api";
import type { CaseOrigin } from "../../core/cases/schemas.ts";
import type { OriginLanding } from "../shared/chat-delivery.ts";

/**
 * Where a new case's card goes in Slack: the channel the customer filed from, or
 * their DM with the app when there was none or the app cannot post there (not a
 * member, archived, restricted). Any other failure is thrown, so the outbox retries
 * the same channel later instead of moving the card to a DM for a passing hiccup.
 * @link https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
const CHANNEL_REFUSALS = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "team_access_not_granted",
  "cannot_reply_to_message",
]);

/** Whether Slack refused a post because of the channel (the app is not in it, it is archived, posting is restricted). */
export function refusedByChannel(error: unknown): boolean {
  const e = error as { code?: string; data?: { error?: string } };
  return e.code === ErrorCode.PlatformError && CHANNEL_REFUSALS.has(e.data?.error ?? "");
}

/** `post` sends the card to a channel or user id and returns the channel and ts Slack answered with. */
export async function postCaseCardToOrigin(
  origin: Pick<CaseOrigin, "channelId" | "userId">,
  post: (channel: string) => Promise<{ channel: string; ts: string }>,
  onFallback: (error: unknown) => void,
): Promise<OriginLanding> {
  let posted;
  try {
    posted = await post(origin.channelId ?? origin.userId);
  } catch (error) {
    if (!origin.channelId || !refusedByChannel(error)) throw error;
    onFallback(error);
    // Posting to a user id reaches their DM with the app, which always takes it.
    posted = await post(origin.userId);
  }
  // A card in a DM still roots a thread, which follows the case like a channel's.
  return { channelId: posted.channel, threadId: posted.ts, follow: true };
}
