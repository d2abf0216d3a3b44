import type { App } from "@slack/bolt";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { toCaseError } from "../../core/errors.ts";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { reopenOffer } from "../shared/form-submissions.ts";
import { newCaseForm, showForm } from "./forms.ts";
import { publishHome } from "./home.ts";
import { slackCtx } from "./identity.ts";
import { errorCard, tellUser } from "./replies.ts";

/**
 * Events: replies in a followed thread become comments; the App Home tab shows the
 * dashboard; the message shortcut files a case from any message. Events are acked by
 * Bolt before listeners run; a redelivery (X-Slack-Retry-Num, possibly to another
 * instance) is dropped by its event_id, recorded in the database.
 * @link https://docs.slack.dev/apis/events-api/
 */
const messageEvent = z.object({
  channel: z.string(),
  user: z.string().optional(),
  text: z.string().default(""),
  ts: z.string(),
  thread_ts: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  files: z.array(z.object({ name: z.string().optional(), permalink: z.string().optional() })).optional(),
  message: z.object({ user: z.string().optional(), text: z.string().default(""), ts: z.string(), thread_ts: z.string().optional(), bot_id: z.string().optional() }).optional(),
});

/** Staff mark a reply in the triage thread as internal by starting it with "internal:" or "note:". */
export const INTERNAL_MARKER = /^\s*(internal|note)\s*:\s*/i;

export function registerEvents(app: App, core: Core, logger: Logger): void {
  app.event("message", async ({ event, body, client, context }) => {
    const parsed = messageEvent.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    // Edits arrive as message_changed carrying the new message; deletions and bots' messages are not replies.
    const edited = m.subtype === "message_changed" && m.message ? m.message : undefined;
    const message = edited ?? m;
    if (m.bot_id || message.bot_id || m.subtype === "bot_message" || m.subtype === "message_deleted" || !message.user || message.user === context.botUserId) return;
    if (m.subtype && !["message_changed", "file_share", "thread_broadcast"].includes(m.subtype)) return;
    if (!message.thread_ts || message.thread_ts === message.ts) return;

    const thread = await core.threads.caseOfThread({ platform: "slack", channelId: m.channel, threadId: message.thread_ts });
    if (!thread) return; // a thread that follows no case: never a stray case
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await core.firstDelivery("slack", eventId))) return;

    const teamId = (body as { team_id?: string }).team_id ?? thread.tenantId;
    const files = (m.files ?? []).map((f) => `Attached: ${f.name ?? "file"}${f.permalink ? ` (${f.permalink})` : ""}`);
    let text = [message.text, ...files].filter(Boolean).join("\n");
    if (edited) text = `(edited) ${text}`;
    const internal = thread.audience === "STAFF" && INTERNAL_MARKER.test(text);
    if (internal) text = text.replace(INTERNAL_MARKER, "");
    if (!text.trim()) return;
    try {
      const ctx = await slackCtx(core, client, teamId, message.user);
      await core.cases.comment(ctx, thread.number, {
        body: text,
        internal,
        externalId: `${teamId}:${m.channel}:${message.ts}${edited ? `:edit:${m.ts}` : ""}`,
        originThread: { platform: "slack", channelId: m.channel, threadId: message.thread_ts },
      });
    } catch (error) {
      const failure = toCaseError(error);
      let card = errorCard(error, logger).card;
      if (failure.code === "REOPEN_WINDOW_PASSED") card = reopenOffer(failure.message, thread.number);
      await tellUser(client, { channel: m.channel, user: message.user, threadTs: message.thread_ts }, card);
    }
  });

  app.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    await publishHome(core, client, (body as { team_id?: string }).team_id ?? "", event.user, logger);
  });

  app.shortcut("case_from_message", async ({ shortcut, ack, client }) => {
    await ack();
    if (shortcut.type !== "message_action") return;
    const teamId = shortcut.team?.id ?? shortcut.user.team_id ?? "";
    try {
      const ctx = await slackCtx(core, client, teamId, shortcut.user.id);
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
      await showForm(client, shortcut.trigger_id, await newCaseForm(core, ctx, { channel: shortcut.channel.id, subject, description }));
    } catch (error) {
      const m = cards.renderSlackMessage(errorCard(error, logger).card);
      await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, text: m.text, blocks: m.blocks });
    }
  });
}
