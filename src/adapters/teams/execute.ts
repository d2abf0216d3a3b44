import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from "botbuilder";
import * as cards from "../../cards/index.ts";
import { redrawnCard, type Outcome } from "../../interactions/index.ts";
import { parseExecute } from "./activity.ts";
import { deliveryIdOf, threadOf } from "./conversation.ts";
import { teamsCtx } from "./identity.ts";
import { executeAnswer } from "./teams-cards.ts";
import type { TeamsDeps } from "./turn.ts";

/**
 * Card buttons (Action.Execute) and forms shown inline in a chat ("form.submit"): the
 * answer is the card that replaces the one pressed. A changed case is drawn for the
 * audience its thread follows it for, as Slack redraws it.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/overview
 */
export async function execute(deps: TeamsDeps, context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
  let parsed;
  try {
    parsed = parseExecute(invoke.action);
  } catch (error) {
    return executeAnswer(deps.interactions.refused(error).card);
  }
  const { verb, data } = parsed;
  const ctx = teamsCtx(deps.core, context);
  const { channelId, threadId } = threadOf(context.activity.conversation.id);
  const outcome =
    verb === "form.submit"
      ? await deps.interactions.submit(ctx, data.callbackId, data.values, data.state, { deliveryId: deliveryIdOf(context.activity) })
      : await deps.interactions.press(ctx, verb, data.value, { channel: channelId, timeZone: context.activity.localTimezone });
  return answer(deps, outcome, { channelId, threadId });
}

async function answer(deps: TeamsDeps, outcome: Outcome, where: { channelId: string; threadId?: string }): Promise<AdaptiveCardInvokeResponse> {
  switch (outcome.kind) {
    case "reply":
      return executeAnswer(outcome.cards[0] ?? cards.buildConfirmation("Done", ""));
    case "form":
      // A card cannot open a dialog from an Action.Execute: the form takes the card's place, submitting inline.
      return executeAnswer(outcome.form, { inlineForm: true });
    case "redraw": {
      const thread = where.threadId ? await deps.core.threads.caseOfThread({ platform: "teams", channelId: where.channelId, threadId: where.threadId }) : null;
      return executeAnswer(await redrawnCard(deps.core, outcome.view, thread));
    }
    case "home":
      return executeAnswer(outcome.home);
    case "follow":
      return executeAnswer(cards.buildCaseCard(outcome.view, deps.core.catalog));
    case "done":
      return executeAnswer(outcome.card ?? (await outcome.after?.()) ?? cards.buildConfirmation(outcome.text, ""));
    case "refused": {
      // Fields refused: the inline form again, with what was typed; anything else is said instead of the form.
      const again = outcome.failure.code === "VALIDATION" ? await outcome.again?.() : undefined;
      return again ? executeAnswer(again, { inlineForm: true }) : executeAnswer(outcome.card);
    }
  }
}
