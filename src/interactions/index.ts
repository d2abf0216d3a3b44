/**
 * Every chat interaction, defined once between the core and the adapters: card buttons
 * (buttons.ts), forms (forms.ts) and typed commands (commands.ts), each parsing its input
 * with zod, calling the core and answering with an Outcome (outcome.ts) that the Slack
 * and Teams adapters only carry.
 */
export { ACTION_IDS, buttons, isActionId, opensForm, type ActionId } from "./buttons.ts";
export { chatHelp, COMMAND_VERBS, commands, commandWrites, escalationOffer, newCaseOffer, readCommand, SLASH_HELP, type CommandVerb } from "./commands.ts";
export type { CommandSource } from "./outcome.ts";
export { errorCard } from "./error-card.ts";
export { escalationForm, infoForm, newCaseForm } from "./form-builders.ts";
export { caseForm, FORM_IDS, forms, isFormId, type FormId, type SubmissionSource } from "./forms.ts";
export { homeFor } from "./home.ts";
export type { Env, OpenForm, Outcome, Where } from "./outcome.ts";
export { reopenOffer } from "./reopen-offer.ts";
export { createInteractions, type Interactions } from "./run.ts";
export { redrawnCard } from "./redraw.ts";
