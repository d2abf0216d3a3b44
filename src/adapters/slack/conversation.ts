import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { Outcome } from "../../interactions/index.ts";
import { publishHome } from "./home.ts";
import { refusedByChannel } from "./post-case.ts";

/**
 * A typed command's outcome in Slack, for `/case …` and for words typed in the app's
 * Messages tab alike. `say` answers the one who typed (ephemeral for the command, a
 * message in their DM for the Messages tab); `open` opens a modal where the request
 * brought a trigger (the command), and is absent where none can open (a typed message).
 */
export interface Conversation {
  core: Core;
  client: WebClient;
  ctx: Ctx;
  teamId: string;
  userId: string;
  channel: string;
  say(card: cards.MessageCard): Promise<void>;
  open?(form: cards.FormCard): Promise<void>;
}

export async function carryCommand(c: Conversation, outcome: Outcome): Promise<void> {
  switch (outcome.kind) {
    case "reply":
      for (const card of outcome.cards) await c.say(card);
      return;
    case "form":
      if (c.open) await c.open(outcome.form);
      // No command offers a form where none can open (it answers with the card that opens it); should one, it is named.
      else await c.say(cards.buildNotice({ title: outcome.form.title, text: "Type /case to open this form." }));
      return;
    case "home":
      // The home is the App Home tab: published there, and shown here too.
      await publishHome(c.client, c.userId, outcome.home);
      await c.say({ surface: "message", summary: "Your support home", blocks: outcome.home.blocks });
      return;
    case "follow":
      await follow(c, outcome.view);
      return;
    case "redraw":
      await c.say(cards.buildCaseCard(outcome.view, c.core.catalog));
      return;
    case "done":
      await c.say(outcome.card ?? cards.buildConfirmation(outcome.text, ""));
      return;
    case "refused":
      await c.say(outcome.card);
      return;
  }
}

/** `follow N`: the case card posted where it was typed, and its thread follows the case there (replies become comments). */
async function follow(c: Conversation, view: Extract<Outcome, { kind: "follow" }>["view"]): Promise<void> {
  const m = cards.renderSlackMessage(cards.buildCaseCard(view, c.core.catalog));
  let posted;
  try {
    posted = await c.client.chat.postMessage({ channel: c.channel, text: m.text, blocks: m.blocks, mrkdwn: false });
  } catch (error) {
    if (!refusedByChannel(error)) throw error;
    // The app is not in this channel (or may not post there): the user can fix that, so they are told how.
    await c.say(cards.buildNotice({ tone: "warning", title: `Case ${view.number} cannot be followed here yet`, text: "Add carebot to this channel (mention it, or use the channel's Integrations), then type follow again." }));
    return;
  }
  if (!posted.ts) return;
  await c.core.threads.follow(c.ctx, { case: view.number, platform: "slack", tenantId: c.teamId, channelId: posted.channel ?? c.channel, threadId: posted.ts, audience: "CUSTOMER" });
}
