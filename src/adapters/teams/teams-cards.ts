import type { Attachment } from "botbuilder";
import * as cards from "../../cards/index.ts";
import type { AdaptiveCard } from "../../cards/render/adaptive.ts";
import { opensForm } from "../../interactions/index.ts";

/**
 * Cards as Teams gets them: the Adaptive Card renderer, told by the interactions' table
 * which buttons open a form (it draws those as dialog openers itself), and the shapes
 * Teams wants around a card: a message attachment, a dialog, an invoke's answer.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/task-modules/invoking-task-modules
 */
export const ADAPTIVE = "application/vnd.microsoft.card.adaptive";

export function teamsCard(card: cards.Card, options: { inlineForm?: boolean } = {}): AdaptiveCard {
  return cards.renderAdaptiveCard(card, { opensForm, inlineForm: options.inlineForm });
}

export function attachment(card: cards.Card, options: { inlineForm?: boolean } = {}): Attachment {
  return { contentType: ADAPTIVE, content: teamsCard(card, options) };
}

/** A dialog (task module) showing a form card. */
export function dialog(card: cards.FormCard) {
  return { task: { type: "continue" as const, value: { title: card.title, height: "large" as const, width: "large" as const, card: attachment(card) } } };
}

/** A dialog that shows a message card (an acknowledgement, an article, an error) with a Close button. */
export function infoDialog(title: string, card: cards.MessageCard) {
  return dialog({ surface: "form", callbackId: "done", title, submitLabel: "Close", state: {}, blocks: card.blocks });
}

/** A dialog that just says something and closes. */
export function dialogMessage(text: string) {
  return { task: { type: "message" as const, value: text } };
}

/** The answer to an Action.Execute: the card that replaces the one pressed. */
export function executeAnswer(card: cards.Card, options: { inlineForm?: boolean } = {}) {
  return { statusCode: 200, type: ADAPTIVE, value: teamsCard(card, options) as unknown as Record<string, unknown> };
}

/**
 * A message card as the answer to an invoke, in the shape its kind expects (a dialog for
 * task/* and the message action, a card for Action.Execute); undefined for any other invoke.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/task-modules/task-modules-bots
 */
export function invokeCardResponse(name: string | undefined, card: cards.MessageCard): { status: number; body: unknown } | undefined {
  switch (name) {
    case "task/fetch":
    case "task/submit":
    case "composeExtension/fetchTask":
    case "composeExtension/submitAction":
      return { status: 200, body: infoDialog("carebot", card) };
    case "adaptiveCard/action":
      return { status: 200, body: executeAnswer(card) };
    default:
      return undefined;
  }
}
