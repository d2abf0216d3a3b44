import { randomUUID } from "node:crypto";
import * as cards from "../../cards/index.ts";
import type { FormCard } from "../../cards/index.ts";
import type { Core, Ctx } from "../../core/index.ts";

/** The forms each adapter shows (Slack as modals, Teams as dialogs), built from the core's data. */
export interface NewCaseOptions {
  channel?: string;
  subject?: string;
  description?: string;
  linked?: string;
  values?: Record<string, string | undefined>;
  errors?: Record<string, string>;
  key?: string;
  /** Offer knowledge articles that match the subject typed so far. */
  suggest?: boolean;
}

export async function newCaseForm(core: Core, ctx: Ctx, options: NewCaseOptions): Promise<FormCard> {
  const [accounts, contacts] = [await core.directory.fileableAccounts(ctx), await core.directory.fileableContacts(ctx)];
  const me = "personId" in ctx.actor ? ctx.actor.personId : undefined;
  const values = {
    accountId: accounts.length === 1 ? accounts[0]!.id : undefined,
    contactId: contacts.some((c) => c.id === me) ? me : undefined,
    subject: options.subject,
    description: options.description,
    ...cards.newCaseValues(options.values ?? {}),
  };
  const subject = values.subject?.trim() ?? "";
  const suggestions = options.suggest && subject.length >= 3 ? await core.knowledge.search(ctx, { query: subject, limit: 3 }) : undefined;
  return cards.buildNewCaseForm({
    suggestions,
    catalog: core.catalog,
    accounts: accounts.map((a) => ({ id: a.id, name: a.name })),
    contacts: contacts.map((c) => ({ id: c.id, name: c.name })),
    state: {
      key: options.key ?? randomUUID(),
      ...(options.channel ? { channel: options.channel } : {}),
      ...(options.linked ? { linked: options.linked } : {}),
    },
    values,
    errors: options.errors,
  });
}

export async function escalationForm(core: Core, ctx: Ctx, number: string, values?: { reason?: string; description?: string }, errors?: Record<string, string>): Promise<FormCard> {
  const context = await core.cases.escalationContext(ctx, number);
  return cards.buildEscalationForm({ context, catalog: core.catalog, values, errors });
}

/** The small per-case forms, by the action that opens them. */
export async function caseForm(core: Core, ctx: Ctx, action: string, number: string): Promise<FormCard | undefined> {
  switch (action) {
    case "case.reply":
    case "case.reopen":
      return cards.buildReplyForm(number);
    case "case.internalNote":
      return cards.buildInternalNoteForm(number);
    case "case.askCustomer":
      return cards.buildAskCustomerForm(number);
    case "case.changeSeverity":
      return cards.buildChangeSeverityForm(number, core.catalog);
    case "case.setPriority":
      return cards.buildSetPriorityForm(number, core.catalog);
    case "case.close":
      return cards.buildCloseForm(number, core.catalog);
    case "case.handToPartner":
      return cards.buildHandToPartnerForm(number, await core.directory.listPartners(ctx));
    case "case.assign":
      return cards.buildAssignForm(number, await core.directory.listStaff(ctx));
    default:
      return undefined;
  }
}
