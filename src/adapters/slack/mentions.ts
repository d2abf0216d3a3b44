import type { App } from "@slack/bolt";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { isRetryable } from "../../core/errors.ts";
import type { Core } from "../../core/index.ts";
import { readCommand, type Interactions } from "../../interactions/index.ts";
import { carryCommand } from "./conversation.ts";
import { slackCtx } from "./identity.ts";

/**
 * Mentioning the bot: `@carebot new …`, `@carebot list`, `@carebot verify …`. The way in
 * for members whose Slack Connect permissions keep them from apps (no slash commands, no
 * shortcuts): a mention is a plain message, which every member of a shared channel may
 * write. The words after the mention are the commands of src/interactions/commands.ts,
 * as typed to the bot in its Messages tab; the answer is private to the one who asked
 * (an ephemeral message in the channel, in the thread when asked in one).
 *
 * In a thread that follows a case, a mention whose words are no command ("@carebot the
 * fix works") is a reply like any other: the message listener (events.ts) stores it as
 * a comment, and this listener leaves it alone; a command there is answered here, and
 * the message listener does not store it.
 * @link https://docs.slack.dev/reference/events/app_mention
 */
const mentionEvent = z.object({
  user: z.string().optional(),
  text: z.string().default(""),
  ts: z.string(),
  channel: z.string(),
  thread_ts: z.string().optional(),
  bot_id: z.string().optional(),
  /** The author's own workspace: a Slack Connect guest's differs from the envelope's team. */
  user_team: z.string().optional(),
});

/** The words after a leading mention of the bot ("<@UBOT> list" -> "list"); undefined when the text does not start with one. */
export function wordsAfterMention(text: string, botUserId: string | undefined): string | undefined {
  const mention = /^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s:,]*/.exec(text);
  if (!mention || !botUserId || mention[1] !== botUserId) return undefined;
  return text.slice(mention[0].length).trim();
}

/** Whether a message is a command typed after the bot's mention (answered by app_mention, not stored as a reply). */
export function isMentionCommand(text: string, botUserId: string | undefined): boolean {
  const words = wordsAfterMention(text, botUserId);
  return words !== undefined && (words === "" || /^help$/i.test(words) || readCommand(words).verb !== "help");
}

export function registerMentions(app: App, core: Core, interactions: Interactions): void {
  app.event("app_mention", async ({ event, body, client, context }) => {
    const parsed = mentionEvent.safeParse(event);
    if (!parsed.success) return;
    const e = parsed.data;
    if (!e.user || e.bot_id || e.user === context.botUserId) return;
    const words = wordsAfterMention(e.text, context.botUserId);
    if (words === undefined) return; // mentioned mid-sentence: a conversation, not a command
    const inThread = e.thread_ts && e.thread_ts !== e.ts ? e.thread_ts : undefined;
    if (inThread && !isMentionCommand(e.text, context.botUserId) && (await core.threads.caseOfThread({ platform: "slack", channelId: e.channel, threadId: inThread }))) return;

    const userId = e.user;
    const teamId = e.user_team ?? (body as { team_id?: string }).team_id ?? "";
    const ctx = slackCtx(core, client, teamId, userId, e.channel);
    const outcome = await interactions.type(ctx, words, { channel: e.channel, deliveryId: `${teamId}:${e.channel}:${e.ts}`, forms: "offer" });
    // Nothing was stored: Slack delivers the event again.
    if (outcome.kind === "refused" && isRetryable(outcome.failure.code)) throw outcome.failure;
    const say = async (card: cards.MessageCard) => {
      const m = cards.renderSlackMessage(card);
      await client.chat.postEphemeral({ channel: e.channel, user: userId, ...(inThread ? { thread_ts: inThread } : {}), text: m.text, blocks: m.blocks });
    };
    await carryCommand({ core, client, ctx, teamId, userId, channel: e.channel, say }, outcome);
  });
}
