import { randomUUID } from "node:crypto";
import * as cards from "../cards/index.ts";
import type { FormCard, FormValues } from "../cards/index.ts";
import type { Env } from "./outcome.ts";

/**
 * Forms built from the core's data. A form about a case is built only after the core
 * says this user may see the case: one the user may not see is refused exactly like one
 * that does not exist (NOT_FOUND), before anything of it is shown.
 */
export interface NewCaseOptions {
  channel?: string;
  subject?: string;
  description?: string;
  linked?: string;
  values?: FormValues;
  errors?: Record<string, string>;
  key?: string;
  /** Offer knowledge articles that match the subject typed so far. */
  suggest?: boolean;
}

export async function newCaseForm({ core, ctx }: Env, options: NewCaseOptions): Promise<FormCard> {
  if (options.linked) await core.cases.assertVisible(ctx, options.linked);
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

export async function escalationForm({ core, ctx }: Env, number: string, values?: FormValues, errors?: Record<string, string>): Promise<FormCard> {
  // The core's escalation context is itself the check: it loads the case through the permission check (NOT_FOUND when not visible).
  const context = await core.cases.escalationContext(ctx, number);
  return cards.buildEscalationForm({ context, catalog: core.catalog, values: { reason: values?.reason, description: values?.description }, errors });
}

/** A form that only shows something (a test login, an article) and closes. */
export function infoForm(title: string, card: cards.MessageCard, submitLabel = "Close"): FormCard {
  return { surface: "form", callbackId: "done", title, submitLabel, state: {}, blocks: card.blocks };
}
