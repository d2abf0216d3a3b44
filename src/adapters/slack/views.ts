import type { App, ViewResponseAction } from "@slack/bolt";
import * as cards from "../../cards/index.ts";
import { toCaseError } from "../../core/errors.ts";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { slackCtx } from "./identity.ts";
import { FORM_INPUTS, reopenOffer, submitForm } from "../shared/form-submissions.ts";
import { errorCard } from "./replies.ts";
import { formState, formValues } from "./view-state.ts";

/**
 * Modal submissions. Validation errors go back as `response_action: "errors"` on the
 * fields concerned, so the modal stays open with everything the user typed.
 * @link https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 */
type Ack = (response?: ViewResponseAction) => Promise<void>;

async function refuse(ack: Ack, error: unknown, inputs: readonly string[], fallback: string, logger: Logger): Promise<void> {
  const failure = toCaseError(error);
  if (failure.code === "UNEXPECTED") errorCard(error, logger);
  await ack({ response_action: "errors", errors: cards.formErrors(failure, inputs, fallback) });
}

const resultView = (card: cards.MessageCard, title: string) =>
  cards.renderSlackModal({ surface: "form", callbackId: "done", title, submitLabel: "Close", state: {}, blocks: card.blocks }).view;

export function registerViews(app: App, core: Core, logger: Logger): void {
  const ctxOf = (client: Parameters<Parameters<App["view"]>[1]>[0]["client"], body: { team: { id: string } | null; user: { id: string; team_id?: string } }) =>
    slackCtx(core, client, body.team?.id ?? body.user.team_id ?? "", body.user.id);

  // A new case: filed, then acked. Its card reaches the channel it was filed from through the outbox
  // (committed with the case), so a crash right after the ack cannot lose it, and a resubmission
  // after a crash (same key: the same case) adds no second card.
  app.view("case.new", async ({ ack: boltAck, body, view, client }) => {
    const ack = boltAck as Ack;
    const values = formValues(view.state);
    const state = formState(view.private_metadata);
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const origin = { platform: "slack" as const, tenantId: teamId, userId: body.user.id, ...(state.channel ? { channelId: state.channel } : {}) };
    try {
      const outcome = await submitForm(core, await ctxOf(client, body), "case.new", values, state, { origin });
      if (outcome.kind !== "filed") throw new Error("case.new did not file a case");
    } catch (error) {
      return refuse(ack, error, cards.NEW_CASE_FIELDS, "subject", logger);
    }
    await ack();
  });

  // Every other form: the shared submission, then the result view or the errors on the form.
  const forms = ["case.escalate", "severity.guide", ...Object.keys(FORM_INPUTS).filter((id) => id !== "case.new" && id !== "case.escalate")];
  for (const callbackId of forms) {
    app.view(callbackId, async ({ ack: boltAck, body, view, client }) => {
      const ack = boltAck as Ack;
      const values = formValues(view.state);
      const state = formState(view.private_metadata);
      const inputs = FORM_INPUTS[callbackId] ?? Object.keys(values);
      try {
        const outcome = await submitForm(core, await ctxOf(client, body), callbackId, values, state);
        if (outcome.kind === "escalated") return ack({ response_action: "update", view: resultView(cards.buildEscalationAck(outcome.result, core.catalog), "Escalation received") });
        if (outcome.kind === "recommendation") return ack({ response_action: "update", view: resultView(outcome.card, "Severity") });
        await ack();
      } catch (error) {
        const failure = toCaseError(error);
        if (failure.code === "REOPEN_WINDOW_PASSED") return ack({ response_action: "update", view: resultView(reopenOffer(failure.message, state.case ?? ""), "Case closed") });
        await refuse(ack, error, inputs, inputs[0] ?? "body", logger);
      }
    });
  }

  app.view("done", async ({ ack }) => {
    await ack();
  });
}
