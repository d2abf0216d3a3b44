import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type TaskModuleRequest,
  type TaskModuleResponse,
} from "botbuilder";
import * as cards from "../../cards/index.ts";
import { toCaseError } from "../../core/errors.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { caseForm, escalationForm, newCaseForm } from "../shared/form-cards.ts";
import { FORM_INPUTS, reopenOffer, submitForm } from "../shared/form-submissions.ts";
import { errorCard } from "../shared/error-card.ts";
import { browseCard } from "../shared/knowledge-cards.ts";
import { parseTeamsCommand, TEAMS_HELP } from "./commands.ts";
import { teamsCtx, teamsUser } from "./identity.ts";
import { attachment, dialog, dialogMessage, infoDialog, teamsCard } from "./teams-cards.ts";

/**
 * The Teams bot: commands in personal chat and channels, dialogs for forms, card
 * buttons (Action.Execute) that update the card for everyone, replies in a followed
 * channel thread as comments, and the message action. It translates only; the core
 * decides and checks everything.
 */
const ADAPTIVE = "application/vnd.microsoft.card.adaptive";

/** A channel thread's parts: "19:…@thread.tacv2;messageid=123" is thread 123 of channel "19:…". */
export function threadOf(conversationId: string): { channelId: string; threadId?: string } {
  const [channelId = conversationId, rest] = conversationId.split(";messageid=");
  return { channelId, threadId: rest };
}

