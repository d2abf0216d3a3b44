import type { z } from "zod";
import * as cards from "../cards/index.ts";
import { buildHeldDecision } from "../cards/email-cards.ts";
import type { MessageCard } from "../cards/index.ts";
import type { Logger } from "../logger.ts";
import { escalationForm, infoForm, newCaseForm } from "./form-builders.ts";
import { caseForm, escalationFeedbackForm, type CaseFormId } from "./forms.ts";
import { homeFor } from "./home.ts";
import { browseCard } from "./knowledge.ts";
import { approveIdentity, declineIdentity } from "./channels.ts";
import type { Env, Outcome, Where } from "./outcome.ts";
import { buildSatisfactionCommentForm } from "../cards/satisfaction.ts";
import { buttonValue, caseNumber, caseScore, escalationRef, listPage } from "./values.ts";
import { readerFileLinks } from "./form-files.ts";

/**
 * Every card button, once: its value's schema, the core call, and the outcome. A
 * button's value (a case number, a page) is only a hint: the core checks the pressing
 * user's rights again on every call. `opensForm` buttons open a form at once (Slack: a
 * modal from the click's trigger; Teams: a dialog, so the renderer makes them dialog
 * openers); the others answer in the conversation.
 */
export interface Button<V = unknown> {
  value: z.ZodType<V, string>;
  opensForm?: true;
  press(env: Env, value: V, where: Where, logger: Logger): Promise<Outcome>;
}

/** Any entry of the table, whatever its value's type (the runner parses the value with the entry's own schema first). */
export interface AnyButton {
  value: z.ZodType<unknown, string>;
  opensForm?: true;
  press(env: Env, value: never, where: Where, logger: Logger): Promise<Outcome>;
}

/** Builds an entry; its value's type follows from its schema. */
const button = <V>(value: z.ZodType<V, string>, press: Button<V>["press"], options: { opensForm?: true } = {}): Button<V> => ({ value, press, ...options });
const reply = (...shown: MessageCard[]): Outcome => ({ kind: "reply", cards: shown });

const opensCaseForm = (id: CaseFormId) => button(caseNumber, async (env, number) => ({ kind: "form", form: await caseForm(env, id, number) }), { opensForm: true });

/** "This answered my question": counted for the article, and the filing (if one is open) ends. */
const THANKS = cards.buildConfirmation("Glad that helped", "No case was filed. If the problem comes back, file a new case any time.");

