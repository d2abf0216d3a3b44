import * as cards from "../../cards/index.ts";
import type { EscalationResult } from "../../core/cases/customer-actions.ts";
import type { FileCaseResult } from "../../core/cases/filing.ts";
import type { CaseOrigin } from "../../core/cases/schemas.ts";
import type { Core, Ctx } from "../../core/index.ts";

/**
 * What a submitted form asks of the core, the same for Slack modals and Teams
 * dialogs. Failures are thrown as CaseErrors; each adapter shows them on its form.
 */
export type Submission =
  | { kind: "filed"; result: FileCaseResult }
  | { kind: "escalated"; result: EscalationResult }
  | { kind: "recommendation"; card: cards.MessageCard }
  | { kind: "done"; number: string };

/** The inputs of each form, for mapping the core's field errors onto them. */
export const FORM_INPUTS: Record<string, readonly string[]> = {
  "case.new": cards.NEW_CASE_FIELDS,
  "case.escalate": ["reason", "description"],
  "case.reply": ["body"],
  "case.internalNote": ["body"],
  "case.askCustomer": ["body"],
  "case.changeSeverity": ["severity", "reason"],
  "case.setPriority": ["priority"],
  "case.close": ["reason", "duplicateOf", "note"],
  "case.handToPartner": ["partnerId", "note"],
  "case.assign": ["engineerId"],
};

/**
 * How a submission reached us. `origin` is where the form was opened (a Slack channel, a
 * Teams conversation): a filed case's card is posted there by the outbox, after the
 * filing commits. `deliveryId` is the platform's id of this submission, the same on
 * every delivery of it (Teams: conversation and activity id): what the form writes is
 * keyed by it in the write's own transaction (a reply's or note's external id, an
 * escalation's idempotency key), so a redelivery changes nothing and answers as the first
 * did. A new case has its own key in the form's state.
 */
export interface SubmissionSource {
  origin?: CaseOrigin;
  deliveryId?: string;
}

export async function submitForm(
  core: Core,
  ctx: Ctx,
  callbackId: string,
  values: cards.FormValues,
  state: Record<string, string>,
  options: SubmissionSource = {},
): Promise<Submission> {
  const number = state.case ?? "";
  const v = (k: string) => values[k] ?? "";
  switch (callbackId) {
    case "case.new":
      return { kind: "filed", result: await core.cases.file(ctx, { ...cards.newCaseInput(values, state), ...(options.origin ? { origin: options.origin } : {}) }) };
    case "case.escalate":
      return { kind: "escalated", result: await core.cases.escalate(ctx, number, { ...cards.escalateInput(values), idempotencyKey: options.deliveryId }) };
    case "severity.guide": {
      const answers = Object.fromEntries(Object.entries(values).map(([k, x]) => [k, x === "yes"]));
      return { kind: "recommendation", card: cards.buildSeverityRecommendation(core.catalog, answers) };
    }
    case "case.reply":
      await core.cases.comment(ctx, number, { body: v("body"), externalId: options.deliveryId });
      break;
    case "case.internalNote":
      await core.cases.comment(ctx, number, { body: v("body"), internal: true, externalId: options.deliveryId });
      break;
    case "case.askCustomer":
      await core.cases.askCustomer(ctx, number, { body: v("body") });
      break;
    case "case.changeSeverity":
      await core.cases.changeSeverity(ctx, number, { severity: v("severity"), reason: v("reason") });
      break;
    case "case.setPriority":
      await core.cases.setPriority(ctx, number, { priority: values.priority === "same" ? null : v("priority") });
      break;
    case "case.close":
      await core.cases.close(ctx, number, { reason: v("reason") as "OTHER", duplicateOf: values.duplicateOf, note: values.note });
      break;
    case "case.handToPartner":
      await core.cases.handToPartner(ctx, number, { partnerId: v("partnerId"), note: values.note });
      break;
    case "case.assign":
      await core.cases.assign(ctx, number, { engineerId: v("engineerId") });
      break;
  }
  return { kind: "done", number };
}

/** The reply that cannot reopen a closed case becomes an offer of a new linked case. */
export function reopenOffer(message: string, number: string): cards.MessageCard {
  const offer = cards.buildNotice({ tone: "warning", title: "This case cannot be reopened", text: message });
  offer.blocks.push({ type: "actions", actions: [{ id: "case.newLinkedCase", label: "Open a new linked case", value: number, style: "primary" }] });
  return offer;
}