export class CareBot extends TeamsActivityHandler {
  constructor(
    private readonly core: Core,
    private readonly logger: Logger,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  /** Every turn: a repeated activity (Teams re-sends after 15 s) has one effect; the conversation is remembered for later. */
  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.id && (a.type === "message" || a.type === "invoke")) {
      const first = await this.core.firstDelivery("teams", `${a.conversation?.id ?? ""}|${a.id}`);
      if (!first) {
        if (a.type === "invoke") await context.sendActivity({ type: "invokeResponse", value: { status: 200, body: {} } });
        return;
      }
    }
    if (a.conversation?.id) {
      const { tenantId, userId } = teamsUser(context);
      const personal = a.conversation.conversationType === "personal";
      await this.core.threads.rememberConversation({
        platform: "teams",
        conversationId: threadOf(a.conversation.id).channelId,
        tenantId,
        userId: personal ? userId : undefined,
        reference: { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: threadOf(a.conversation.id).channelId } } as Record<string, unknown>,
      });
    }
    await super.run(context);
  }

  private ctx(context: TurnContext): Promise<Ctx> {
    return teamsCtx(this.core, context);
  }

  private async say(context: TurnContext, card: cards.Card, inlineForm = false) {
    return context.sendActivity({ attachments: [attachment(card, { inlineForm })], summary: card.surface === "message" ? card.summary : undefined });
  }

  private async tellError(context: TurnContext, error: unknown) {
    await this.say(context, this.errorCard(error));
  }

  private errorCard(error: unknown): cards.MessageCard {
    return errorCard(error, this.logger).card;
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? "").trim();
    const { channelId, threadId } = threadOf(a.conversation.id);
    try {
      // A reply in a channel thread that follows a case becomes a comment.
      if (threadId && threadId !== a.id) {
        const thread = await this.core.threads.caseOfThread({ platform: "teams", channelId, threadId });
        if (thread) {
          if (!text) return;
          const ctx = await this.ctx(context);
          const internal = thread.audience === "STAFF" && /^\s*(internal|note)\s*:/i.test(text);
          try {
            await this.core.cases.comment(ctx, thread.number, {
              body: internal ? text.replace(/^\s*(internal|note)\s*:\s*/i, "") : text,
              internal,
              externalId: `${a.conversation.id}|${a.id}`,
              originThread: { platform: "teams", channelId, threadId },
            });
          } catch (error) {
            const failure = toCaseError(error);
            await this.say(context, failure.code === "REOPEN_WINDOW_PASSED" ? reopenOffer(failure.message, thread.number) : this.errorCard(error));
          }
          return;
        }
      }
      await this.command(context, text);
    } catch (error) {
      await this.tellError(context, error);
    }
  }

  private async command(context: TurnContext, text: string): Promise<void> {
    const parsed = parseTeamsCommand(text);
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
        const result = await this.core.cases.comment(ctx, parsed.number, { body: parsed.text });
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

  /** Posts the case card into this conversation; in a channel its thread then follows the case. */
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

  // Dialogs: task/fetch opens a form; task/submit submits it.
  protected override async handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const data = (request.data ?? {}) as { action?: string; value?: string };
    try {
      const ctx = await this.ctx(context);
      const action = data.action ?? "";
      if (action === "case.new" || action === "case.newLinkedCase") {
        return dialog(await newCaseForm(this.core, ctx, { linked: action === "case.newLinkedCase" ? data.value : undefined }));
      }
      if (action === "case.escalate") return dialog(await escalationForm(this.core, ctx, data.value ?? ""));
      if (action === "severity.guide") return dialog(cards.buildSeverityGuide(this.core.catalog));
      if (action === "case.revealCredentials") {
        const login = await this.core.cases.revealCredentials(ctx, data.value ?? "");
        // In a dialog only the staff member sees it; it is never posted into the conversation.
        const text = login ? `Username: ${login.username}\nPassword: ${login.password}` : "No test login is stored (none was given, or it was purged after closing).";
        return dialog({ surface: "form", callbackId: "done", title: `Test login ${data.value ?? ""}`, submitLabel: "Done", state: {}, blocks: [{ type: "text", text }] });
      }
      const form = await caseForm(this.core, ctx, action, data.value ?? "");
      return form ? dialog(form) : dialogMessage("That button is not available any more.");
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
  }

  protected override async handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const { callbackId = "", state = {}, action, value, ...values } = (request.data ?? {}) as { callbackId?: string; state?: Record<string, string>; action?: string; value?: string } & Record<string, string>;
    if (action && action.startsWith("knowledge.")) return this.knowledgeInDialog(context, action, value ?? "", values, state);
    if (callbackId === "done") return dialogMessage("Done.");
    let ctx: Ctx;
    try {
      ctx = await this.ctx(context);
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
    try {
      const outcome = await submitForm(this.core, ctx, callbackId, values, state);
      switch (outcome.kind) {
        case "filed":
          if (outcome.result.created) await this.postFollowedCard(context, ctx, outcome.result.case.number);
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
      const again = await this.formWithErrors(ctx, callbackId, values, state, failure);
      return again ? dialog(again) : infoDialog("carebot", this.errorCard(error));
    }
  }

  /** Knowledge while filing: suggestions for the subject, an article, "this answered my question" (which ends the filing). */
  private async knowledgeInDialog(context: TurnContext, action: string, value: string, values: Record<string, string>, state: Record<string, string>): Promise<TaskModuleResponse> {
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

  /** The form again, with every value the user entered (never a password) and each field's error. */
  private async formWithErrors(ctx: Ctx, callbackId: string, values: Record<string, string>, state: Record<string, string>, failure: ReturnType<typeof toCaseError>): Promise<cards.FormCard | undefined> {
    const inputs = FORM_INPUTS[callbackId];
    if (!inputs) return undefined;
    const errors = cards.formErrors(failure, inputs, inputs[0]!);
    if (callbackId === "case.new") return newCaseForm(this.core, ctx, { key: state.key, linked: state.linked, values, errors });
    if (callbackId === "case.escalate") return escalationForm(this.core, ctx, state.case ?? "", values, errors);
    const form = await caseForm(this.core, ctx, callbackId, state.case ?? "");
    if (!form) return undefined;
    for (const block of form.blocks) if (block.type === "input") Object.assign(block.input, { value: block.input.kind === "secret" ? undefined : values[block.input.id], error: errors[block.input.id] });
    return form;
  }

  // Card buttons (Action.Execute): the answer replaces the card for everyone in the conversation.
  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invoke.action.verb ?? "";
    const data = (invoke.action.data ?? {}) as { value?: string; callbackId?: string; state?: Record<string, string> } & Record<string, string>;
    const card = (c: cards.Card, inlineForm = false): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: ADAPTIVE, value: teamsCard(c, { inlineForm }) as unknown as Record<string, unknown> });
    let ctx: Ctx;
    try {
      ctx = await this.ctx(context);
    } catch (error) {
      return card(this.errorCard(error));
    }
    const number = data.value ?? "";
    try {
      switch (verb) {
        case "form.submit": {
          const { callbackId = "", state = {}, ...values } = data;
          try {
            const outcome = await submitForm(this.core, ctx, callbackId, values, state);
            if (outcome.kind === "escalated") return card(cards.buildEscalationAck(outcome.result, this.core.catalog));
            if (outcome.kind === "recommendation") return card(outcome.card);
            if (outcome.kind === "filed") return card(cards.buildCaseCard(outcome.result.case, this.core.catalog));
            return card(cards.buildCaseCard(await this.core.cases.get(ctx, outcome.number, { recordRecent: false }), this.core.catalog));
          } catch (error) {
            const failure = toCaseError(error);
            const again = failure.code === "VALIDATION" ? await this.formWithErrors(ctx, callbackId, values, state, failure) : undefined;
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
    const message = action.messagePayload;
    const text = (message?.body?.content ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    const link = message?.linkToMessage ?? "";
    try {
      const ctx = await this.ctx(context);
      const form = await newCaseForm(this.core, ctx, { subject: text.slice(0, 200), description: `${text}${link ? `\n\nFrom the message: ${link}` : ""}` });
      return dialog(form);
    } catch (error) {
      return infoDialog("carebot", this.errorCard(error));
    }
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const response = await this.handleTeamsTaskModuleSubmit(context, { data: action.data });
    return response.task?.type === "continue" ? { task: response.task } : {};
  }
}
