/** Moved to the interactions layer, where every chat answer is drawn; kept here for the Slack receiver. */
export { errorCard } from "../../interactions/error-card.ts";
