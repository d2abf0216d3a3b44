import type { Attachment } from "botbuilder";
import * as cards from "../../cards/index.ts";
import type { AdaptiveCard, AdaptiveElement } from "../../cards/render/adaptive.ts";

/**
 * Teams specifics on top of the Adaptive Card renderer: buttons that open a form
 * become dialog openers (Action.Submit with msteams task/fetch), and a form shown
 * inline in a chat submits with Action.Execute ("form.submit") so the card updates
 * in place for everyone.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/task-modules/invoking-task-modules
 */
export const OPENS_A_DIALOG = new Set([
  "case.new", "case.reply", "case.reopen", "case.escalate", "case.newLinkedCase", "case.internalNote", "case.askCustomer",
  "case.changeSeverity", "case.setPriority", "case.close", "case.handToPartner", "case.assign", "case.revealCredentials", "severity.guide",
]);

function walk(elements: AdaptiveElement[] | undefined, fn: (action: AdaptiveElement) => AdaptiveElement): void {
  for (const element of elements ?? []) {
    if (Array.isArray(element.actions)) element.actions = (element.actions as AdaptiveElement[]).map(fn);
    for (const key of ["items", "columns"]) walk(element[key] as AdaptiveElement[] | undefined, fn);
  }
}

export function teamsCard(card: cards.Card, options: { inlineForm?: boolean } = {}): AdaptiveCard {
  const rendered = cards.renderAdaptiveCard(card);
  const convert = (action: AdaptiveElement): AdaptiveElement => {
    const data = action.data as { action?: string; value?: string } | undefined;
    const id = (action.verb as string | undefined) ?? data?.action;
    // In a dialog, "Check for answers" sends what was typed, and every button carries the form's state back.
    if (card.surface === "form" && action.type === "Action.Submit" && data?.action) {
      const { associatedInputs: _none, ...rest } = action;
      return id === "knowledge.suggest" ? { ...rest, data: { ...data, callbackId: card.callbackId, state: card.state } } : { ...action, data: { ...data, callbackId: card.callbackId, state: card.state } };
    }
    if (id && OPENS_A_DIALOG.has(id) && (action.type === "Action.Execute" || action.type === "Action.Submit")) {
      return { type: "Action.Submit", title: action.title, data: { msteams: { type: "task/fetch" }, action: id, value: data?.value ?? "" } };
    }
    return action;
  };
  walk(rendered.body, convert);
  if (card.surface === "form" && options.inlineForm) {
    rendered.actions = [{ type: "Action.Execute", title: card.submitLabel, verb: "form.submit", data: { callbackId: card.callbackId, state: card.state } }];
  }
  return rendered;
}

export function attachment(card: cards.Card, options: { inlineForm?: boolean } = {}): Attachment {
  return { contentType: "application/vnd.microsoft.card.adaptive", content: teamsCard(card, options) };
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
      return { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: teamsCard(card) } };
    default:
      return undefined;
  }
}
