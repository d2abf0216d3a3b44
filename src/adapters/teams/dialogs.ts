import type { TaskModuleRequest, TaskModuleResponse, TurnContext } from "botbuilder";
import type { CaseOrigin } from "../../core/cases/schemas.ts";
import { newCaseForm, type Outcome, type SubmissionSource } from "../../interactions/index.ts";
import { parseFetch, parseMessageAction, parseSubmitted } from "./activity.ts";
import { deliveryIdOf, threadOf } from "./conversation.ts";
import { teamsCtx, teamsUser } from "./identity.ts";
import { dialog, dialogMessage, infoDialog } from "./teams-cards.ts";
import type { TeamsDeps } from "./turn.ts";

/**
 * Dialogs: task/fetch opens the form a button opens; task/submit submits the form, or
 * presses a button inside it (knowledge while filing). What a button sends back is
 * parsed first (activity.ts): a value of the wrong type is a VALIDATION error shown in
 * the dialog, never an unexpected failure.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/task-modules/task-modules-bots
 */

/** An outcome as what a dialog shows next. */
async function inDialog(outcome: Outcome): Promise<TaskModuleResponse> {
  switch (outcome.kind) {
    case "form":
      return dialog(outcome.form);
    case "reply":
      return outcome.cards[0] ? infoDialog(outcome.title ?? "carebot", outcome.cards[0]) : dialogMessage("Done.");
    case "done":
      // The filing ends with a word; anything to read (an acknowledgement, a recommendation) is shown.
      return outcome.card && !outcome.endsFiling ? infoDialog(outcome.title ?? "carebot", outcome.card) : dialogMessage(outcome.text);
    case "refused": {
      const again = await outcome.again?.();
      return again ? dialog(again) : infoDialog("carebot", outcome.card);
    }
    case "home":
      return infoDialog("carebot", { surface: "message", summary: "Home", blocks: outcome.home.blocks });
    case "redraw":
    case "follow":
      // No button that opens a dialog changes a case or follows one; nothing to show but that it is done.
      return dialogMessage("Done.");
  }
}

export async function fetchDialog(deps: TeamsDeps, context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
  let pressed;
  try {
    pressed = parseFetch(request);
  } catch (error) {
    return inDialog(deps.interactions.refused(error));
  }
  const { channelId } = threadOf(context.activity.conversation.id);
  return inDialog(await deps.interactions.press(teamsCtx(deps.core, context), pressed.action, pressed.value, { channel: channelId }));
}

/**
 * Where a dialog was submitted from, and its delivery id (see SubmissionSource). The
 * origin's channelId is the conversation without its thread, the key run() remembers
 * the conversation under, so delivery finds the reference to post with; a dialog opened
 * from a card in a channel thread names that thread, and the case card joins it.
 */
function submissionSource(deps: TeamsDeps, context: TurnContext): SubmissionSource {
  const a = context.activity;
  const { tenantId, userId } = teamsUser(context);
  const { channelId, threadId } = threadOf(a.conversation.id);
  const deliveryId = deliveryIdOf(a);
  if (!tenantId || !userId) {
    // Nowhere to name: the case is still filed (and reaches triage); the user is told its number in the dialog.
    deps.logger.warn({ conversationType: a.conversation.conversationType }, "teams dialog without a tenant or user id: the case card will not be posted");
    return { deliveryId };
  }
  const origin: CaseOrigin = { platform: "teams", tenantId, userId, channelId, ...(threadId ? { threadId } : {}) };
  return { origin, deliveryId };
}

export async function submitDialog(deps: TeamsDeps, context: TurnContext, data: unknown): Promise<TaskModuleResponse> {
  let submitted;
  try {
    submitted = parseSubmitted(data);
  } catch (error) {
    return inDialog(deps.interactions.refused(error));
  }
  const { callbackId, state, action, value, values } = submitted;
  const ctx = teamsCtx(deps.core, context);
  // A button inside the dialog (knowledge while filing) answers in the dialog, with the form as it was.
  if (action) return inDialog(await deps.interactions.press(ctx, action, value, { form: { callbackId, values, state } }));
  // A new case's card is posted where the dialog was opened by the outbox (committed with the case, so a
  // crash after the filing delays the card and never loses it; a redelivered submit files nothing new).
  return inDialog(await deps.interactions.submit(ctx, callbackId, values, state, submissionSource(deps, context)));
}

/** The message action "Open a support case": a dialog with the message in the description. */
export async function messageActionDialog(deps: TeamsDeps, context: TurnContext, action: unknown): Promise<TaskModuleResponse> {
  try {
    const { text, link } = parseMessageAction(action);
    const form = await newCaseForm({ core: deps.core, ctx: teamsCtx(deps.core, context) }, { subject: text.slice(0, 200), description: `${text}${link ? `\n\nFrom the message: ${link}` : ""}` });
    return dialog(form);
  } catch (error) {
    return inDialog(deps.interactions.refused(error));
  }
}
