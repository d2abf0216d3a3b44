import type { App, ViewResponseAction } from "@slack/bolt";
import * as cards from "../../cards/index.ts";
import type { Core } from "../../core/index.ts";
import { FORM_IDS, infoForm, type Interactions, type Outcome } from "../../interactions/index.ts";
import { slackCtx } from "./identity.ts";
import { formState, formValues } from "./view-state.ts";

/**
 * Modal submissions: every form of the interactions' table (src/interactions/forms.ts),
 * carried as Slack wants it. Refused fields go back as `response_action: "errors"` on the
 * fields concerned, so the modal stays open with everything the user typed; something to
 * read (an acknowledgement, a recommendation) replaces the modal; otherwise it closes.
 *
 * A new case is filed, then acked. Its card reaches the channel it was filed from through
 * the outbox (committed with the case), so a crash right after the ack cannot lose it, and
 * a resubmission after a crash (same key: the same case) adds no second card.
 * @link https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 */
type Ack = (response?: ViewResponseAction) => Promise<void>;

function answer(outcome: Outcome): ViewResponseAction | undefined {
  switch (outcome.kind) {
    case "done":
      return outcome.card ? { response_action: "update", view: cards.renderSlackModal(infoForm(outcome.title ?? "carebot", outcome.card)).view } : undefined;
    case "refused":
      return { response_action: "errors", errors: outcome.errors ?? {} };
    case "form":
      return { response_action: "update", view: cards.renderSlackModal(outcome.form).view };
    case "reply":
    case "home":
    case "redraw":
    case "follow":
      // No form answers with these; closing is all that is left to do.
      return undefined;
  }
}

export function registerViews(app: App, core: Core, interactions: Interactions): void {
  for (const callbackId of FORM_IDS) {
    app.view(callbackId, async ({ ack, body, view, client }) => {
      // The user's own workspace first (a Slack Connect guest's is not the channel's).
      const teamId = body.user.team_id ?? body.team?.id ?? "";
      const state = formState(view.private_metadata);
      // Where the form was opened: a filed case's card goes there (see SubmissionSource).
      const origin = { platform: "slack" as const, tenantId: teamId, userId: body.user.id, ...(state.channel ? { channelId: state.channel } : {}) };
      const outcome = await interactions.submit(slackCtx(core, client, teamId, body.user.id, state.channel), callbackId, formValues(view.state), state, { origin });
      await (ack as Ack)(answer(outcome));
    });
  }
}
