import { z } from "zod";
import type { FormValues } from "../../cards/index.ts";
import { unstorable } from "../../core/validation.ts";
import { parseInput } from "../../core/validation.ts";

/**
 * What Teams sends, parsed before anything acts on it. The activity itself is checked
 * by the route (a malformed one is a 400 naming the field, and nothing runs); the data
 * a card button or a dialog sends back is checked here, in the turn, where a bad value
 * becomes a VALIDATION error that the user sees as a card, never an unexpected failure.
 * @link https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md
 */

/**
 * Teams ids: printable ASCII (they travel in HTTP headers and URL paths to the
 * connector), and never long (channel thread ids, the longest, are ~100 characters).
 * The bounds are those of the stored conversation reference
 * (core.threads.rememberConversation), so an activity the route accepts can be remembered.
 */
const ascii = (max: number) => z.string().min(1).max(max).regex(/^[\x20-\x7E]+$/);
const id = ascii(300);
const userId = ascii(200);
const label = z.string().max(1_000);

/**
 * An account as the Bot Connector's own schema types it: replies are addressed from the
 * activity's recipient to its sender, and the connector client refuses to serialize a
 * field of the wrong type (a failure of the reply, not of the sender's request).
 * @link https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#channelaccount-object
 */
const account = z.object({ id: userId, name: label.optional(), aadObjectId: userId.optional(), role: z.string().max(100).optional() }).loose();
const conversationAccount = z
  .object({ id, name: label.optional(), tenantId: userId.optional(), conversationType: z.string().max(100).optional(), isGroup: z.boolean().optional(), aadObjectId: userId.optional(), role: z.string().max(100).optional() })
  .loose();

/**
 * Where in a JSON value a string holds what PostgreSQL cannot store (a NUL, half of a
 * surrogate pair), or undefined. Checked over the whole activity, since the conversation
 * reference kept for proactive messages copies parts of it as they came.
 */
export function unstorablePath(value: unknown, path = "activity", depth = 0): string | undefined {
  if (typeof value === "string") return unstorable(value) ? path : undefined;
  if (typeof value !== "object" || value === null || depth > 32) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (unstorablePath(key, path, depth + 1)) return path;
    const found = unstorablePath(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The fields of an activity the bot reads; everything else passes through for botbuilder. */
export const activitySchema = z
  .object({
    type: z.string().min(1).max(100),
    id: ascii(1_000).optional(),
    name: z.string().max(200).optional(),
    channelId: z.string().min(1).max(100),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    from: account,
    conversation: conversationAccount,
    // The bot itself: replies are addressed from it, and its @mention is removed from the text.
    recipient: account,
    // Absent on non-message activities; anything but a string would break mention removal and command parsing.
    text: z.string().max(100_000).optional(),
    entities: z.array(z.object({ type: z.string().max(100) }).loose()).optional(),
    channelData: z.object({ tenant: z.object({ id: userId }).loose().optional() }).loose().optional(),
    // Read by botbuilder itself on every turn (the turn's locale, replies, mention removal): a wrong type would fail the turn, not the sender.
    locale: z.string().max(100).optional(),
    replyToId: ascii(1_000).optional(),
    timestamp: z.string().max(100).optional(),
    textFormat: z.string().max(100).optional(),
    attachments: z.array(z.object({ contentType: z.string().max(200) }).loose()).optional(),
    membersAdded: z.array(account).optional(),
    membersRemoved: z.array(account).optional(),
  })
  .loose();

const word = z.string().max(200);
/** A button's value: a case number, an article slug, a list page ("open:2"). */
const value = z.string().max(1_000);
/** The state a form carries between opening and submitting (the case number, the filing's key). */
const state = z.record(z.string().max(100), z.string().max(2_000));

/** task/fetch: the data of the button that opens a dialog. @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/task-modules/task-modules-bots */
const fetchSchema = z.object({ data: z.object({ action: word.optional(), value: value.optional() }).loose().optional() }).loose();

/**
 * A submitted form: its callback id and state, the button that was pressed (knowledge
 * buttons inside the new-case dialog), and the inputs, which Adaptive Cards always
 * submit as strings. `msteams` is Teams' own routing data.
 */
const submittedSchema = z
  .object({ callbackId: word.optional(), state: state.optional(), action: word.optional(), value: value.optional(), msteams: z.unknown().optional() })
  .catchall(z.string().max(100_000));

export interface Submitted {
  callbackId: string;
  state: Record<string, string>;
  action?: string;
  value: string;
  values: FormValues;
}

/** The button data of a task/fetch; throws VALIDATION naming the field. */
export function parseFetch(request: unknown): { action: string; value: string } {
  const { data } = parseInput(fetchSchema, request ?? {});
  return { action: data?.action ?? "", value: data?.value ?? "" };
}

/** The data of a task/submit, of a message action's submit, or of an inline form's Action.Execute. */
export function parseSubmitted(data: unknown): Submitted {
  const { callbackId = "", state = {}, action, value = "", msteams: _routing, ...values } = parseInput(submittedSchema, data ?? {});
  return { callbackId, state, action, value, values };
}

/** adaptiveCard/action: the verb and the data of an Action.Execute. @link https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/overview */
const executeSchema = z.object({ verb: word.optional(), data: z.unknown().optional() }).loose();

export function parseExecute(action: unknown): { verb: string; data: Submitted } {
  const { verb = "", data } = parseInput(executeSchema, action ?? {});
  return { verb, data: parseSubmitted(data) };
}

/** composeExtension/fetchTask of the message action: the message it was started from. */
const messageActionSchema = z
  .object({
    messagePayload: z
      .object({ body: z.object({ content: z.string().max(100_000).optional() }).loose().optional(), linkToMessage: z.string().max(2_000).optional() })
      .loose()
      .optional(),
  })
  .loose();

export function parseMessageAction(action: unknown): { text: string; link: string } {
  const { messagePayload } = parseInput(messageActionSchema, action ?? {});
  const text = (messagePayload?.body?.content ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
  return { text, link: messagePayload?.linkToMessage ?? "" };
}
