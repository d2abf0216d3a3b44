import * as L from "../limits.ts";
import { fitBlocks } from "../fit.ts";
import type { Block, CardAction, Card, InputModel, Tone } from "../model.ts";
import { oneLine, truncate } from "../text.ts";

/**
 * Renders neutral cards to Adaptive Cards 1.5 for Teams. Text anyone typed goes into
 * TextRuns of RichTextBlocks, which Teams never reads as markdown, so a customer's
 * "[click](…)" or "**URGENT**" shows as typed. Message cards use Action.Execute so a
 * shared card updates for everyone; forms (dialogs) submit with Action.Submit.
 * @link https://adaptivecards.io/explorer/
 * @link https://learn.microsoft.com/en-US/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 */
export type AdaptiveElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: AdaptiveElement[];
  actions?: AdaptiveElement[];
  /** Teams: use the full width of the chat. */
  msteams?: { width: "Full" };
}

const COLOR: Record<Tone, string> = { default: "Default", good: "Good", warning: "Warning", attention: "Attention" };

const run = (text: string, style: Record<string, unknown> = {}) => ({ type: "TextRun", text: truncate(text, L.TEAMS_TEXT), ...style });
const rich = (inlines: AdaptiveElement[], extra: Record<string, unknown> = {}) => ({ type: "RichTextBlock", inlines, ...extra });

function action(a: CardAction, form: boolean): AdaptiveElement {
  const title = truncate(oneLine(a.label), 75);
  if (a.url) return { type: "Action.OpenUrl", title, url: a.url };
  const data = { action: a.id, value: a.value };
  return form ? { type: "Action.Submit", title, data, associatedInputs: "none" } : { type: "Action.Execute", title, verb: a.id, data };
}

function choices(input: InputModel) {
  if (input.optionGroups) {
    return input.optionGroups.flatMap((g) => g.options.map((o) => ({ title: truncate(oneLine(`${g.label} › ${o.label}`), 150), value: o.value })));
  }
  return (input.options ?? []).map((o) => ({ title: truncate(oneLine(o.description ? `${o.label}: ${o.description}` : o.label), 150), value: o.value }));
}

function inputElements(input: InputModel): AdaptiveElement[] {
  const common = {
    id: input.id,
    label: oneLine(input.label),
    isRequired: input.required,
    ...(input.required ? { errorMessage: `${oneLine(input.label)} is required.` } : {}),
  };
  let element: AdaptiveElement;
  if (input.kind === "select" || input.kind === "radio") {
    const list = choices(input);
    const value = list.some((c) => c.value === input.value) ? { value: input.value } : {};
    element = { type: "Input.ChoiceSet", ...common, style: input.kind === "radio" ? "expanded" : "compact", choices: list, ...value, ...(input.placeholder ? { placeholder: input.placeholder } : {}) };
  } else {
    element = {
      type: "Input.Text",
      ...common,
      isMultiline: input.kind === "textarea",
      ...(input.kind === "secret" ? { style: "Password" } : {}),
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

function renderBlock(block: Block, form: boolean): AdaptiveElement[] {
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
    case "actions":
    {
      const sets: AdaptiveElement[] = [];
      for (let i = 0; i < block.actions.length; i += L.ADAPTIVE_ACTIONS_PER_SET) {
        sets.push({ type: "ActionSet", actions: block.actions.slice(i, i + L.ADAPTIVE_ACTIONS_PER_SET).map((a) => action(a, form)), ...(i > 0 ? { spacing: "Small" } : {}) });
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
            ...(block.action ? [{ type: "Column", width: "auto", verticalContentAlignment: "Center", items: [{ type: "ActionSet", actions: [action(block.action, form)] }] }] : []),
          ],
        },
      ];
  }
}

export function renderAdaptiveCard(card: Card): AdaptiveCard {
  const form = card.surface === "form";
  const build = (blocks: Block[]): AdaptiveCard => {
    const body = blocks.flatMap((b) => renderBlock(b, form));
    const out: AdaptiveCard = { type: "AdaptiveCard", $schema: "http://adaptivecards.io/schemas/adaptive-card.json", version: L.ADAPTIVE_CARD_VERSION, body, msteams: { width: "Full" } };
    if (card.surface === "form") {
      out.body = [rich([run(oneLine(card.title), { size: "Medium", weight: "Bolder" })]), ...body];
      out.actions = [{ type: "Action.Submit", title: oneLine(card.submitLabel), style: "positive", data: { callbackId: card.callbackId, state: card.state } }];
    }
    return out;
  };
  return fitBlocks(card.blocks, build, (c) => Buffer.byteLength(JSON.stringify(c), "utf8") <= L.TEAMS_CARD_BYTES);
}

/** For Teams' message text: the summary in one line. */
export function adaptiveSummary(summary: string): string {
  return truncate(oneLine(summary), 500);
}
