import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Core } from "../../core/index.ts";
import { infoForm, redrawnCard, type Interactions, type OpenForm, type Outcome } from "../../interactions/index.ts";
import type { Logger } from "../../logger.ts";
import { showForm } from "./forms.ts";
import { publishHome } from "./home.ts";
import { slackCtx } from "./identity.ts";
import { tellUser } from "./replies.ts";
import { formState, formValues } from "./view-state.ts";

/**
 * Card buttons, and the inputs of the new-case form that ask for a refresh while it is
 * filled in. Every press runs the one table of buttons (src/interactions/buttons.ts);
 * this file only carries the outcome: a modal from the click's trigger (pushed over a
 * modal), an ephemeral answer, the card redrawn in place, the App Home published.
 * Repeated actions in one block carry a "#n" suffix (see the Block Kit renderer).
 * @link https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
 */
const ANY_ACTION = /^[a-zA-Z]+\.[a-zA-Z]+(#\d+)?$/;
/** Inputs of the new-case form that dispatch on change: the product narrows the features, the subject brings suggestions. */
const FORM_INPUTS_THAT_REFRESH = /^(product|subject)$/;

type Body = BlockAction;

function where(body: Body) {
  return {
    // The user's own workspace first (a Slack Connect guest's is not the channel's).
    teamId: body.user.team_id ?? body.team?.id ?? "",
    channel: body.channel?.id,
    user: body.user.id,
    threadTs: body.message?.thread_ts ?? body.message?.ts,
  };
}

/** The modal a button was pressed in (not the App Home, which is a view too). */
function openModal(body: Body): OpenForm | undefined {
  if (!body.view || body.view.type !== "modal") return undefined;
  return { callbackId: body.view.callback_id, values: formValues(body.view.state), state: formState(body.view.private_metadata) };
}

export function registerActions(app: App, core: Core, interactions: Interactions, logger: Logger): void {
  /** Answers the pressing user privately: in the channel when there is one, else in their DM. */
  async function tell(client: WebClient, body: Body, card: cards.MessageCard) {
    const w = where(body);
    if (w.channel) await tellUser(client, { channel: w.channel, user: w.user, threadTs: w.threadTs }, card);
    else {
      const m = cards.renderSlackMessage(card);
      await client.chat.postMessage({ channel: w.user, text: m.text, blocks: m.blocks, mrkdwn: false });
    }
  }

  /** Redraws the card of a followed thread for its audience (customers or staff), as recorded when it was followed. */
  async function redraw(client: WebClient, body: Body, view: Extract<Outcome, { kind: "redraw" }>["view"]) {
    if (!body.channel?.id || !body.message?.ts || body.container?.type !== "message") return;
    const thread = await core.threads.caseOfThread({ platform: "slack", channelId: body.channel.id, threadId: body.message.ts });
    // Only a followed thread's root is a shared card; anything else was a private (ephemeral) answer.
    if (!thread || thread.caseId !== view.id) return;
    const m = cards.renderSlackMessage(await redrawnCard(core, view, thread));
    await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: m.text, blocks: m.blocks });
  }

  /** The form the button sits on, drawn again with everything typed in it. */
  async function updateForm(client: WebClient, body: Body, form: cards.FormCard) {
    try {
      await client.views.update({ view_id: body.view!.id, hash: body.view!.hash, view: cards.renderSlackModal(form).view });
    } catch (error) {
      // A stale hash means the user changed the form again meanwhile; the next change refreshes it.
      logger.warn({ err: error }, "could not refresh the form");
    }
  }

  /** Shows a card in place of the modal the button sits on, and of the one under it when the filing ends. */
  async function replaceModals(client: WebClient, body: Body, form: cards.FormCard, both: boolean) {
    const view = cards.renderSlackModal(form).view;
    const current = body.view!;
    if (both && current.root_view_id && current.root_view_id !== current.id) await client.views.update({ view_id: current.root_view_id, view });
    await client.views.update({ view_id: current.id, view });
  }

  async function carry(client: WebClient, body: Body, outcome: Outcome, modal: OpenForm | undefined) {
    switch (outcome.kind) {
      case "form":
        if (outcome.update && modal) await updateForm(client, body, outcome.form);
        else await showForm(client, body.trigger_id, outcome.form, Boolean(modal));
        return;
      case "reply": {
        const [card, ...more] = outcome.cards;
        // Over a modal (an article while filing), the answer is pushed on top, and Back returns to the form.
        if (modal && card) await showForm(client, body.trigger_id, infoForm(outcome.title ?? "carebot", card, "Back"), true);
        else for (const c of outcome.cards) await tell(client, body, c);
        if (modal) for (const c of more) await tell(client, body, c);
        return;
      }
      case "redraw":
        await redraw(client, body, outcome.view);
        if (outcome.notice) await tell(client, body, outcome.notice);
        return;
      case "home":
        await publishHome(client, body.user.id, outcome.home);
        return;
      case "done":
        if (modal && outcome.card) await replaceModals(client, body, infoForm(outcome.title ?? "carebot", outcome.card), Boolean(outcome.endsFiling));
        else await tell(client, body, outcome.card ?? cards.buildConfirmation(outcome.text, ""));
        return;
      case "follow":
        await tell(client, body, cards.buildCaseCard(outcome.view, core.catalog));
        return;
      case "refused":
        await tell(client, body, outcome.card);
        return;
    }
  }

  app.action<BlockAction>(ANY_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const id = (action as { action_id: string }).action_id.replace(/#\d+$/, "");
    // A link button: the browser opened it, and Slack tells us only for the record.
    if ((action as ButtonAction).url) return;
    const value = (action as ButtonAction).value ?? (action as StaticSelectAction).selected_option?.value ?? "";
    const modal = openModal(body);
    try {
      const ctx = slackCtx(core, client, where(body).teamId, body.user.id, where(body).channel);
      await carry(client, body, await interactions.press(ctx, id, value, { channel: body.channel?.id, form: modal }), modal);
    } catch (error) {
      // Carrying failed (Slack refused a view, the trigger expired): the user hears why, privately.
      await tell(client, body, interactions.refused(error).card);
    }
  });

  // The new-case form changed: the same as "Check for answers", keeping every value (the features follow a new product).
  app.action<BlockAction>(FORM_INPUTS_THAT_REFRESH, async ({ ack, body, action, client }) => {
    await ack();
    const modal = openModal(body);
    if (!modal || modal.callbackId !== "case.new") return;
    const changed = (action as { action_id?: string }).action_id;
    try {
      const ctx = slackCtx(core, client, where(body).teamId, body.user.id, where(body).channel);
      const outcome = await interactions.press(ctx, "knowledge.suggest", "subject", { channel: body.channel?.id, form: { ...modal, changed } });
      if (outcome.kind === "form") await updateForm(client, body, outcome.form);
    } catch (error) {
      logger.warn({ err: error }, "could not refresh the new-case form");
    }
  });
}
