import { z } from "zod";
import * as cards from "../cards/index.ts";
import type { FormCard, FormValues } from "../cards/index.ts";
import type { CaseOrigin } from "../core/cases/schemas.ts";
import { CaseError } from "../core/errors.ts";
import { escalationForm, newCaseForm } from "./form-builders.ts";
import { checkFormFiles, filesOfForm, requestFormFiles } from "./form-files.ts";
import type { Env, Outcome } from "./outcome.ts";
import { buildSatisfactionCommentForm, buildSatisfactionThanks } from "../cards/satisfaction.ts";
import { scoreSchema } from "../core/satisfaction/survey.ts";
import { caseNumber, parse } from "./values.ts";

/**
 * Every form, once: what its submission asks of the core and what the user sees
 * next. The same for Slack modals, Teams dialogs and Teams inline forms. Failures are
 * thrown as CaseErrors; the runner shows them on the form (see run.ts).
 */

/**
 * How a submission reached us. `origin` is where the form was opened (a Slack channel, a
 * Teams conversation): a filed case's card is posted there by the outbox, after the
 * filing commits. `deliveryId` is the platform's id of this submission, the same on
 * every delivery of it (Teams: conversation and activity id): what the form writes is
 * keyed by it in the write's own transaction (a reply's or note's external id, an
 * escalation's idempotency key), so a redelivery changes nothing and answers as the first
 * did. A new case has its own key in the form's state.
 */
type Filled = { values?: FormValues; errors?: Record<string, string> };

export interface SubmissionSource {
  origin?: CaseOrigin;
  deliveryId?: string;
}

export interface Submitted {
  values: FormValues;
  state: Record<string, string>;
}

export interface FormEntry {
  /** The inputs the core's field errors land on; anything else lands on the first. */
  inputs: readonly string[];
  /** Where an error about no input of this form is shown (default: the first input). */
  fallback?: string;
  submit(env: Env, form: Submitted, source: SubmissionSource): Promise<Outcome>;
  /** The form again, with what was typed and the errors; none for a form that only shows something. */
  again?(env: Env, form: Submitted, errors: Record<string, string>): Promise<FormCard>;
}

const caseOf = (state: Record<string, string>) => parse(caseNumber, state.case ?? "", "case");
const text = (values: FormValues, key: string) => values[key] ?? "";

/** Support feedback on one escalation of a case the user may see (the core lets only staff write it). */
export async function escalationFeedbackForm(env: Env, number: string, escalationId: string, filled: Filled = {}): Promise<FormCard> {
  const view = await env.core.cases.get(env.ctx, number, { recordRecent: false });
  const escalation = view.escalations.find((e) => e.id === escalationId);
  if (!escalation) throw new CaseError("NOT_FOUND", { field: "escalation", message: "That escalation is not on this case." });
  return cards.buildEscalationFeedbackForm({ number: view.number, escalation }, filled);
}

/** "Done", and for a form shown inline in a chat (Teams), the case card it becomes. */
function doneWithCase(env: Env, number: string): Outcome {
  return { kind: "done", text: "Done.", after: async () => cards.buildCaseCard(await env.core.cases.get(env.ctx, number, { recordRecent: false }), env.core.catalog) };
}

type Draw = (env: Env, number: string, filled: Filled) => FormCard | Promise<FormCard>;

/** A small form on one case: how it is drawn (empty, or again with what was typed and the errors), its inputs, and the core call. */
export interface CaseFormEntry extends FormEntry {
  draw: Draw;
}

function onCase({ draw, inputs, write }: { draw: Draw; inputs: readonly string[]; write: (env: Env, number: string, values: FormValues, source: SubmissionSource) => Promise<unknown> }): CaseFormEntry {
  return {
    inputs,
    draw,
    submit: async (env, { values, state }, source) => {
      const number = caseOf(state);
      await write(env, number, values, source);
      return doneWithCase(env, number);
    },
    // Drawn again only for a case the user may see: one they may not is "not found", like one that does not exist.
    again: async (env, { values, state }, errors) => {
      const number = caseOf(state);
      await env.core.cases.assertVisible(env.ctx, number);
      return draw(env, number, { values, errors });
    },
  };
}

