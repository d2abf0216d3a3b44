import { randomUUID } from "node:crypto";
import type { WebClient } from "@slack/web-api";
import { buildErrorNotice, renderSlackMessage, type MessageCard } from "../../cards/index.ts";
import { toCaseError, type CaseError } from "../../core/errors.ts";
import type { Logger } from "../../logger.ts";

/**
 * Answers only the person who acted (ephemeral), e.g. errors and confirmations.
 * Unexpected errors get a reference id; their cause goes to the log, never to Slack.
 */
export async function tellUser(client: WebClient, where: { channel: string; user: string; threadTs?: string }, card: MessageCard): Promise<void> {
  const message = renderSlackMessage(card);
  await client.chat.postEphemeral({ channel: where.channel, user: where.user, ...(where.threadTs ? { thread_ts: where.threadTs } : {}), text: message.text, blocks: message.blocks });
}

export function errorCard(error: unknown, logger: Logger): { card: MessageCard; failure: CaseError } {
  const failure = toCaseError(error);
  let reference: string | undefined;
  if (failure.code === "UNEXPECTED") {
    reference = randomUUID().slice(0, 8);
    logger.error({ err: error, reference }, "slack request failed");
  }
  return { card: buildErrorNotice(failure, reference), failure };
}
