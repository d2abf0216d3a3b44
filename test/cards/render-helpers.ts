import { renderAdaptiveCard, renderSlackHome, renderSlackMessage, renderSlackModal, type Card } from "../../src/cards/index.ts";
import { opensForm } from "../../src/interactions/index.ts";

/** Renders a card for both platforms the way the adapters will. */
export function renderBoth(card: Card) {
  const slack =
    card.surface === "message" ? renderSlackMessage(card) : card.surface === "form" ? renderSlackModal(card) : renderSlackHome(card);
  const slackPayload = (card.surface === "form" ? (slack as ReturnType<typeof renderSlackModal>).view : slack) as unknown as Record<string, unknown>;
  const surface = card.surface === "form" ? "modal" : card.surface === "home" ? "home" : "message";
  return { slack, slackPayload, surface: surface as "message" | "modal" | "home", teams: renderAdaptiveCard(card, { opensForm }) };
}
