import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { isRetryable, toCaseError } from "../../core/errors.ts";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { homeFor, newCaseForm, reopenOffer, type Interactions } from "../../interactions/index.ts";
import { carryCommand } from "./conversation.ts";
import { shareThreadFiles, slackFilesOf } from "./files.ts";
import { showForm } from "./forms.ts";
import { publishHome } from "./home.ts";
import { slackCtx } from "./identity.ts";
import { isMentionCommand, registerMentions } from "./mentions.ts";
import { errorCard, tellUser } from "./replies.ts";

/**
 * Events: replies in a followed thread become comments; words typed in the app's
 * Messages tab are commands (the same words as in Teams: src/interactions/commands.ts);
 * the App Home tab shows the dashboard; the message shortcut files a case from any message.
 *
 * A reply is acknowledged only once it is stored (the receiver answers 200 after this
 * listener returns), and it is seen-marked by being stored: the comment's external id
 * (team, channel, message ts) is unique, checked in the comment's own transaction, so a
 * redelivery or a replay (X-Slack-Retry-Num, possibly on another instance) makes no
 * second comment, and a reply lost to a crash before its commit is not marked seen
 * either: Slack's retry stores it. A refusal (the reopen window passed, no permission)
 * is the outcome, told to the user and not retried; anything unexpected is thrown, so
 * the receiver answers 500 and Slack delivers the event again.
 * @link https://docs.slack.dev/apis/events-api/#retries
 */
const messageEvent = z.object({
  channel: z.string(),
  user: z.string().optional(),
  text: z.string().default(""),
  ts: z.string(),
  thread_ts: z.string().optional(),
  subtype: z.string().optional(),
  channel_type: z.string().optional(),
  bot_id: z.string().optional(),
  /** The author's own workspace: a Slack Connect guest's differs from the envelope's team. */
  user_team: z.string().optional(),
  /** Shared files (fetched after the ack and attached: src/adapters/slack/files.ts). */
  files: z.array(z.unknown()).optional(),
  message: z.object({ user: z.string().optional(), text: z.string().default(""), ts: z.string(), thread_ts: z.string().optional(), bot_id: z.string().optional(), user_team: z.string().optional() }).optional(),
});

/** Staff mark a reply in the triage thread as internal by starting it with "internal:" or "note:". */
export const INTERNAL_MARKER = /^\s*(internal|note)\s*:\s*/i;

/** @link https://docs.slack.dev/apis/events-api/#retries (3 retries: X-Slack-Retry-Num 1, 2, 3) */
const LAST_RETRY = 3;

/** A refusal told privately; failing to tell it changes nothing stored, so it is logged, not retried. */
async function tell(client: WebClient, where: { channel: string; user: string; threadTs: string }, card: cards.MessageCard, logger: Logger): Promise<void> {
  try {
    await tellUser(client, where, card);
  } catch (error) {
    logger.warn({ err: error, channel: where.channel }, "could not tell the user why their reply was not stored");
  }
}

