import * as L from "../limits.ts";
import { fitBlocks } from "../fit.ts";
import type { ActionId, Block, CardAction, Card, FormId, InputModel, Tone } from "../model.ts";
import { oneLine, truncate } from "../text.ts";

/**
 * Renders neutral cards to Adaptive Cards 1.5 for Teams. Text anyone typed goes into
 * TextRuns of RichTextBlocks, which Teams never reads as markdown, so a customer's
 * "[click](…)" or "**URGENT**" shows as typed. A message card's buttons are
 * Action.Execute, so a shared card updates for everyone, except buttons that open a
 * form: those are dialog openers (Action.Submit with msteams task/fetch), since only a
 * task/fetch can open a dialog. A form shown as a dialog submits with Action.Submit,
 * every button in it carrying the form's id and state back; a form shown inline in a
 * chat submits with Action.Execute ("form.submit"), so the card updates in place.
 * @link https://adaptivecards.io/explorer/
 * @link https://learn.microsoft.com/en-US/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/task-modules/invoking-task-modules
 */
type Spacing = "None" | "Small" | "Medium";
type Color = "Default" | "Good" | "Warning" | "Attention";

export interface TextRun {
  type: "TextRun";
  text: string;
  size?: "Small" | "Medium" | "Large";
  weight?: "Bolder";
  color?: Color;
  isSubtle?: boolean;
}
export interface RichTextBlock {
  type: "RichTextBlock";
  inlines: TextRun[];
  spacing?: Spacing;
}

/** What a button sends back: the interaction and its value; in a form, also the form's id and state. */
export interface ActionData {
  action?: ActionId;
  value?: string;
  callbackId?: FormId;
  state?: Record<string, string>;
  /** Teams' routing: this Action.Submit opens a dialog (task/fetch). */
  msteams?: { type: "task/fetch" };
}
export type AdaptiveAction =
  | { type: "Action.OpenUrl"; title: string; url: string }
  | { type: "Action.Execute"; title: string; verb: ActionId | "form.submit"; data: ActionData }
  | { type: "Action.Submit"; title: string; data: ActionData; style?: "positive"; associatedInputs?: "none" };

export interface Choice {
  title: string;
  value: string;
}
interface InputCommon {
  id: string;
  label: string;
  isRequired: boolean;
  errorMessage?: string;
  placeholder?: string;
}
export type AdaptiveInput =
  | (InputCommon & { type: "Input.ChoiceSet"; style: "compact" | "expanded"; choices: Choice[]; value?: string })
  | (InputCommon & { type: "Input.Text"; isMultiline: boolean; style?: "Password"; maxLength?: number; value?: string });

export interface Column {
  type: "Column";
  width: "stretch" | "auto";
  items: AdaptiveElement[];
  verticalContentAlignment?: "Center";
}
export type AdaptiveElement =
  | RichTextBlock
  | { type: "Container"; items: AdaptiveElement[]; separator?: boolean; spacing?: Spacing }
  | { type: "ColumnSet"; columns: Column[] }
  | { type: "ActionSet"; actions: AdaptiveAction[]; spacing?: Spacing }
  | AdaptiveInput;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: AdaptiveElement[];
  actions?: AdaptiveAction[];
  /** Teams: use the full width of the chat. */
  msteams?: { width: "Full" };
}

export interface AdaptiveOptions {
  /** Which buttons open a form (the interactions' table says): rendered as dialog openers. */
  opensForm?: (id: ActionId) => boolean;
  /** A form shown in the chat itself, not in a dialog: it submits with Action.Execute. */
  inlineForm?: boolean;
}

const COLOR: Record<Tone, Color> = { default: "Default", good: "Good", warning: "Warning", attention: "Attention" };

const run = (text: string, style: Omit<TextRun, "type" | "text"> = {}): TextRun => ({ type: "TextRun", text: truncate(text, L.TEAMS_TEXT), ...style });
const rich = (inlines: TextRun[], extra: { spacing?: Spacing } = {}): RichTextBlock => ({ type: "RichTextBlock", inlines, ...extra });

/** How a card's buttons are drawn: on a message, in a dialog, or in a form shown inline. */
type Surface = { kind: "message" } | { kind: "dialog"; callbackId: FormId; state: Record<string, string> } | { kind: "inline" };

function action(a: CardAction, surface: Surface, options: AdaptiveOptions): AdaptiveAction {
  const title = truncate(oneLine(a.label), 75);
  if (a.url) return { type: "Action.OpenUrl", title, url: a.url };
  const data: ActionData = { action: a.id, value: a.value };
  if (surface.kind === "dialog") {
    // Every button in a dialog carries the form back; "Check for answers" also sends what was typed.
    const back = { ...data, callbackId: surface.callbackId, state: surface.state };
    return a.id === "knowledge.suggest" ? { type: "Action.Submit", title, data: back } : { type: "Action.Submit", title, data: back, associatedInputs: "none" };
  }
  if (options.opensForm?.(a.id)) return { type: "Action.Submit", title, data: { msteams: { type: "task/fetch" }, ...data } };
  return { type: "Action.Execute", title, verb: a.id, data };
}

function choices(input: InputModel): Choice[] {
  if (input.optionGroups) {
    return input.optionGroups.flatMap((g) => g.options.map((o) => ({ title: truncate(oneLine(`${g.label} › ${o.label}`), 150), value: o.value })));
  }
  return (input.options ?? []).map((o) => ({ title: truncate(oneLine(o.description ? `${o.label}: ${o.description}` : o.label), 150), value: o.value }));
}

