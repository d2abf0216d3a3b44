import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, HomeView, InputBlock, ModalView, PlainTextElement, PlainTextOption, SectionBlock } from "@slack/types";
import * as L from "../limits.ts";
import { fitBlocks } from "../fit.ts";
import type { Block, CardAction, CardOption, FormCard, HomeCard, InputModel, MessageCard } from "../model.ts";
import { fitTransformed, oneLine, truncate } from "../text.ts";

/**
 * Renders neutral cards to Slack Block Kit, with every piece of text in plain_text
 * objects, which Slack never reads as mrkdwn. Escaping cannot make mrkdwn safe for
 * what customers write: it has no escape for *, _, ~ or `, so a reply could bold,
 * strike or fake a staff author line ("*Eve Martinez* · 4 Mar"). plain_text shows
 * <!channel>, <@U…>, <url|label> and all of those as typed, and never pings.
 *
 * The block types below admit no mrkdwn object, so the compiler refuses one here;
 * structure does the work of bold: a comment's author line is a context block, which
 * no text inside a comment can produce.
 * @link https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 * @link https://docs.slack.dev/reference/block-kit/blocks
 */
type PlainSection = Omit<SectionBlock, "text" | "fields"> & { text?: PlainTextElement; fields?: PlainTextElement[] };
type PlainContext = Omit<ContextBlock, "elements"> & { elements: PlainTextElement[] };
export type SlackBlock = HeaderBlock | DividerBlock | ActionsBlock | InputBlock | PlainSection | PlainContext;

