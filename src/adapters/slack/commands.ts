import type { App } from "@slack/bolt";
import * as cards from "../../cards/index.ts";
import type { Core } from "../../core/index.ts";
import { readCommand, SLASH_HELP, type Interactions } from "../../interactions/index.ts";
import { carryCommand } from "./conversation.ts";
import { showForm } from "./forms.ts";
import { slackCtx } from "./identity.ts";

/**
 * `/case …`: the commands of src/interactions/commands.ts (new, list, show, reply,
 * escalate, search, browse, follow, home, help). The help is answered in the ack itself;
 * everything else is acked first and answered ephemerally (or with a modal).
 */
export function registerCommands(app: App, core: Core, interactions: Interactions): void {
  app.command("/case", async ({ command, ack, client, respond }) => {
    const text = command.text ?? "";
    if (readCommand(text).verb === "help") {
      await ack({ response_type: "ephemeral", text: SLASH_HELP });
      return;
    }
    // NOTE: Slack needs the ack within 3 seconds; the work follows it.
    await ack();
    const ctx = slackCtx(core, client, command.team_id, command.user_id, command.channel_id);
    const outcome = await interactions.type(ctx, text, { channel: command.channel_id, forms: "open" });
    const say = async (card: cards.MessageCard) => {
      const m = cards.renderSlackMessage(card);
      await respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks });
    };
    try {
      const open = (form: cards.FormCard) => showForm(client, command.trigger_id, form);
      await carryCommand({ core, client, ctx, teamId: command.team_id, userId: command.user_id, channel: command.channel_id, say, open }, outcome);
    } catch (error) {
      // Carrying failed (Slack refused the modal, the trigger expired): the user hears why, privately.
      await say(interactions.refused(error).card);
    }
  });
}