function inputElements(input: InputModel): AdaptiveElement[] {
  if (input.kind === "file") {
    // Adaptive Cards have no file input: Teams users send files to the bot in a chat (docs/teams.md).
    return [rich([run(`${oneLine(input.label)}: attach files by sending them to the bot in a chat.`, { isSubtle: true, size: "Small" })])];
  }
  const common: InputCommon = {
    id: input.id,
    label: oneLine(input.label),
    isRequired: input.required,
    ...(input.required ? { errorMessage: `${oneLine(input.label)} is required.` } : {}),
  };
  let element: AdaptiveInput;
  if (input.kind === "select" || input.kind === "radio") {
    const list = choices(input);
    const value = list.some((c) => c.value === input.value) ? { value: input.value } : {};
    element = { type: "Input.ChoiceSet", ...common, style: input.kind === "radio" ? "expanded" : "compact", choices: list, ...value, ...(input.placeholder ? { placeholder: input.placeholder } : {}) };
  } else {
    element = {
      type: "Input.Text",
      ...common,
      isMultiline: input.kind === "textarea",
      ...(input.kind === "secret" ? { style: "Password" as const } : {}),
      ...(input.maxLength ? { maxLength: input.maxLength } : {}),
      ...(input.placeholder ? { placeholder: truncate(input.placeholder, 150) } : {}),
      // A secret is never sent back to the client, not even into the form it came from.
      ...(input.value && input.kind !== "secret" ? { value: input.value } : {}),
    };
  }
  const after: AdaptiveElement[] = [];
  if (input.error) after.push(rich([run(input.error, { color: "Attention", size: "Small" })], { spacing: "None" }));
  if (input.hint) after.push(rich([run(input.hint, { isSubtle: true, size: "Small" })], { spacing: "None" }));
  return [element, ...after];
}

function renderBlock(block: Block, surface: Surface, options: AdaptiveOptions): AdaptiveElement[] {
  switch (block.type) {
    case "heading":
      return [rich([run(oneLine(block.text), { size: "Large", weight: "Bolder" })])];
    case "text":
      return [rich([run(block.text, block.tone && block.tone !== "default" ? { color: COLOR[block.tone] } : {})])];
    case "labelled":
      return [{ type: "Container", items: [rich([run(oneLine(block.label), { weight: "Bolder" })]), rich([run(block.text)], { spacing: "None" })] }];
    case "facts":
      return [
        {
          type: "Container",
          items: block.facts.map((f) => rich([run(`${oneLine(f.label)}: `, { weight: "Bolder" }), run(oneLine(f.value))], { spacing: "None" })),
        },
      ];
    case "divider":
      return [{ type: "Container", separator: true, spacing: "Medium", items: [] }];
    case "context":
      return [rich([run(block.text, { isSubtle: true, size: "Small" })])];
    case "actions": {
      const sets: AdaptiveElement[] = [];
      for (let i = 0; i < block.actions.length; i += L.ADAPTIVE_ACTIONS_PER_SET) {
        const actions = block.actions.slice(i, i + L.ADAPTIVE_ACTIONS_PER_SET).map((a) => action(a, surface, options));
        sets.push({ type: "ActionSet", actions, ...(i > 0 ? { spacing: "Small" as const } : {}) });
      }
      return sets;
    }
    case "input":
      return inputElements(block.input);
    case "item":
      return [
        {
          type: "ColumnSet",
          columns: [
            {
              type: "Column",
              width: "stretch",
              items: [rich([run(oneLine(block.title), { weight: "Bolder" })]), ...(block.subtitle ? [rich([run(block.subtitle, { isSubtle: true })], { spacing: "None" })] : [])],
            },
            ...(block.action ? [{ type: "Column" as const, width: "auto" as const, verticalContentAlignment: "Center" as const, items: [{ type: "ActionSet" as const, actions: [action(block.action, surface, options)] }] }] : []),
          ],
        },
      ];
  }
}

export function renderAdaptiveCard(card: Card, options: AdaptiveOptions = {}): AdaptiveCard {
  const surface: Surface = card.surface !== "form" ? { kind: "message" } : options.inlineForm ? { kind: "inline" } : { kind: "dialog", callbackId: card.callbackId, state: card.state };
  const build = (blocks: Block[]): AdaptiveCard => {
    const body = blocks.flatMap((b) => renderBlock(b, surface, options));
    const out: AdaptiveCard = { type: "AdaptiveCard", $schema: "http://adaptivecards.io/schemas/adaptive-card.json", version: L.ADAPTIVE_CARD_VERSION, body, msteams: { width: "Full" } };
    if (card.surface === "form") {
      out.body = [rich([run(oneLine(card.title), { size: "Medium", weight: "Bolder" })]), ...body];
      const data = { callbackId: card.callbackId, state: card.state };
      out.actions = [
        options.inlineForm
          ? { type: "Action.Execute", title: oneLine(card.submitLabel), verb: "form.submit", data }
          : { type: "Action.Submit", title: oneLine(card.submitLabel), style: "positive", data },
      ];
    }
    return out;
  };
  return fitBlocks(card.blocks, build, (c) => Buffer.byteLength(JSON.stringify(c), "utf8") <= L.TEAMS_CARD_BYTES);
}

/** For Teams' message text: the summary in one line. */
export function adaptiveSummary(summary: string): string {
  return truncate(oneLine(summary), 500);
}
