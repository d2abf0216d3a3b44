import type { WebClient } from "@slack/web-api";
import { renderSlackMessage, type MessageCard } from "../../cards/index.ts";

/**
 * Answers only the person who acted (ephemeral), e.g. errors and confirmations.
 * Unexpected errors get a reference id; their cause goes to the log, never to Slack.
 */
export async function tellUser(client: WebClient, where: { channel: string; user: string; threadTs?: string }, card: MessageCard): Promise<void> {
  const message = renderSlackMessage(card);
  await client.chat.postEphemeral({ channel: where.channel, user: where.user, ...(where.threadTs ? { thread_ts: where.threadTs } : {}), text: message.text, blocks: message.blocks });
}

export { errorCard } from "../shared/error-card.ts";
