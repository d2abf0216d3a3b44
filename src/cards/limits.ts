/**
 * Each platform limit the renderers respect, with where it is documented.
 * See ../shared/notes/platform-notes.md (1.3 and 2.x) for the sources' details.
 */

/** @link https://docs.slack.dev/reference/block-kit/blocks */
export const SLACK_MESSAGE_BLOCKS = 50;
/** @link https://docs.slack.dev/reference/block-kit/blocks (modals and Home tabs) */
export const SLACK_VIEW_BLOCKS = 100;
/** @link https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const SLACK_SECTION_TEXT = 3000;
/** @link https://docs.slack.dev/reference/block-kit/blocks/section-block (fields: at most 10, each at most 2000) */
export const SLACK_SECTION_FIELDS = 10;
export const SLACK_SECTION_FIELD_TEXT = 2000;
/** @link https://docs.slack.dev/reference/block-kit/blocks/header-block (plain_text, 150) */
export const SLACK_HEADER_TEXT = 150;
/** @link https://docs.slack.dev/reference/block-kit/blocks/context-block (at most 10 elements) */
export const SLACK_CONTEXT_ELEMENTS = 10;
/** Context element text: not stated separately; held to the field limit to be safe. */
export const SLACK_CONTEXT_TEXT = 2000;
/** @link https://docs.slack.dev/reference/block-kit/blocks/actions-block (at most 25 elements) */
export const SLACK_ACTIONS_ELEMENTS = 25;
/** @link https://docs.slack.dev/reference/block-kit/block-elements/button-element */
export const SLACK_BUTTON_TEXT = 75;
export const SLACK_BUTTON_VALUE = 2000;
export const SLACK_BUTTON_URL = 3000;
/** block_id, action_id, callback_id: @link https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const SLACK_ID = 255;
/** @link https://docs.slack.dev/reference/block-kit/blocks/input-block */
export const SLACK_INPUT_LABEL = 2000;
export const SLACK_INPUT_HINT = 2000;
/** @link https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element */
export const SLACK_TEXT_INPUT_MAX = 3000;
/** @link https://docs.slack.dev/reference/block-kit/composition-objects/text-object (placeholder) */
export const SLACK_PLACEHOLDER = 150;
/** @link https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element (options, option groups) */
export const SLACK_SELECT_OPTIONS = 100;
export const SLACK_OPTION_GROUPS = 100;
/**
 * Option text, description and value. @slack/types says 75 for value; other
 * docs-derived libraries say 150: 75 is safe for both.
 * @link https://docs.slack.dev/reference/block-kit/composition-objects/option-object
 */
export const SLACK_OPTION_TEXT = 75;
export const SLACK_OPTION_VALUE = 75;
/** Radio buttons: at most 10 options. @link https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element */
export const SLACK_RADIO_OPTIONS = 10;
/** @link https://docs.slack.dev/reference/block-kit/block-elements/file-input-element (max_files 1..10) */
export const SLACK_FILE_INPUT_MAX_FILES = 10;
/** @link https://docs.slack.dev/reference/views/modal-views (title, submit and close: 24) */
export const SLACK_MODAL_TITLE = 24;
export const SLACK_MODAL_BUTTON = 24;
/** @link https://docs.slack.dev/reference/views/modal-views */
export const SLACK_PRIVATE_METADATA = 3000;
/** Message fallback text: Slack truncates above 40,000; kept short because it is also the notification. */
export const SLACK_MESSAGE_TEXT = 3000;

/** Teams renders Adaptive Cards up to 1.5. @link https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-reference */
export const ADAPTIVE_CARD_VERSION = "1.5";
/**
 * Bot messages may be about 100 KB; we stay far below (and below the 28 KB Graph and
 * webhook limit, in case a card is forwarded that way).
 * @link https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages
 */
export const TEAMS_CARD_BYTES = 28_000;
/** No hard limit per TextBlock; long bodies are cut so one comment cannot take the whole card. */
export const TEAMS_TEXT = 4000;
/**
 * Actions per ActionSet: the Adaptive Cards host config default (actions.maxActions)
 * that the official renderer and parser enforce; longer rows are split into sets.
 * @link https://learn.microsoft.com/en-us/adaptive-cards/rendering-cards/host-config
 */
export const ADAPTIVE_ACTIONS_PER_SET = 5;
