import { randomUUID } from "node:crypto";
import * as cards from "../../cards/index.ts";
import type { FormCard } from "../../cards/index.ts";
import type { Core, Ctx } from "../../core/index.ts";

/**
 * The forms each adapter shows (Slack as modals, Teams as dialogs), built from the core's
 * data. A form about a case is built only after the core says this user may see the
 * case: one the user may not see is refused exactly like one that does not exist
 * (NOT_FOUND, "No case with that number is visible to you."), before anything of it is shown.
 */
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
  if (options.linked) await requireVisibleCase(core, ctx, options.linked);
  const { accounts, contacts, me } = await core.cases.filingChoices(ctx);
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
  // The core's escalation context is itself the check: it loads the case through the permission check (NOT_FOUND when not visible).
  const context = await core.cases.escalationContext(ctx, number);
  return cards.buildEscalationForm({ context, catalog: core.catalog, values, errors });
}

/** Throws NOT_FOUND unless this user may see the case; records no recent view (opening a form is not viewing the case). */
async function requireVisibleCase(core: Core, ctx: Ctx, number: string): Promise<void> {
  await core.cases.assertVisible(ctx, number);
}

const CASE_FORMS = new Set(["case.reply", "case.reopen", "case.internalNote", "case.askCustomer", "case.changeSeverity", "case.setPriority", "case.close", "case.handToPartner", "case.assign"]);

/** The small per-case forms, by the action that opens them; undefined for an action that opens none. */
export async function caseForm(core: Core, ctx: Ctx, action: string, number: string): Promise<FormCard | undefined> {
  if (!CASE_FORMS.has(action)) return undefined;
  await requireVisibleCase(core, ctx, number);
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
