import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type TaskModuleRequest,
  type TaskModuleResponse,
} from "botbuilder";
import * as cards from "../../cards/index.ts";
import type { CaseOrigin } from "../../core/cases/schemas.ts";
import { isRetryable, toCaseError } from "../../core/errors.ts";
import type { FollowedThread } from "../../core/follow/threads.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { caseForm, escalationForm, newCaseForm } from "../shared/form-cards.ts";
import { reopenOffer, submitForm, type SubmissionSource } from "../shared/form-submissions.ts";
import { errorCard } from "../shared/error-card.ts";
import { browseCard } from "../shared/knowledge-cards.ts";
import type { RateLimiter } from "../shared/rate-limit.ts";
import { parseExecute, parseFetch, parseMessageAction, parseSubmitted, type Submitted } from "./activity.ts";
import { parseTeamsCommand, TEAMS_HELP, type TeamsCommand } from "./commands.ts";
import { deliveryIdOf, rememberConversation, threadOf } from "./conversation.ts";
import { formWithErrors } from "./form-errors.ts";
import { teamsCtx, teamsUser } from "./identity.ts";
import type { ServiceUrlPolicy } from "./service-url.ts";
import { attachment, dialog, dialogMessage, infoDialog, invokeCardResponse, teamsCard } from "./teams-cards.ts";
import { messageMayWrite, refuseOverLimit } from "./turn-limits.ts";

/**
 * The Teams bot: commands in personal chat and channels, dialogs for forms, card
 * buttons (Action.Execute) that update the card for everyone, replies in a followed
 * channel thread as comments, and the message action. It translates only; the core
 * decides and checks everything.
 *
 * An acknowledgement means stored: nothing is marked seen before the turn's effect.
 * What a message writes, and what the reply, internal note and escalation dialogs write,
 * is idempotent by the activity's id (a comment's external id and an escalation's
 * idempotency key are unique, checked in the write's own transaction; a filing has its
 * form's key; following a thread that already follows the case changes nothing), so a
 * redelivery stores nothing twice and answers as the first did, and a message whose turn
 * failed unexpectedly (or crashed) is answered 5xx and stored by Teams' next delivery.
 * The other staff dialogs (ask the customer, severity, priority, close, partner, assign)
 * have no such key in the core yet. A new case's card goes through the outbox. A
 * redelivered read-only command is simply answered again.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/conversation-messages
 */
const ADAPTIVE = "application/vnd.microsoft.card.adaptive";


export class CareBot extends TeamsActivityHandler {
  private readonly core: Core;
  private readonly logger: Logger;
  private readonly limiter: RateLimiter;
  private readonly serviceUrls: ServiceUrlPolicy;

