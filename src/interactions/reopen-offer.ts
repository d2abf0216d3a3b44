import * as cards from "../cards/index.ts";

/** The reply that cannot reopen a closed case becomes an offer of a new linked case. */
export function reopenOffer(message: string, number: string): cards.MessageCard {
  const offer = cards.buildNotice({ tone: "warning", title: "This case cannot be reopened", text: message });
  offer.blocks.push({ type: "actions", actions: [{ id: "case.newLinkedCase", label: "Open a new linked case", value: number, style: "primary" }] });
  return offer;
}