export function registerEvents(app: App, core: Core, interactions: Interactions, logger: Logger): void {
  app.event("message", async ({ event, body, client, context }) => {
    const parsed = messageEvent.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    // Edits arrive as message_changed carrying the new message; deletions and bots' messages are not replies.
    const edited = m.subtype === "message_changed" && m.message ? m.message : undefined;
    const message = edited ?? m;
    if (m.bot_id || message.bot_id || m.subtype === "bot_message" || m.subtype === "message_deleted" || !message.user || message.user === context.botUserId) return;
    if (m.subtype && !["message_changed", "file_share", "thread_broadcast"].includes(m.subtype)) return;
    if (!message.thread_ts || message.thread_ts === message.ts) {
      // Typed to the app in its Messages tab (a DM, not in a thread): a command, answered there.
      if (m.channel_type === "im" && !edited) await answerTyped(client, (body as { team_id?: string }).team_id ?? "", m.channel, message.user, message.text, m.ts);
      return;
    }

    // A command after the bot's mention is answered by the app_mention listener (mentions.ts), not stored as a reply.
    if (isMentionCommand(message.text, context.botUserId)) return;
    const thread = await core.threads.caseOfThread({ platform: "slack", channelId: m.channel, threadId: message.thread_ts });
    if (!thread) return; // a thread that follows no case: never a stray case

    // Who wrote it decides whose workspace it is (a Slack Connect guest's own, not the
    // channel's host's): the workspace-to-account rule matches people by their own workspace.
    const teamId = message.user_team ?? m.user_team ?? (body as { team_id?: string }).team_id ?? thread.tenantId;
    // An edit carries the files of the message it edits: they were asked for when it was first stored.
    const files = edited ? [] : slackFilesOf(m.files);
    let text = [message.text, ...files.map((f) => `Shared a file: ${f.name ?? "file"}`)].filter(Boolean).join("\n");
    if (edited) text = `(edited) ${text}`;
    const internal = thread.audience === "STAFF" && INTERNAL_MARKER.test(text);
    if (internal) text = text.replace(INTERNAL_MARKER, "");
    if (!text.trim()) return;
    const where = { channel: m.channel, user: message.user, threadTs: message.thread_ts };
    try {
      const ctx = slackCtx(core, client, teamId, message.user, m.channel);
      const { comment } = await core.cases.comment(ctx, thread.number, {
        body: text,
        internal,
        externalId: `${teamId}:${m.channel}:${message.ts}${edited ? `:edit:${m.ts}` : ""}`,
        originThread: { platform: "slack", channelId: m.channel, threadId: message.thread_ts },
      });
      // Only recorded here, fetched after the ack by the outbox (files.ts says why); a
      // redelivery finds the same comment and asks for the same files once.
      await shareThreadFiles(core, ctx, { number: thread.number, commentId: comment.id, teamId, userId: message.user, channel: m.channel, threadTs: message.thread_ts, files });
    } catch (error) {
      const failure = toCaseError(error);
      if (isRetryable(failure.code)) {
        // Nothing was stored. Slack retries 3 times; only when its last retry fails too is the user told.
        if ((context.retryNum ?? 0) >= LAST_RETRY) await tell(client, where, errorCard(error, logger).card, logger);
        throw error;
      }
      const card = failure.code === "REOPEN_WINDOW_PASSED" ? reopenOffer(failure.message, thread.number) : errorCard(error, logger).card;
      await tell(client, where, card, logger);
    }
  });

  /**
   * A command typed in the Messages tab. What it writes (a reply) is keyed by the message,
   * so Slack's retry after a failure stores it once; a read is simply answered again.
   */
  async function answerTyped(client: WebClient, teamId: string, channel: string, user: string, text: string, ts: string): Promise<void> {
    const ctx = slackCtx(core, client, teamId, user);
    const outcome = await interactions.type(ctx, text, { channel, deliveryId: `${teamId}:${channel}:${ts}`, forms: "offer" });
    // Nothing was stored: Slack delivers the event again.
    if (outcome.kind === "refused" && isRetryable(outcome.failure.code)) throw outcome.failure;
    const say = async (card: cards.MessageCard) => {
      const m = cards.renderSlackMessage(card);
      await client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, mrkdwn: false });
    };
    await carryCommand({ core, client, ctx, teamId, userId: user, channel, say }, outcome);
  }

  registerMentions(app, core, interactions);

  app.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    const teamId = (body as { team_id?: string }).team_id ?? "";
    await publishHome(client, event.user, await homeFor({ core, ctx: slackCtx(core, client, teamId, event.user) }, logger));
  });

  app.shortcut("case_from_message", async ({ shortcut, ack, client }) => {
    await ack();
    if (shortcut.type !== "message_action") return;
    // The user's own workspace first (a Slack Connect guest's is not the channel's).
    const teamId = shortcut.user.team_id ?? shortcut.team?.id ?? "";
    try {
      const ctx = slackCtx(core, client, teamId, shortcut.user.id, shortcut.channel.id);
      const text = shortcut.message.text ?? "";
      let link = "";
      try {
        link = String((await client.chat.getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts })).permalink ?? "");
      } catch (error) {
        // Without a permalink the description still holds the message itself.
        logger.warn({ err: error }, "no permalink for the shortcut's message");
      }
      const description = `${text}${link ? `\n\nFrom the message: ${link}` : ""}`;
      const subject = text.split("\n")[0]?.slice(0, 200) ?? "";
      await showForm(client, shortcut.trigger_id, await newCaseForm({ core, ctx }, { channel: shortcut.channel.id, subject, description }));
    } catch (error) {
      const m = cards.renderSlackMessage(errorCard(error, logger).card);
      await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, text: m.text, blocks: m.blocks });
    }
  });
}
