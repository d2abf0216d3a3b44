import type { App, ViewResponseAction } from "@slack/bolt";
import * as cards from "../../cards/index.ts";
import { toCaseError } from "../../core/errors.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { slackCtx } from "./identity.ts";
import { postCaseCard } from "./post-case.ts";
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

  app.view("case.new", async ({ ack: boltAck, body, view, client }) => {
    const ack = boltAck as Ack;
    const values = formValues(view.state);
    const state = formState(view.private_metadata);
    let ctx: Ctx;
    try {
      ctx = await ctxOf(client, body);
    } catch (error) {
      return refuse(ack, error, cards.NEW_CASE_FIELDS, "subject", logger);
    }
    let filed;
    try {
      filed = await core.cases.file(ctx, cards.newCaseInput(values, state));
    } catch (error) {
      return refuse(ack, error, cards.NEW_CASE_FIELDS, "subject", logger);
    }
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    try {
      if (filed.created) await postCaseCard(core, client, ctx, { teamId, channel: state.channel, userId: body.user.id }, filed.case);
    } catch (error) {
      logger.warn({ err: error, caseId: filed.case.id }, "case filed but its card could not be posted");
      await client.chat.postMessage({ channel: body.user.id, text: `Case ${filed.case.number} was filed.` });
    }
  });

  app.view("case.escalate", async ({ ack: boltAck, body, view, client }) => {
    const ack = boltAck as Ack;
    const values = formValues(view.state);
    const { case: number = "" } = formState(view.private_metadata);
    try {
      const ctx = await ctxOf(client, body);
      const result = await core.cases.escalate(ctx, number, cards.escalateInput(values));
      await ack({ response_action: "update", view: resultView(cards.buildEscalationAck(result, core.catalog), "Escalation received") });
    } catch (error) {
      await refuse(ack, error, ["reason", "description"], "description", logger);
    }
  });

  // Reply, internal note, ask the customer, and the staff forms: one case each, named in the form's state.
  const simple: Record<string, (ctx: Ctx, number: string, v: Record<string, string>) => Promise<unknown>> = {
    "case.reply": (ctx, n, v) => core.cases.comment(ctx, n, { body: v.body ?? "" }),
    "case.internalNote": (ctx, n, v) => core.cases.comment(ctx, n, { body: v.body ?? "", internal: true }),
    "case.askCustomer": (ctx, n, v) => core.cases.askCustomer(ctx, n, { body: v.body ?? "" }),
    "case.changeSeverity": (ctx, n, v) => core.cases.changeSeverity(ctx, n, { severity: v.severity ?? "", reason: v.reason ?? "" }),
    "case.setPriority": (ctx, n, v) => core.cases.setPriority(ctx, n, { priority: v.priority === "same" ? null : (v.priority ?? "") }),
    "case.close": (ctx, n, v) => core.cases.close(ctx, n, { reason: (v.reason ?? "") as "OTHER", duplicateOf: v.duplicateOf, note: v.note }),
    "case.handToPartner": (ctx, n, v) => core.cases.handToPartner(ctx, n, { partnerId: v.partnerId ?? "", note: v.note }),
    "case.assign": (ctx, n, v) => core.cases.assign(ctx, n, { engineerId: v.engineerId ?? "" }),
  };
  for (const [callbackId, run] of Object.entries(simple)) {
    app.view(callbackId, async ({ ack: boltAck, body, view, client }) => {
      const ack = boltAck as Ack;
      const values = formValues(view.state);
      const { case: number = "" } = formState(view.private_metadata);
      const inputs = Object.keys(values).length ? Object.keys(values) : ["body"];
      try {
        const ctx = await ctxOf(client, body);
        await run(ctx, number, values);
        await ack();
      } catch (error) {
        const failure = toCaseError(error);
        if (failure.code === "REOPEN_WINDOW_PASSED") {
          // The reply cannot reopen the case: offer the linked new case instead of an error.
          const offer = cards.buildNotice({ tone: "warning", title: "This case cannot be reopened", text: failure.message });
          offer.blocks.push({ type: "actions", actions: [{ id: "case.newLinkedCase", label: "Open a new linked case", value: number, style: "primary" }] });
          await ack({ response_action: "update", view: resultView(offer, "Case closed") });
          return;
        }
        await refuse(ack, error, inputs, inputs[0]!, logger);
      }
    });
  }

  app.view("severity.guide", async ({ ack: boltAck, view }) => {
    const ack = boltAck as Ack;
    const values = formValues(view.state);
    const answers = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === "yes"]));
    await ack({ response_action: "update", view: resultView(cards.buildSeverityRecommendation(core.catalog, answers), "Severity") });
  });

  app.view("done", async ({ ack }) => {
    await ack();
  });
}