export const forms = {
  "case.new": {
    inputs: cards.NEW_CASE_FIELDS,
    fallback: "subject",
    // A new case's card is posted where the form was opened, by the outbox (committed with the case).
    submit: async ({ core, ctx }, { values, state }, source) => {
      const files = filesOfForm(values.files);
      checkFormFiles({ core, ctx }, files);
      const { case: filed } = await core.cases.file(ctx, { ...cards.newCaseInput(values, state), ...(source.origin ? { origin: source.origin } : {}) });
      await requestFormFiles({ core, ctx }, filed.number, files, source);
      return { kind: "done", text: `Case ${filed.number} was filed.`, after: async () => cards.buildCaseCard(filed, core.catalog) };
    },
    again: (env, { values, state }, errors) => newCaseForm(env, { key: state.key, channel: state.channel, linked: state.linked, values, errors }),
  },
  "case.escalate": {
    inputs: ["reason", "description"],
    submit: async ({ core, ctx }, { values, state }, source) => {
      const result = await core.cases.escalate(ctx, caseOf(state), { ...cards.escalateInput(values), idempotencyKey: source.deliveryId });
      return { kind: "done", text: "Escalation received.", title: "Escalation received", card: cards.buildEscalationAck(result, core.catalog) };
    },
    again: (env, { values, state }, errors) => escalationForm(env, caseOf(state), values, errors),
  },
  "severity.guide": {
    inputs: [],
    submit: async ({ core }, { values }) => {
      const answers = parse(z.record(z.string().max(100), z.string().max(10).optional()), values, "answers");
      const yes = Object.fromEntries(Object.entries(answers).map(([k, x]) => [k, x === "yes"]));
      return { kind: "done", text: "Severity recommended.", title: "Severity", card: cards.buildSeverityRecommendation(core.catalog, yes) };
    },
  },
  "case.reply": onCase({
    draw: (_env, n, v) => cards.buildReplyForm(n, v),
    inputs: ["body", "files"],
    write: async ({ core, ctx }, n, v, source) => {
      const files = filesOfForm(v.files);
      checkFormFiles({ core, ctx }, files);
      const { comment } = await core.cases.comment(ctx, n, { body: text(v, "body"), externalId: source.deliveryId });
      await requestFormFiles({ core, ctx }, n, files, source, comment.id);
    },
  }),
  "case.internalNote": onCase({
    draw: (_env, n, v) => cards.buildInternalNoteForm(n, v),
    inputs: ["body"],
    write: ({ core, ctx }, n, v, source) => core.cases.comment(ctx, n, { body: text(v, "body"), internal: true, externalId: source.deliveryId }),
  }),
  "case.askCustomer": onCase({
    draw: (_env, n, v) => cards.buildAskCustomerForm(n, v),
    inputs: ["body"],
    write: ({ core, ctx }, n, v) => core.cases.askCustomer(ctx, n, { body: text(v, "body") }),
  }),
  "case.changeSeverity": onCase({
    draw: ({ core }, n, v) => cards.buildChangeSeverityForm(n, core.catalog, v),
    inputs: ["severity", "reason"],
    write: ({ core, ctx }, n, v) => core.cases.changeSeverity(ctx, n, { severity: text(v, "severity"), reason: text(v, "reason") }),
  }),
  "case.setPriority": onCase({
    draw: ({ core }, n, v) => cards.buildSetPriorityForm(n, core.catalog, v),
    inputs: ["priority"],
    write: ({ core, ctx }, n, v) => core.cases.setPriority(ctx, n, { priority: v.priority === "same" ? null : text(v, "priority") }),
  }),
  "case.close": onCase({
    draw: ({ core }, n, v) => cards.buildCloseForm(n, core.catalog, v),
    inputs: ["reason", "duplicateOf", "note"],
    // The reason is checked by the core against its closed list; the cast only names the type.
    write: ({ core, ctx }, n, v) => core.cases.close(ctx, n, { reason: text(v, "reason") as "OTHER", duplicateOf: v.duplicateOf, note: v.note }),
  }),
  "case.handToPartner": onCase({
    draw: async ({ core, ctx }, n, v) => cards.buildHandToPartnerForm(n, await core.directory.listPartners(ctx), v),
    inputs: ["partnerId", "note"],
    write: ({ core, ctx }, n, v) => core.cases.handToPartner(ctx, n, { partnerId: text(v, "partnerId"), note: v.note }),
  }),
  "case.assign": onCase({
    draw: async ({ core, ctx }, n, v) => cards.buildAssignForm(n, await core.directory.listStaff(ctx), v),
    inputs: ["engineerId"],
    write: ({ core, ctx }, n, v) => core.cases.assign(ctx, n, { engineerId: text(v, "engineerId") }),
  }),
  "escalation.feedback": {
    inputs: ["feedback"],
    submit: async (env, { values, state }) => {
      const number = caseOf(state);
      await env.core.cases.setEscalationFeedback(env.ctx, { escalationId: state.escalation ?? "", feedback: text(values, "feedback") });
      return { ...doneWithCase(env, number), text: "Feedback saved." };
    },
    again: (env, { values, state }, errors) => escalationFeedbackForm(env, caseOf(state), state.escalation ?? "", { values, errors }),
  },
  /** The comment after a satisfaction score: the same answer, updated (the core checks it is the case's contact). */
  "satisfaction.comment": {
    inputs: ["comment"],
    submit: async ({ core, ctx }, { values, state }) => {
      const rating = await core.satisfaction.rate(ctx, { case: caseOf(state), score: parse(scoreSchema, state.score ?? "", "score"), comment: text(values, "comment") });
      return { kind: "done", text: "Thank you for your feedback.", title: "Thank you", card: buildSatisfactionThanks(rating.number, rating.score) };
    },
    again: async (_env, { values, state }, errors) => buildSatisfactionCommentForm(caseOf(state), parse(scoreSchema, state.score ?? "", "score"), { values, errors }),
  },
  /** A form that only showed something (a test login, an article): closing it does nothing. */
  done: { inputs: [], submit: async () => ({ kind: "done", text: "Done." }) },
} satisfies Record<string, FormEntry>;

/** Every form's id: the closed list a FormCard's callbackId is typed by. */
export type FormId = keyof typeof forms;

// The table's keys are the forms a card may be (cards/model.ts reads them from here).
declare module "../cards/model.ts" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the keys come from the extended record
  interface FormRegistry extends Record<keyof typeof forms, true> {}
}

/** The forms on one case (each has `draw`). */
export type CaseFormId = { [K in FormId]: (typeof forms)[K] extends CaseFormEntry ? K : never }[FormId];

/** A case form, once the core says the user may see the case (one they may not see is "not found", before anything of it is shown). */
export async function caseForm(env: Env, id: CaseFormId, number: string): Promise<FormCard> {
  await env.core.cases.assertVisible(env.ctx, number);
  return (forms[id] as CaseFormEntry).draw(env, number, {});
}
export const FORM_IDS = Object.keys(forms) as FormId[];
export const isFormId = (id: string): id is FormId => Object.hasOwn(forms, id);
