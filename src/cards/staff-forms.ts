import type { Catalog } from "../core/catalog.ts";
import type { FormCard, FormId, InputModel } from "./model.ts";

/**
 * Small forms on one case: reply, internal note, ask the customer, change severity,
 * set priority, close, hand to a partner, assign. Each carries the case number in its
 * state; the core re-checks the actor and the case on submit.
 */
interface Values {
  values?: Record<string, string | undefined>;
  errors?: Record<string, string>;
}

function form(callbackId: FormId, title: string, submitLabel: string, number: string, inputs: InputModel[], intro?: string): FormCard {
  return {
    surface: "form",
    callbackId,
    title,
    submitLabel,
    state: { case: number },
    blocks: [...(intro ? [{ type: "text" as const, text: intro }] : []), ...inputs.map((input) => ({ type: "input" as const, input }))],
  };
}

const withValue = (input: InputModel, v: Values): InputModel => ({ ...input, value: v.values?.[input.id], error: v.errors?.[input.id] });

export function buildReplyForm(number: string, v: Values = {}): FormCard {
  return form("case.reply", `Reply to ${number}`, "Send", number, [
    withValue({ id: "body", label: "Your reply", kind: "textarea", required: true, maxLength: 3000 }, v),
    { id: "files", label: "Files", kind: "file", required: false, maxFiles: 10, error: v.errors?.files },
  ]);
}

export function buildInternalNoteForm(number: string, v: Values = {}): FormCard {
  return form("case.internalNote", `Note on ${number}`, "Add note", number, [withValue({ id: "body", label: "Internal note", kind: "textarea", required: true, maxLength: 3000, hint: "Only support staff see internal notes." }, v)]);
}

export function buildAskCustomerForm(number: string, v: Values = {}): FormCard {
  return form("case.askCustomer", `Ask on ${number}`, "Send", number, [withValue({ id: "body", label: "What do you need from the customer?", kind: "textarea", required: true, maxLength: 3000 }, v)], "The case moves to Pending Your Response; the customer is reminded after 5 days and it closes after 10 without a reply.");
}

const severityOptions = (catalog: Catalog) => (["S1", "S2", "S3", "S4"] as const).map((s) => ({ value: s, label: `${s} ${catalog.severities[s].name}` }));

export function buildChangeSeverityForm(number: string, catalog: Catalog, v: Values = {}): FormCard {
  return form("case.changeSeverity", `Severity of ${number}`, "Change", number, [
    withValue({ id: "severity", label: "New severity", kind: "radio", required: true, options: severityOptions(catalog) }, v),
    withValue({ id: "reason", label: "Reason (the customer sees it)", kind: "textarea", required: true, maxLength: 2000 }, v),
  ]);
}

export function buildSetPriorityForm(number: string, catalog: Catalog, v: Values = {}): FormCard {
  return form("case.setPriority", `Priority of ${number}`, "Set", number, [
    withValue({ id: "priority", label: "Internal priority", kind: "select", required: true, options: [{ value: "same", label: "Same as severity" }, ...severityOptions(catalog)] }, v),
  ], "Priority is internal; customers never see it.");
}

export function buildCloseForm(number: string, catalog: Catalog, v: Values = {}): FormCard {
  return form("case.close", `Close ${number}`, "Close case", number, [
    withValue({ id: "reason", label: "Reason", kind: "select", required: true, options: Object.entries(catalog.closeReasons).map(([value, r]) => ({ value, label: r.label })) }, v),
    withValue({ id: "duplicateOf", label: "Duplicate of case number", kind: "text", required: false, maxLength: 10, hint: "Only when the reason is Duplicate." }, v),
    withValue({ id: "note", label: "Note to the customer", kind: "textarea", required: false, maxLength: 3000 }, v),
  ]);
}

export function buildHandToPartnerForm(number: string, partners: { id: string; name: string }[], v: Values = {}): FormCard {
  return form("case.handToPartner", `Partner for ${number}`, "Hand over", number, [
    withValue({ id: "partnerId", label: "Certified partner", kind: "select", required: true, options: partners.map((p) => ({ value: p.id, label: p.name })) }, v),
    withValue({ id: "note", label: "Note for the partner", kind: "textarea", required: false, maxLength: 3000 }, v),
  ], "The partner's support channel gets the case; the customer keeps this one thread.");
}

export function buildAssignForm(number: string, staff: { id: string; name: string }[], v: Values = {}): FormCard {
  return form("case.assign", `Assign ${number}`, "Assign", number, [
    withValue({ id: "engineerId", label: "Engineer", kind: "select", required: true, options: staff.map((s) => ({ value: s.id, label: s.name })) }, v),
  ]);
}
