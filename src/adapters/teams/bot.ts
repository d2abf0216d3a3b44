import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type TaskModuleRequest,
  type TaskModuleResponse,
  type TurnContext,
} from "botbuilder";
import type { Core } from "../../core/index.ts";
import { createInteractions } from "../../interactions/index.ts";
import type { Logger } from "../../logger.ts";
import type { RateLimiter } from "../shared/rate-limit.ts";
import { rememberConversation } from "./conversation.ts";
import type { FileHostPolicy } from "./file-download.ts";
import { fetchDialog, messageActionDialog, submitDialog } from "./dialogs.ts";
import { execute } from "./execute.ts";
import { greetOnInstall, recordInstall, recordUninstall } from "./install.ts";
import { answerMessage } from "./messages.ts";
import { teamsUser } from "./identity.ts";
import type { ServiceUrlPolicy } from "./service-url.ts";
import { invokeCardResponse } from "./teams-cards.ts";
import type { TeamsDeps } from "./turn.ts";
import { refuseOverLimit } from "./turn-limits.ts";

/**
 * The Teams bot: routes each kind of activity to the file that carries it (messages.ts:
 * commands and thread replies; dialogs.ts: task/fetch and task/submit, and the message
 * action; execute.ts: Action.Execute; install.ts: installs and removals recorded per
 * tenant and conversation, the home card on install). What happens is decided once, in
 * src/interactions, for Slack and Teams alike.
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
export class CareBot extends TeamsActivityHandler {
  private readonly deps: TeamsDeps;
  private readonly limiter: RateLimiter;
  private readonly serviceUrls: ServiceUrlPolicy;

  constructor(options: { core: Core; logger: Logger; limiter: RateLimiter; serviceUrls: ServiceUrlPolicy; fileHosts: FileHostPolicy }) {
    super();
    const { core, logger, fileHosts } = options;
    this.deps = { core, logger, interactions: createInteractions(core, logger), fileHosts };
    this.limiter = options.limiter;
    this.serviceUrls = options.serviceUrls;
    this.onMessage(async (context, next) => {
      await answerMessage(this.deps, context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await recordInstall(this.deps, context, this.serviceUrls);
      await greetOnInstall(this.deps, context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await recordUninstall(this.deps, context);
      await next();
    });
  }

  /** Every turn: within the rate limits, the conversation remembered for proactive messages, then the activity. */
  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.type === "message" || a.type === "invoke") {
      const { tenantId, userId } = teamsUser(context);
      const verdict = this.limiter.take({ platform: "teams", tenant: tenantId, user: userId });
      if (!verdict.allowed) return refuseOverLimit(context, verdict, this.deps.logger);
    }
    await rememberConversation(this.deps.core, context, this.serviceUrls, this.deps.logger);
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
      const card = invokeCardResponse(context.activity.name, this.deps.interactions.refused(error).card);
      if (!card) throw error;
      return card;
    }
    return response.status === 501 ? { status: 400, body: { error: "carebot does not handle this kind of invoke." } } : response;
  }

  protected override handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    return fetchDialog(this.deps, context, request);
  }

  protected override handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    return submitDialog(this.deps, context, request?.data);
  }

  protected override onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    return execute(this.deps, context, invoke);
  }

  protected override handleTeamsMessagingExtensionFetchTask(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return messageActionDialog(this.deps, context, action);
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const response = await submitDialog(this.deps, context, (action as { data?: unknown } | undefined)?.data);
    return response.task?.type === "continue" ? { task: response.task } : {};
  }
}