export const buttons = {
  // Forms over the card.
  "case.reply": opensCaseForm("case.reply"),
  // A reply is what reopens a closed case (within the reopen window).
  "case.reopen": opensCaseForm("case.reply"),
  "case.internalNote": opensCaseForm("case.internalNote"),
  "case.askCustomer": opensCaseForm("case.askCustomer"),
  "case.changeSeverity": opensCaseForm("case.changeSeverity"),
  "case.setPriority": opensCaseForm("case.setPriority"),
  "case.close": opensCaseForm("case.close"),
  "case.handToPartner": opensCaseForm("case.handToPartner"),
  "case.assign": opensCaseForm("case.assign"),
  "case.escalate": button(caseNumber, async (env, number) => ({ kind: "form", form: await escalationForm(env, number) }), { opensForm: true }),
  "case.new": button(buttonValue, async (env, _value, where) => ({ kind: "form", form: await newCaseForm(env, { channel: where.channel }) }), { opensForm: true }),
  "case.newLinkedCase": button(caseNumber, async (env, number, where) => ({ kind: "form", form: await newCaseForm(env, { channel: where.channel, linked: number }) }), { opensForm: true }),
  "severity.guide": button(buttonValue, async ({ core }) => ({ kind: "form", form: cards.buildSeverityGuide(core.catalog) }), { opensForm: true }),
  "case.revealCredentials": button(
    caseNumber,
    async ({ core, ctx }, number) => {
      const login = await core.cases.revealCredentials(ctx, number);
      // In a form only the staff member sees it: it is never posted into a conversation.
      const text = login ? `Username: ${login.username}\nPassword: ${login.password}` : "No test login is stored (none was given, or it was purged after closing).";
      return { kind: "form", form: infoForm(`Test login ${number}`, { surface: "message", summary: "", blocks: [{ type: "text", text }] }, "Done") };
    },
    { opensForm: true },
  ),

  // The survey on closing: the score is recorded at once (only the case's contact may), then a comment is offered.
  "satisfaction.rate": button(
    caseScore,
    async ({ core, ctx }, { number, score }) => {
      const rating = await core.satisfaction.rate(ctx, { case: number, score });
      return { kind: "form", form: buildSatisfactionCommentForm(rating.number, rating.score) };
    },
    { opensForm: true },
  ),

  "escalation.feedback": button(escalationRef, async (env, { number, escalationId }) => ({ kind: "form", form: await escalationFeedbackForm(env, number, escalationId) }), { opensForm: true }),

  // One-click changes: the card redraws in place.
  "case.recommendClose": button(caseNumber, async ({ core, ctx }, number) => {
    const view = await core.cases.recommendClose(ctx, number);
    return { kind: "redraw", view, notice: cards.buildConfirmation(`Closing recommended for case ${view.number}`, "Support will close the case. Reply in the thread if anything is still open.") };
  }),
  "case.take": button(caseNumber, async ({ core, ctx }, number) => ({ kind: "redraw", view: await core.cases.take(ctx, number) })),
  "case.setInProgress": button(caseNumber, async ({ core, ctx }, number) => ({ kind: "redraw", view: await core.cases.setStatus(ctx, number, { status: "IN_PROGRESS" }) })),
  // Held email (staff): the value is the held email's id; the core checks the presser is staff.
  "email.release": button(buttonValue, async ({ core, ctx }, id) => reply(buildHeldDecision(await core.email.inbound.release(ctx, { id })))),
  "email.discard": button(buttonValue, async ({ core, ctx }, id) => reply(buildHeldDecision(await core.email.inbound.discard(ctx, id)))),

  // Reading: answered to the one who pressed.
  // Shown to the presser alone: on Slack its files carry download links signed for them (readerFileLinks).
  "case.details": button(caseNumber, async ({ core, ctx }, number, where) =>
    reply(cards.buildCaseCard(await core.cases.get(ctx, number), core.catalog, { maxComments: 20, timeZone: where.timeZone, fileUrl: await readerFileLinks({ core, ctx }) })),
  ),
  "case.open": button(caseNumber, async ({ core, ctx }, number, where) => reply(cards.buildCaseCard(await core.cases.get(ctx, number), core.catalog, { timeZone: where.timeZone }))),
  "list.page": button(listPage, async ({ core, ctx }, { view, page }) => reply(cards.buildCaseList(await core.cases.list(ctx, { view, page }), view))),
  "home.refresh": button(buttonValue, async (env, _value, _where, logger) => ({ kind: "home", home: await homeFor(env, logger) })),
  "account.open": button(buttonValue, async ({ core, ctx }, id) => reply(cards.buildAccountCard(await core.directory.getAccount(ctx, id)))),
  "knowledge.open": button(buttonValue, async ({ core, ctx }, slug) => ({ kind: "reply", cards: [cards.buildArticleCard(await core.knowledge.get(ctx, slug))], title: "Article" })),
  "knowledge.browse": button(buttonValue, async (env, product) => reply(await browseCard(env, product))),
  "publication.open": button(buttonValue, async ({ core, ctx }, id) => reply(cards.buildPublicationCard(await core.publications.read(ctx, id)))),
  "knowledge.answered": button(buttonValue, async ({ core, ctx }, slug, where) => {
    await core.knowledge.answered(ctx, { slug, query: where.form?.values.subject ?? "" });
    return { kind: "done", text: "Glad that helped: no case was filed.", title: "Thanks", card: THANKS, endsFiling: Boolean(where.form) };
  }),
  // Staff decide a chat user's request to be confirmed as a contact (a support channel's verify).
  "identity.approve": button(buttonValue, async (env, claimId) => approveIdentity(env, claimId)),
  "identity.decline": button(buttonValue, async (env, claimId) => declineIdentity(env, claimId)),
  // Inside the new-case form: the subject brings knowledge suggestions, the product narrows the features. Every value is kept.
  "knowledge.suggest": button(buttonValue, async (env, _value, where) => {
    const open = where.form;
    if (!open || open.callbackId !== "case.new") return reply(cards.buildNotice({ title: "Not available", text: "Check for answers works inside the new-case form." }));
    const { state, values } = open;
    const kept = open.changed === "product" ? { ...values, feature: undefined } : values;
    return { kind: "form", update: true, form: await newCaseForm(env, { key: state.key, channel: state.channel, linked: state.linked, values: kept, suggest: true }) };
  }),
} satisfies Record<string, AnyButton>;

/** Every card button's id: a card can carry no other (CardAction.id is typed by this). */
export type ActionId = keyof typeof buttons;

// The table's keys are the ids cards may carry (cards/model.ts reads them from here).
declare module "../cards/model.ts" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the keys come from the extended record
  interface ButtonRegistry extends Record<keyof typeof buttons, true> {}
}
export const ACTION_IDS = Object.keys(buttons) as ActionId[];
export const isActionId = (id: string): id is ActionId => Object.hasOwn(buttons, id);
/** Whether a button opens a form (Teams renders it as a dialog opener). */
export const opensForm = (id: ActionId): boolean => (buttons[id] as AnyButton).opensForm === true;
