import type { Catalog } from "../core/catalog.ts";
import type { EscalationContext, EscalationResult } from "../core/cases/customer-actions.ts";
import type { EscalationView } from "../core/cases/presenter.ts";
import type { FormCard, MessageCard } from "./model.ts";
import { formatPromiseTime, promiseTimeZone } from "./service-levels.ts";

/** The escalation form: six reasons with their help, the 250-character description, and the Management Attention warning. */
export function buildEscalationForm(input: {
  context: EscalationContext;
  catalog: Catalog;
  values?: { reason?: string; description?: string };
  errors?: Record<string, string>;
}): FormCard {
  const { context, catalog } = input;
  const max = context.descriptionMax;
  return {
    surface: "form",
    callbackId: "case.escalate",
    title: `Escalate ${context.number}`,
    submitLabel: "Escalate",
    state: { case: context.number },
    blocks: [
      { type: "text", text: "Escalate when you need faster handling or the impact grew. You get an acknowledgement at once saying when the next update comes." },
      {
        type: "input",
        input: {
          id: "reason",
          label: "Reason",
          kind: "radio",
          required: true,
          value: input.values?.reason,
          error: input.errors?.reason,
          options: Object.entries(catalog.escalationReasons).map(([value, r]) => ({ value, label: r.label, description: r.help })),
        },
      },
      ...(context.managementWarning ? [{ type: "text" as const, text: `Requesting Management Attention: ${context.managementWarning}`, tone: "warning" as const }] : []),
      {
        type: "input",
        input: {
          id: "description",
          label: "What do you need, and what changed?",
          kind: "textarea",
          required: true,
          maxLength: max,
          value: input.values?.description,
          error: input.errors?.description,
          hint: `At most ${max} characters, e.g. a new deadline or more users affected.`,
        },
      },
    ],
  };
}

/** The acknowledgement, with the promise's due time when the case carries one (the reader's zone when known, else the vendor's). */
export function buildEscalationAck(result: EscalationResult, catalog: Catalog, options: { timeZone?: string } = {}): MessageCard {
  const escalation = result.case.escalations.find((e) => e.id === result.escalationId);
  const reason = escalation ? escalation.reasonLabel : "";
  const by = result.case.promise ? `, by ${formatPromiseTime(result.case.promise.nextUpdateBy, promiseTimeZone(catalog, options.timeZone ?? result.case.promise.timeZone))}` : "";
  return {
    surface: "message",
    summary: `Escalation of case ${result.case.number} received. Next update: ${result.acknowledgement}`,
    blocks: [
      { type: "heading", text: `Escalation received: case ${result.case.number}` },
      { type: "facts", facts: [
        { label: "Next update", value: `${result.acknowledgement}${by}` },
        { label: "Reason", value: reason || catalog.escalationReasons.CASE_UPDATE_NEEDED.label },
        { label: "Goes to", value: result.toManagement ? "Support management" : "The on-call support engineers" },
      ] },
      ...(result.warning ? [{ type: "text" as const, text: result.warning, tone: "warning" as const }] : []),
      { type: "context", text: "The update itself will follow on the case thread." },
      { type: "actions", actions: [{ id: "case.details", label: "Details", value: result.case.number }] },
    ],
  };
}

/** Support feedback on one escalation: written by staff, from the escalation on the triage card. */
export function buildEscalationFeedbackForm(
  input: { number: string; escalation: Pick<EscalationView, "id" | "reasonLabel" | "description" | "escalatedBy" | "supportFeedback"> },
  v: { values?: Record<string, string | undefined>; errors?: Record<string, string> } = {},
): FormCard {
  const { number, escalation } = input;
  return {
    surface: "form",
    callbackId: "escalation.feedback",
    title: `Feedback on ${number}`,
    submitLabel: "Save",
    state: { case: number, escalation: escalation.id },
    blocks: [
      { type: "labelled", label: `Escalated by ${escalation.escalatedBy.name}: ${escalation.reasonLabel}`, text: escalation.description },
      {
        type: "input",
        input: {
          id: "feedback",
          label: "Support feedback",
          kind: "textarea",
          required: true,
          maxLength: 5000,
          value: v.values?.feedback ?? escalation.supportFeedback ?? undefined,
          error: v.errors?.feedback,
          hint: "Only support staff write it; the customers' cards do not show it.",
        },
      },
    ],
  };
}
