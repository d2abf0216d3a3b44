/**
 * Platform-neutral cards. Builders (buildX) turn the core's results into these;
 * renderers turn them into Slack Block Kit or Teams Adaptive Cards.
 *
 * Every string here is plain text, whoever wrote it: the model has no markup type,
 * so there is nothing for a renderer to mix customers' text into. Emphasis is
 * structure (a heading, a label over a body, small print), which renderers draw with
 * the platform's own elements, and every string lands where the platform reads no
 * markup at all: Slack plain_text objects, Teams TextRuns. Nothing a customer typed
 * can format, link, mention, ping or pass for our own words on either platform.
 */

/**
 * Every action a card can carry: the keys of the interactions' button table, so a card
 * cannot carry a button that nothing handles (the table is the one place they are
 * defined). The table registers its keys here by module augmentation
 * (src/interactions/buttons.ts), so the cards import nothing of the interactions that
 * use them: no import circle between the two folders.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the interactions' button table
export interface ButtonRegistry {}
export type ActionId = keyof ButtonRegistry & string;
/** Every form a card can be: the keys of the interactions' form table (registered the same way, src/interactions/forms.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the interactions' form table
export interface FormRegistry {}
export type FormId = keyof FormRegistry & string;

export interface CardAction {
  id: ActionId;
  label: string;
  /** Opaque to the platform, e.g. the case number; the adapter re-validates it. */
  value: string;
  style?: "primary" | "danger";
  /** Opens a link instead of calling the bot. */
  url?: string;
}

export interface CardOption {
  value: string;
  label: string;
  description?: string;
}

export interface InputModel {
  id: string;
  label: string;
  /**
   * "file": files to attach (Slack's file_input in a modal). Teams' Adaptive Cards have no
   * file input: there it is a line saying to send the files to the bot in a chat instead.
   */
  kind: "text" | "textarea" | "select" | "radio" | "secret" | "file";
  required: boolean;
  /** The value to show: what the user typed last time, so nothing is lost. Never rendered for "secret". */
  value?: string;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
  /** Shown next to the field after a failed submission. */
  error?: string;
  options?: CardOption[];
  optionGroups?: { label: string; options: CardOption[] }[];
  /** For "file": how many files at most (Slack takes 1 to 10). */
  maxFiles?: number;
  /** Slack: tell the bot at once when it changes (e.g. the product, so features can follow). */
  refreshOnChange?: boolean;
}

export type Tone = "default" | "good" | "warning" | "attention";

export type Block =
  | { type: "heading"; text: string }
  | { type: "text"; text: string; tone?: Tone }
  /** A label over a body, e.g. a comment's author and time (the author's name is user text) over its text. */
  | { type: "labelled"; label: string; text: string; optional?: boolean }
  | { type: "facts"; facts: { label: string; value: string }[] }
  | { type: "divider"; optional?: boolean }
  | { type: "context"; text: string; optional?: boolean }
  | { type: "actions"; actions: CardAction[] }
  | { type: "input"; input: InputModel }
  /** A list entry: a title, a line under it, and one action beside it. */
  | { type: "item"; title: string; subtitle?: string; action?: CardAction; optional?: boolean };

export interface MessageCard {
  surface: "message";
  /** Plain one-line summary: the notification text and the fallback for old clients. */
  summary: string;
  blocks: Block[];
}

export interface FormCard {
  surface: "form";
  /** Where the submission goes, e.g. "case.new" or "case.escalate". */
  callbackId: FormId;
  title: string;
  submitLabel: string;
  /** Context the submission needs back (e.g. the case number); re-validated on submit. */
  state: Record<string, string>;
  blocks: Block[];
}

export interface HomeCard {
  surface: "home";
  blocks: Block[];
}

export type Card = MessageCard | FormCard | HomeCard;