/**
 * For the message's fallback text (the notification), which Slack reads as mrkdwn:
 * &, < and > escaped, so it cannot ping or link. It holds the card's one-line summary.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const plain = (text: string, max: number): PlainTextElement => ({ type: "plain_text", text: truncate(text, max) || " ", emoji: true });
const section = (text: string): PlainSection => ({ type: "section", text: plain(text, L.SLACK_SECTION_TEXT) });
const context = (text: string): PlainContext => ({ type: "context", elements: [plain(text, L.SLACK_CONTEXT_TEXT)] });

function button(action: CardAction, actionId: string): Button {
  const b: Button = { type: "button", action_id: actionId.slice(0, L.SLACK_ID), text: plain(oneLine(action.label), L.SLACK_BUTTON_TEXT), value: action.value.slice(0, L.SLACK_BUTTON_VALUE) };
  if (action.style) b.style = action.style;
  if (action.url) b.url = action.url.slice(0, L.SLACK_BUTTON_URL);
  return b;
}

function option(o: CardOption): PlainTextOption {
  const out: PlainTextOption = { text: plain(oneLine(o.label), L.SLACK_OPTION_TEXT), value: o.value.slice(0, L.SLACK_OPTION_VALUE) };
  if (o.description) out.description = plain(oneLine(o.description), L.SLACK_OPTION_TEXT);
  return out;
}

function inputBlock(input: InputModel): InputBlock {
  const base = { action_id: input.id.slice(0, L.SLACK_ID) };
  const placeholder = input.placeholder ? { placeholder: plain(input.placeholder, L.SLACK_PLACEHOLDER) } : {};
  let element: InputBlock["element"];
  switch (input.kind) {
    case "text":
    case "textarea":
    case "secret": {
      const max = Math.min(input.maxLength ?? L.SLACK_TEXT_INPUT_MAX, L.SLACK_TEXT_INPUT_MAX);
      element = {
        type: "plain_text_input",
        ...base,
        ...placeholder,
        multiline: input.kind === "textarea",
        // Tell the bot while typing (e.g. the subject, for knowledge suggestions).
        ...(input.refreshOnChange && input.kind === "text" ? { dispatch_action_config: { trigger_actions_on: ["on_character_entered" as const] } } : {}),
        max_length: max,
        // A secret is never sent back to the client, not even into the form it came from.
        ...(input.value && input.kind !== "secret" ? { initial_value: input.value.slice(0, max) } : {}),
      };
      break;
    }
    case "select": {
      const flat = input.optionGroups?.flatMap((g) => g.options) ?? input.options ?? [];
      const initial = flat.find((o) => o.value === input.value);
      element = {
        type: "static_select",
        ...base,
        ...placeholder,
        ...(input.optionGroups
          ? { option_groups: input.optionGroups.slice(0, L.SLACK_OPTION_GROUPS).map((g) => ({ label: plain(oneLine(g.label), L.SLACK_OPTION_TEXT), options: g.options.slice(0, L.SLACK_SELECT_OPTIONS).map(option) })) }
          : { options: (input.options ?? []).slice(0, L.SLACK_SELECT_OPTIONS).map(option) }),
        ...(initial ? { initial_option: option(initial) } : {}),
      };
      break;
    }
    case "file":
      // The submitted view carries the uploaded files; the adapter fetches them after the ack (src/adapters/slack/files.ts).
      element = { type: "file_input", ...base, max_files: Math.max(1, Math.min(input.maxFiles ?? L.SLACK_FILE_INPUT_MAX_FILES, L.SLACK_FILE_INPUT_MAX_FILES)) };
      break;
    case "radio": {
      const options = (input.options ?? []).slice(0, L.SLACK_RADIO_OPTIONS);
      const initial = options.find((o) => o.value === input.value);
      element = { type: "radio_buttons", ...base, options: options.map(option), ...(initial ? { initial_option: option(initial) } : {}) };
      break;
    }
  }
  return {
    type: "input",
    block_id: input.id.slice(0, L.SLACK_ID),
    label: plain(oneLine(input.label), L.SLACK_INPUT_LABEL),
    optional: !input.required,
    ...(input.hint ? { hint: plain(input.hint, L.SLACK_INPUT_HINT) } : {}),
    ...(input.refreshOnChange ? { dispatch_action: true } : {}),
    element,
  };
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case "heading":
      return [{ type: "header", text: plain(oneLine(block.text), L.SLACK_HEADER_TEXT) }];
    case "text":
      return [section(block.text)];
    case "labelled":
      // The label (a comment's author and time) as small print over the body: a look
      // that text inside a body cannot take.
      return [context(oneLine(block.label)), section(block.text)];
    case "facts": {
      const sections: PlainSection[] = [];
      for (let i = 0; i < block.facts.length; i += L.SLACK_SECTION_FIELDS) {
        sections.push({
          type: "section",
          fields: block.facts.slice(i, i + L.SLACK_SECTION_FIELDS).map((f) => plain(`${oneLine(f.label)}: ${oneLine(f.value)}`, L.SLACK_SECTION_FIELD_TEXT)),
        });
      }
      return sections;
    }
    case "divider":
      return [{ type: "divider" }];
    case "context":
      return [context(block.text)];
    case "actions": {
      const seen = new Map<string, number>();
      const elements = block.actions.slice(0, L.SLACK_ACTIONS_ELEMENTS).map((a) => {
        // action_id must be unique within a block: a repeated action gets a suffix the adapter strips.
        const n = seen.get(a.id) ?? 0;
        seen.set(a.id, n + 1);
        return button(a, n === 0 ? a.id : `${a.id}#${n}`);
      });
      return elements.length ? [{ type: "actions", elements }] : [];
    }
    case "input":
      return [inputBlock(block.input)];
    case "item": {
      const item = section(block.subtitle ? `${oneLine(block.title)}\n${block.subtitle}` : oneLine(block.title));
      if (block.action) item.accessory = button(block.action, block.action.id);
      return [item];
    }
  }
}

const renderBlocks = (blocks: Block[]) => blocks.flatMap(renderBlock);

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export function renderSlackMessage(card: MessageCard): SlackMessage {
  const blocks = fitBlocks(card.blocks, renderBlocks, (b) => b.length <= L.SLACK_MESSAGE_BLOCKS);
  return { text: fitTransformed(oneLine(card.summary), L.SLACK_MESSAGE_TEXT, escapeMrkdwn), blocks: blocks.slice(0, L.SLACK_MESSAGE_BLOCKS) };
}

export interface SlackModal {
  view: ModalView;
  /** For `response_action: "errors"`: the input block ids with their messages. */
  errors: Record<string, string>;
}

export function renderSlackModal(card: FormCard): SlackModal {
  const metadata = JSON.stringify(card.state);
  if (metadata.length > L.SLACK_PRIVATE_METADATA) throw new Error(`form state of ${card.callbackId} exceeds private_metadata`);
  const blocks = fitBlocks(card.blocks, renderBlocks, (b) => b.length <= L.SLACK_VIEW_BLOCKS);
  const errors: Record<string, string> = {};
  for (const b of card.blocks) if (b.type === "input" && b.input.error) errors[b.input.id] = truncate(b.input.error, L.SLACK_INPUT_HINT);
  return {
    view: {
      type: "modal",
      callback_id: card.callbackId.slice(0, L.SLACK_ID),
      title: plain(oneLine(card.title), L.SLACK_MODAL_TITLE),
      submit: plain(oneLine(card.submitLabel), L.SLACK_MODAL_BUTTON),
      close: plain("Cancel", L.SLACK_MODAL_BUTTON),
      private_metadata: metadata,
      blocks: blocks.slice(0, L.SLACK_VIEW_BLOCKS),
    },
    errors,
  };
}

export function renderSlackHome(card: HomeCard): HomeView {
  const blocks = fitBlocks(card.blocks, renderBlocks, (b) => b.length <= L.SLACK_VIEW_BLOCKS);
  return { type: "home", blocks: blocks.slice(0, L.SLACK_VIEW_BLOCKS) };
}