  constructor(options: { core: Core; logger: Logger; limiter: RateLimiter; serviceUrls: ServiceUrlPolicy }) {
    super();
    ({ core: this.core, logger: this.logger, limiter: this.limiter, serviceUrls: this.serviceUrls } = options);
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  /** Every turn: within the rate limits, the conversation remembered for proactive messages, then the activity. */
  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.type === "message" || a.type === "invoke") {
      const { tenantId, userId } = teamsUser(context);
      const verdict = this.limiter.take({ platform: "teams", tenant: tenantId, user: userId });
      if (!verdict.allowed) return refuseOverLimit(context, verdict, this.logger);
    }
    await rememberConversation(this.core, context, this.serviceUrls, this.logger);
    await super.run(context);
  }

  /**
   * An invoke whose handler threw would leave no invoke response, and botbuilder then
   * answers 501 (CloudAdapterBase.processTurnResults: no INVOKE_RESPONSE_KEY in turnState).
   * The handlers answer refusals themselves; this is the net under them: the user gets
   * the error card in the shape the invoke expects. An invoke this bot has no handler
   * for, which botbuilder answers 501 (its handlers throw NotImplemented:
   * teamsActivityHandler.js onInvokeActivity), is the sender's request we do not take:
   * 400, not a server failure. botbuilder's 400 for a malformed Action.Execute passes.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    let response: InvokeResponse;
    try {
      response = await super.onInvokeActivity(context);
    } catch (error) {
      const card = invokeCardResponse(context.activity.name, this.errorCard(error));
      if (!card) throw error;
      return card;
    }
    return response.status === 501 ? { status: 400, body: { error: "carebot does not handle this kind of invoke." } } : response;
  }

  private async ctx(context: TurnContext): Promise<Ctx> {
    return teamsCtx(this.core, context);
  }

  private async say(context: TurnContext, card: cards.Card, inlineForm = false) {
    return context.sendActivity({ attachments: [attachment(card, { inlineForm })], summary: card.surface === "message" ? card.summary : undefined });
  }

  private errorCard(error: unknown): cards.MessageCard {
    return errorCard(error, this.logger).card;
  }

  /**
   * A message: a reply in a followed channel thread is a comment; anything else is a
   * command. A refusal is told and is the outcome; an unexpected failure of a message
   * that may write is thrown (the route answers 5xx, Teams delivers it again), since
   * nothing was stored and a 200 would lose it.
   */
  private async handleMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    const mayWrite = messageMayWrite(a);
    const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? "").trim();
    const { channelId, threadId } = threadOf(a.conversation.id);
    // The platform's id of this message: the same on every delivery of it, so what it writes is written once.
    const externalId = deliveryIdOf(a);
    let caseNumber: string | undefined;
    try {
      if (threadId && threadId !== a.id) {
        const thread = await this.core.threads.caseOfThread({ platform: "teams", channelId, threadId });
        if (thread) {
          caseNumber = thread.number;
          if (text) await this.commentInThread(context, thread, text, externalId);
          return;
        }
      }
      const parsed = parseTeamsCommand(text);
      if (parsed.verb === "reply") caseNumber = parsed.number;
      await this.command(context, parsed, externalId);
    } catch (error) {
      const failure = toCaseError(error);
      if (mayWrite && isRetryable(failure.code)) throw error;
      await this.say(context, failure.code === "REOPEN_WINDOW_PASSED" && caseNumber ? reopenOffer(failure.message, caseNumber) : this.errorCard(error));
    }
  }

  /** A reply in a followed thread; in a staff thread, "internal:" or "note:" makes it an internal note. */
  private async commentInThread(context: TurnContext, thread: FollowedThread, text: string, externalId: string | undefined): Promise<void> {
    const ctx = await this.ctx(context);
    const internal = thread.audience === "STAFF" && /^\s*(internal|note)\s*:/i.test(text);
    await this.core.cases.comment(ctx, thread.number, {
      body: internal ? text.replace(/^\s*(internal|note)\s*:\s*/i, "") : text,
      internal,
      externalId,
      originThread: { platform: "teams", channelId: thread.channelId, threadId: thread.threadId },
    });
  }

  private async command(context: TurnContext, parsed: TeamsCommand, externalId: string | undefined): Promise<void> {
    if (parsed.verb === "help") {
      await this.say(context, cards.buildNotice({ title: "carebot: what you can ask", text: TEAMS_HELP.replace(/\*\*/g, "") }));
      return;
    }
    const ctx = await this.ctx(context);
    switch (parsed.verb) {
      case "new": {
        const card = cards.buildNotice({ title: "File a new support case", text: "The form asks for what support needs to help you quickly." });
        card.blocks.push({ type: "actions", actions: [{ id: "case.new", label: "Open the new-case form", value: "new", style: "primary" }, { id: "severity.guide", label: "Which severity?", value: "guide" }] });
        await this.say(context, card);
        return;
      }
      case "list":
        await this.say(context, cards.buildCaseList(await this.core.cases.list(ctx, { view: parsed.view }), parsed.view));
        return;
      case "show":
        await this.say(context, cards.buildCaseCard(await this.core.cases.get(ctx, parsed.number), this.core.catalog, { maxComments: 10 }));
        return;
      case "escalate":
        await this.say(context, await escalationForm(this.core, ctx, parsed.number), true);
        return;
      case "reply": {
        const result = await this.core.cases.comment(ctx, parsed.number, { body: parsed.text, externalId });
        await this.say(context, cards.buildConfirmation(`Reply added to case ${result.case.number}`, result.reopened ? "Your reply reopened the case." : "Support will see it on the case."));
        return;
      }
      case "browse":
        await this.say(context, await browseCard(this.core, ctx, parsed.product));
        return;
      case "search":
        await this.say(context, cards.buildKnowledgeResults(parsed.words, await this.core.knowledge.search(ctx, { query: parsed.words })));
        await this.say(context, cards.buildSearchResults(await this.core.search(ctx, { query: parsed.words })));
        return;
      case "follow": {
        const view = await this.core.cases.get(ctx, parsed.number);
        await this.postFollowedCard(context, ctx, view.number);
        return;
      }
    }
  }

  /**
   * `follow N`: posts the case card into this conversation; in a channel its thread then
   * follows the case. Inline, since it files nothing: a follow lost to a crash is asked again.
   */
  private async postFollowedCard(context: TurnContext, ctx: Ctx, number: string): Promise<void> {
    const a = context.activity;
    const view = await this.core.cases.get(ctx, number, { recordRecent: false });
    const sent = await this.say(context, cards.buildCaseCard(view, this.core.catalog));
    if (a.conversation.conversationType !== "channel") return;
    const { channelId, threadId } = threadOf(a.conversation.id);
    // A post at the top of a channel starts a thread rooted at that post; inside a thread, the reply joins it.
    const root = threadId ?? a.id ?? sent?.id ?? "";
    const reference = { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: `${channelId};messageid=${root}` }, cardActivityId: sent?.id };
    await this.core.threads.follow(ctx, { case: view.number, platform: "teams", tenantId: teamsUser(context).tenantId, channelId, threadId: root, audience: "CUSTOMER", reference });
  }

  // Dialogs: task/fetch opens a form; task/submit submits it. What a button sends back is parsed first:
  // a value of the wrong type is a VALIDATION error shown in the dialog, never an unexpected failure.
  protected override async handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    try {
      const { action, value } = parseFetch(request);
      const ctx = await this.ctx(context);
      if (action === "case.new" || action === "case.newLinkedCase") {
        return dialog(await newCaseForm(this.core, ctx, { linked: action === "case.newLinkedCase" ? value : undefined }));
      }
      if (action === "case.escalate") return dialog(await escalationForm(this.core, ctx, value));
      if (action === "severity.guide") return dialog(cards.buildSeverityGuide(this.core.catalog));
      if (action === "case.revealCredentials") {
        const login = await this.core.cases.revealCredentials(ctx, value);
        // In a dialog only the staff member sees it; it is never posted into the conversation.
        const text = login ? `Username: ${login.username}\nPassword: ${login.password}` : "No test login is stored (none was given, or it was purged after closing).";
        return dialog({ surface: "form", callbackId: "done", title: `Test login ${value}`, submitLabel: "Done", state: {}, blocks: [{ type: "text", text }] });
      }
      const form = await caseForm(this.core, ctx, action, value);
      return form ? dialog(form) : dialogMessage("That button is not available any more.");
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
  }

  /**
   * Where a dialog was submitted from, and its delivery id (see SubmissionSource). The
   * origin's channelId is the conversation without its thread, the key run() remembers
   * the conversation under, so delivery finds the reference to post with; a dialog opened
   * from a card in a channel thread names that thread, and the case card joins it.
   */
  private submissionSource(context: TurnContext): SubmissionSource {
    const a = context.activity;
    const { tenantId, userId } = teamsUser(context);
    const { channelId, threadId } = threadOf(a.conversation.id);
    const deliveryId = deliveryIdOf(a);
    if (!tenantId || !userId) {
      // Nowhere to name: the case is still filed (and reaches triage); the user is told its number in the dialog.
      this.logger.warn({ conversationType: a.conversation.conversationType }, "teams dialog without a tenant or user id: the case card will not be posted");
      return { deliveryId };
    }
    const origin: CaseOrigin = { platform: "teams", tenantId, userId, channelId, ...(threadId ? { threadId } : {}) };
    return { origin, deliveryId };
  }

  protected override async handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    let submitted: Submitted;
    try {
      submitted = parseSubmitted(request?.data);
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
    const { callbackId, state, action, value, values } = submitted;
    if (action && action.startsWith("knowledge.")) return this.knowledgeInDialog(context, action, value, values, state);
    if (callbackId === "done") return dialogMessage("Done.");
    let ctx: Ctx;
    try {
      ctx = await this.ctx(context);
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
    try {
      // A new case's card is posted where the dialog was opened by the outbox (committed with the case, so a
      // crash after the filing delays the card and never loses it; a redelivered submit files nothing new).
      const outcome = await submitForm(this.core, ctx, callbackId, values, state, this.submissionSource(context));
      switch (outcome.kind) {
        case "filed":
          return dialogMessage(`Case ${outcome.result.case.number} was filed.`);
        case "escalated":
          return infoDialog("Escalation received", cards.buildEscalationAck(outcome.result, this.core.catalog));
        case "recommendation":
          return infoDialog("Severity", outcome.card);
        case "done":
          return dialogMessage("Done.");
      }
    } catch (error) {
      const failure = toCaseError(error);
      if (failure.code === "REOPEN_WINDOW_PASSED") return infoDialog("Case closed", reopenOffer(failure.message, state.case ?? ""));
      const again = await formWithErrors(this.core, ctx, { callbackId, values, state, failure }, this.logger);
      return again ? dialog(again) : infoDialog("carebot", this.errorCard(error));
    }
  }

  /** Knowledge while filing: suggestions for the subject, an article, "this answered my question" (which ends the filing). */
  private async knowledgeInDialog(context: TurnContext, action: string, value: string, values: cards.FormValues, state: Record<string, string>): Promise<TaskModuleResponse> {
    try {
      const ctx = await this.ctx(context);
      switch (action) {
        case "knowledge.suggest":
          return dialog(await newCaseForm(this.core, ctx, { key: state.key, linked: state.linked, values, suggest: true }));
        case "knowledge.open": {
          const article = cards.buildArticleCard(await this.core.knowledge.get(ctx, value));
          return infoDialog("Article", article);
        }
        case "knowledge.answered":
          await this.core.knowledge.answered(ctx, { slug: value, query: values.subject ?? "" });
          return dialogMessage("Glad that helped: no case was filed.");
        default:
          return dialogMessage("That button is not available any more.");
      }
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
  }

  // Card buttons (Action.Execute): the answer replaces the card for everyone in the conversation.
  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const card = (c: cards.Card, inlineForm = false): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: ADAPTIVE, value: teamsCard(c, { inlineForm }) as unknown as Record<string, unknown> });
    let verb: string;
    let data: Submitted;
    let ctx: Ctx;
    try {
      ({ verb, data } = parseExecute(invoke.action));
      ctx = await this.ctx(context);
    } catch (error) {
      return card(this.errorCard(error));
    }
    const number = data.value;
    try {
      switch (verb) {
        case "form.submit": {
          const { callbackId, state, values } = data;
          try {
            const outcome = await submitForm(this.core, ctx, callbackId, values, state, { deliveryId: deliveryIdOf(context.activity) });
            if (outcome.kind === "escalated") return card(cards.buildEscalationAck(outcome.result, this.core.catalog));
            if (outcome.kind === "recommendation") return card(outcome.card);
            if (outcome.kind === "filed") return card(cards.buildCaseCard(outcome.result.case, this.core.catalog));
            return card(cards.buildCaseCard(await this.core.cases.get(ctx, outcome.number, { recordRecent: false }), this.core.catalog));
          } catch (error) {
            const failure = toCaseError(error);
            const again = failure.code === "VALIDATION" ? await formWithErrors(this.core, ctx, { callbackId, values, state, failure }, this.logger) : undefined;
            return again ? card(again, true) : card(this.errorCard(error));
          }
        }
        case "case.recommendClose":
          return card(cards.buildCaseCard(await this.core.cases.recommendClose(ctx, number), this.core.catalog));
        case "case.take":
          return card(cards.buildTriageCard(await this.core.cases.take(ctx, number), this.core.catalog));
        case "case.setInProgress":
          return card(cards.buildTriageCard(await this.core.cases.setStatus(ctx, number, { status: "IN_PROGRESS" }), this.core.catalog));
        case "case.details":
        case "case.open":
          return card(cards.buildCaseCard(await this.core.cases.get(ctx, number), this.core.catalog, { maxComments: verb === "case.details" ? 20 : 5 }));
        case "knowledge.open":
          return card(cards.buildArticleCard(await this.core.knowledge.get(ctx, number)));
        case "knowledge.browse":
          return card(await browseCard(this.core, ctx, number));
        case "publication.open":
          return card(cards.buildPublicationCard(await this.core.publications.read(ctx, number)));
        case "knowledge.answered":
          await this.core.knowledge.answered(ctx, { slug: number, query: "" });
          return card(cards.buildConfirmation("Glad that helped", "No case was filed. Type new case any time if the problem comes back."));
        case "list.page": {
          const [view = "open", page = "1"] = number.split(":");
          return card(cards.buildCaseList(await this.core.cases.list(ctx, { view, page: Number(page) }), view as "open"));
        }
        default:
          return card(cards.buildNotice({ title: "Not available", text: "That button is not available any more. Type help for what you can do." }));
      }
    } catch (error) {
      return card(this.errorCard(error));
    }
  }

  // The message action "Open a support case": a dialog with the message in the description.
  protected override async handleTeamsMessagingExtensionFetchTask(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    try {
      const { text, link } = parseMessageAction(action);
      const ctx = await this.ctx(context);
      const form = await newCaseForm(this.core, ctx, { subject: text.slice(0, 200), description: `${text}${link ? `\n\nFrom the message: ${link}` : ""}` });
      return dialog(form);
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const response = await this.handleTeamsTaskModuleSubmit(context, { data: (action as { data?: unknown } | undefined)?.data });
    return response.task?.type === "continue" ? { task: response.task } : {};
  }
}
