import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { CaseError } from "../../core/errors.ts";
import type { Logger } from "../../logger.ts";
import { HttpRefusal, readBody, sendJson } from "../http/server.ts";
import { errorCard } from "../shared/error-card.ts";
import { RATE_LIMITED_MESSAGE, type RateLimiter } from "../shared/rate-limit.ts";

/**
 * Slack's HTTP entry (POST /slack/events), in place of Bolt's HTTPReceiver: Bolt's
 * parsed bodies it had not checked (a signed JSON `null` crashed the process from a
 * callback no route could catch) and answered unknown actions with a 404 after 3 s.
 * Here every request is, in order: read (at most BODY_LIMIT_BYTES), verified (the v0
 * signature, a timestamp within 5 minutes either way), checked for shape (zod, before
 * Bolt sees it), refused if its signature was seen before (on any instance: the
 * database decides), rate limited, and only then handed to Bolt's processEvent.
 *
 * "An acknowledgement means stored": an Events API body is answered 200 only after
 * its listeners finished (their effects are committed), 500 when one failed (Slack
 * retries; the listeners are idempotent). Commands and interactions are answered
 * when their listener acks, with the ack's body, as Bolt does.
 * @link https://docs.slack.dev/authentication/verifying-requests-from-slack
 * @link https://docs.slack.dev/apis/events-api/#responding
 */

/** Slack's largest bodies (a view submission of a full modal) stay well below this. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** A timestamp further than this from now, either way, is refused (Slack's own advice: 5 minutes). */
const MAX_SKEW_SECONDS = 5 * 60;
/** NOTE: Slack waits 3 s for an answer; a listener that has not acked by then gets an answer anyway. */
const ACK_TIMEOUT_MS = 2_500;

export const UNKNOWN_COMMAND_TEXT = "That is not something carebot knows; try /case help";

const nonEmpty = z.string().min(1);
const looseObject = z.object({}).loose();

/** @link https://docs.slack.dev/apis/events-api/#callback-field */
const eventCallback = z
  .object({
    type: z.literal("event_callback"),
    team_id: z.string().optional(),
    enterprise_id: z.string().nullish(),
    event_id: z.string().optional(),
    event: z
      .object({
        type: nonEmpty,
        channel: z.union([z.string(), looseObject]).optional(),
        item: looseObject.optional(),
        message: looseObject.optional(),
      })
      .loose(),
    authorizations: z.array(z.object({ team_id: z.string().nullish(), enterprise_id: z.string().nullish() }).loose()).optional(),
  })
  .loose();

const jsonBody = z.discriminatedUnion("type", [
  eventCallback,
  /** @link https://docs.slack.dev/reference/events/url_verification */
  z.object({ type: z.literal("url_verification"), challenge: z.string().max(500) }).loose(),
  /** @link https://docs.slack.dev/reference/events/app_rate_limited */
  z.object({ type: z.literal("app_rate_limited") }).loose(),
]);

/** @link https://docs.slack.dev/interactivity/implementing-slash-commands */
const slashCommand = z
  .object({
    command: z.string().regex(/^\/\S{1,64}$/),
    user_id: nonEmpty,
    team_id: nonEmpty,
    text: z.string().default(""),
    enterprise_id: z.string().optional(),
  })
  .loose();

const actor = {
  user: z.object({ id: nonEmpty, team_id: z.string().optional() }).loose(),
  team: z.object({ id: z.string() }).loose().nullish(),
  enterprise: z.object({ id: z.string() }).loose().nullish(),
};

/** @link https://docs.slack.dev/reference/interaction-payloads */
const interactionPayload = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("block_actions"),
      ...actor,
      actions: z.array(z.object({ action_id: z.string() }).loose()).min(1),
      channel: z.object({ id: z.string() }).loose().optional(),
      view: z.object({ id: z.string() }).loose().optional(),
      message: looseObject.optional(),
      container: looseObject.optional(),
    })
    .loose(),
  z.object({ type: z.enum(["view_submission", "view_closed"]), ...actor, view: z.object({ id: z.string(), callback_id: z.string() }).loose() }).loose(),
  z.object({ type: z.literal("shortcut"), ...actor, callback_id: z.string(), trigger_id: z.string() }).loose(),
  z
    .object({
      type: z.literal("message_action"),
      ...actor,
      callback_id: z.string(),
      trigger_id: z.string(),
      channel: z.object({ id: z.string() }).loose(),
      message: z.object({ ts: z.string() }).loose(),
    })
    .loose(),
  z.object({ type: z.literal("block_suggestion"), ...actor, action_id: z.string() }).loose(),
]);

type Who = { tenant: string; user?: string };

/** A verified request whose signature was seen before: answered (Slack needs that) and ignored. */
class ReplayedRequest extends Error {
  /** A code, so Bolt passes this error through as it is instead of wrapping it. */
  readonly code = "carebot_replayed_request";
  constructor() {
    super("This request was already received.");
  }
}

/**
 * Requests whose listeners ack first, with nothing that depends on their work: commands
 * (their answers go to the response_url), clicks, shortcuts, a closed form.
 * @link https://docs.slack.dev/tools/bolt-js/concepts/acknowledge
 */
function acksFirst(request: Extract<SlackRequest, { who: Who }>): boolean {
  return request.kind === "command" || (request.kind === "interaction" && ["block_actions", "shortcut", "message_action", "view_closed"].includes(request.type));
}

type SlackRequest =
  | { kind: "ssl_check" }
  | { kind: "url_verification"; challenge: string }
  | { kind: "app_rate_limited" }
  | { kind: "event"; body: Record<string, unknown>; who: Who }
  | { kind: "command"; body: Record<string, unknown>; who: Who }
  | { kind: "interaction"; type: z.infer<typeof interactionPayload>["type"]; body: Record<string, unknown>; who: Who };

const refuse = (message: string) => new HttpRefusal(400, message);

/** The body's shape, checked before any library sees it; anything else is a 400 naming what was expected. */
/** Slack's own host for response_url. @link https://docs.slack.dev/interactivity/handling-user-interaction#message_responses */
const SLACK_RESPONSE_ORIGIN = "https://hooks.slack.com";

/**
 * Bolt posts a command's or a button's answer to the request's response_url: an
 * outbound call to a host the request names. Only Slack's own (and a configured
 * stand-in) is accepted, so nothing can steer carebot's answers elsewhere.
 */
function responseUrlsOf(body: Record<string, unknown>): unknown[] {
  const urls: unknown[] = [];
  if ("response_url" in body) urls.push(body.response_url);
  if (Array.isArray(body.response_urls)) for (const r of body.response_urls) urls.push((r as { response_url?: unknown } | null)?.response_url);
  return urls;
}

function allowedResponseUrl(value: unknown, origins: string[]): boolean {
  if (value === undefined || value === "") return true;
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return [SLACK_RESPONSE_ORIGIN, ...origins].includes(url.origin);
  } catch {
    return false;
  }
}

export function parseSlackBody(contentType: string, raw: string, responseOrigins: string[] = []): SlackRequest {
  const request = parseShape(contentType, raw);
  if ((request.kind === "command" || request.kind === "interaction") && !responseUrlsOf(request.body).every((u) => allowedResponseUrl(u, responseOrigins))) {
    throw refuse("The response_url is not Slack's.");
  }
  return request;
}

function parseShape(contentType: string, raw: string): SlackRequest {
  if (contentType === "application/json") {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw refuse("The body is not valid JSON.");
    }
    const parsed = jsonBody.safeParse(value);
    if (!parsed.success) throw refuse("Expected a Slack Events API object (event_callback or url_verification).");
    const body = parsed.data;
    if (body.type === "url_verification") return { kind: "url_verification", challenge: body.challenge };
    if (body.type === "app_rate_limited") return { kind: "app_rate_limited" };
    const tenant = body.team_id ?? body.authorizations?.[0]?.team_id ?? body.enterprise_id ?? "unknown";
    const user = typeof body.event.user === "string" ? body.event.user : undefined;
    return { kind: "event", body, who: { tenant, user } };
  }
  if (contentType === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(raw);
    if (form.get("ssl_check") === "1") return { kind: "ssl_check" };
    if (form.has("payload")) {
      let value: unknown;
      try {
        value = JSON.parse(form.get("payload") ?? "");
      } catch {
        throw refuse("The payload is not valid JSON.");
      }
      const parsed = interactionPayload.safeParse(value);
      if (!parsed.success) throw refuse("Expected an interaction payload: a JSON object with a known type and its user.");
      const p = parsed.data;
      return { kind: "interaction", type: p.type, body: p, who: { tenant: p.team?.id ?? p.user.team_id ?? p.enterprise?.id ?? "unknown", user: p.user.id } };
    }
    const parsed = slashCommand.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw refuse("Expected a slash command or an interaction payload.");
    return { kind: "command", body: parsed.data, who: { tenant: parsed.data.team_id, user: parsed.data.user_id } };
  }
  throw new HttpRefusal(415, "Expected application/json or application/x-www-form-urlencoded.");
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
};

/** The verified signature's hex (the replay key), or a 401. */
export function verifySignature(options: { secret: string; timestamp?: string; signature?: string; raw: Buffer; nowMs: number }): string {
  const unauthorized = (why: string) => new HttpRefusal(401, why);
  if (!options.timestamp || !/^\d{1,12}$/.test(options.timestamp)) throw unauthorized("Missing or malformed X-Slack-Request-Timestamp.");
  if (Math.abs(options.nowMs / 1000 - Number(options.timestamp)) > MAX_SKEW_SECONDS) throw unauthorized("The request timestamp is more than 5 minutes from now.");
  const given = /^v0=([0-9a-f]{64})$/.exec(options.signature ?? "")?.[1];
  if (!given) throw unauthorized("Missing or malformed X-Slack-Signature.");
  const expected = createHmac("sha256", options.secret).update(`v0:${options.timestamp}:`).update(options.raw).digest();
  if (!timingSafeEqual(expected, Buffer.from(given, "hex"))) throw unauthorized("The signature does not match.");
  return given;
}

export interface SlackReceiverOptions {
  signingSecret: string;
  logger: Logger;
  limiter: RateLimiter;
  /** Records a verified signature; false when any instance saw it before (a replay). */
  firstSeen(signatureHex: string): Promise<boolean>;
  /** Milliseconds since the epoch, for the timestamp check. */
  now(): number;
  /**
   * Origins besides Slack's own (https://hooks.slack.com) that a request's response_url
   * may name: the configured Slack API base, so a local Slack stand-in works.
   */
  responseOrigins?: string[];
}

export interface SlackReceiver extends Receiver {
  /** The route handler for POST /slack/events. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Slack's answer when nothing in a request's work produced one (see dispatch). */
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

function write(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const { status, body, headers = {} } = answer;
  // Bolt's ack bodies: nothing (an empty 200), a string as is, anything else as JSON.
  if (body === undefined || body === "" || body === null) {
    res.writeHead(status, headers).end();
  } else if (typeof body === "string") {
    res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8" }).end(body);
  } else sendJson(res, status, body, headers);
}

export function createSlackReceiver(options: SlackReceiverOptions): SlackReceiver {
  const log = options.logger.child({ module: "adapters/slack/receiver" });
  let app: App | undefined;

  /** What a rate-limited request is told: a command politely, an interaction nothing, an event "not stored, retry later". */
  function rateLimited(request: Extract<SlackRequest, { who: Who }>, retryAfterSeconds: number): Answer {
    if (request.kind === "event") return { status: 429, headers: { "retry-after": String(retryAfterSeconds) }, body: { error: RATE_LIMITED_MESSAGE } };
    return told(request, "One moment", RATE_LIMITED_MESSAGE);
  }

  /**
   * A request refused before any listener could act for it (authorize's CaseError: a
   * workspace that removed carebot): not our failure and not worth a retry, so 200, with
   * the reason where Slack shows one without a token (a command's answer, a form's pushed view).
   */
  function refused(request: Extract<SlackRequest, { who: Who }>, error: CaseError): Answer {
    return request.kind === "event" ? { status: 200 } : told(request, "Not available", error.message);
  }

  function told(request: Extract<SlackRequest, { who: Who }>, title: string, text: string): Answer {
    if (request.kind === "command") return { status: 200, body: { response_type: "ephemeral", text } };
    if (request.kind === "interaction" && request.type === "view_submission") {
      // Pushed over the form, so closing it returns to what the user typed. @link https://docs.slack.dev/surfaces/modals#push_response
      const view = { type: "modal", title: { type: "plain_text", text: title }, close: { type: "plain_text", text: "Back" }, blocks: [{ type: "section", text: { type: "plain_text", text } }] };
      return { status: 200, body: { response_action: "push", view } };
    }
    return { status: 200 };
  }

  /**
   * `replayFree` (commands, clicks, shortcuts): the request's first-seen verdict, still on
   * its way from the database. Their listeners ack before doing anything, so the ack is
   * answered at once and the ack's promise resolves only once the verdict says "first
   * time": the work after `await ack()` never runs for a replay, and no database round
   * trip stands between Slack and its answer. (Form submissions and events answer with
   * their result, so their verdict is awaited before Bolt sees them.)
   */
  async function dispatch(req: IncomingMessage, res: ServerResponse, request: Extract<SlackRequest, { who: Who }>, replayFree?: Promise<boolean>): Promise<void> {
    if (!app) throw new Error("the Slack receiver was not initialised by Bolt");
    const event = request.kind === "event";
    let answered = false;
    let acked = false;
    let ackBody: unknown;
    const answer = (a: Answer) => {
      if (answered) return;
      answered = true;
      write(res, a);
    };
    const ack = async (response?: unknown) => {
      if (acked) {
        log.warn({ kind: request.kind }, "a listener acknowledged a Slack request twice; the second is ignored");
        return;
      }
      acked = true;
      // Bolt acks events before their listeners run; we answer only once they finished.
      if (event) ackBody = response;
      else answer({ status: 200, body: response });
      if (replayFree && !(await replayFree)) throw new ReplayedRequest();
    };
    const timer = setTimeout(() => {
      if (answered) return;
      log.warn({ kind: request.kind, team: request.who.tenant, user: request.who.user }, "no answer to a Slack request within 2.5 s; answering now");
      // An event not yet stored must not be confirmed: 503 makes Slack send it again.
      answer(event ? { status: 503, body: { error: "Still working on it; please retry." } } : { status: 200 });
    }, ACK_TIMEOUT_MS);
    const retryNum = Number(header(req, "x-slack-retry-num"));
    try {
      await app.processEvent({ body: request.body, ack, retryNum: Number.isInteger(retryNum) ? retryNum : undefined, retryReason: header(req, "x-slack-retry-reason") } satisfies ReceiverEvent);
      if (event) answer({ status: 200, body: ackBody });
      // No listener took it (an action id or command we do not know): say so at once, never a 404 after 3 s.
      else if (!acked) answer({ status: 200, body: request.kind === "command" ? { response_type: "ephemeral", text: UNKNOWN_COMMAND_TEXT } : undefined });
    } catch (error) {
      if (error instanceof ReplayedRequest) {
        log.warn({ kind: request.kind, team: request.who.tenant, user: request.who.user }, "a replayed Slack request was answered and ignored");
      } else if (answered) {
        log.error({ err: error, reference: randomUUID(), kind: request.kind }, "a Slack listener failed after its request was answered");
      } else if (error instanceof CaseError && !acked) {
        log.warn({ kind: request.kind, team: request.who.tenant, user: request.who.user, code: error.code }, "a Slack request was refused before any listener ran");
        answer(refused(request, error));
      } else if (request.kind === "command") {
        const m = cards.renderSlackMessage(errorCard(error, log).card);
        answer({ status: 200, body: { response_type: "ephemeral", text: m.text, blocks: m.blocks } });
      } else {
        // Not the sender's mistake: a 500 makes Slack retry an event (its listeners are idempotent).
        const reference = randomUUID();
        log.error({ err: error, reference, kind: request.kind }, "a Slack request failed");
        answer({ status: 500, body: { error: "Something went wrong on our side.", reference } });
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    init(bolt) {
      app = bolt;
    },
    // The HTTP server is ours (src/adapters/http); the route is mounted there, so there is nothing to start or stop.
    start: async () => undefined,
    stop: async () => undefined,
    async handle(req, res) {
      const raw = await readBody(req, BODY_LIMIT_BYTES);
      const signature = verifySignature({
        secret: options.signingSecret,
        timestamp: header(req, "x-slack-request-timestamp"),
        signature: header(req, "x-slack-signature"),
        raw,
        nowMs: options.now(),
      });
      const contentType = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const request = parseSlackBody(contentType, raw.toString("utf8"), options.responseOrigins);
      if (request.kind === "ssl_check") return write(res, { status: 200 });
      if (request.kind === "url_verification") return write(res, { status: 200, body: { challenge: request.challenge } });
      if (request.kind === "app_rate_limited") {
        log.warn("Slack reports that carebot exceeded the Events API rate limit; some events were not delivered");
        return write(res, { status: 200 });
      }
      // The limit first: a flood is refused in memory, before it costs a database write.
      const verdict = options.limiter.take({ platform: "slack", tenant: request.who.tenant, user: request.who.user });
      if (!verdict.allowed) {
        log.warn({ platform: "slack", team: request.who.tenant, user: request.who.user, scope: verdict.scope, kind: request.kind }, "rate limited: request refused");
        return write(res, rateLimited(request, verdict.retryAfterSeconds));
      }
      // The same signed bytes again: Slack signs each retry anew, so only a replay repeats a
      // signature. One statement, shared by every instance: part of each request's query budget.
      if (acksFirst(request)) {
        const verdict = options.firstSeen(signature);
        // Awaited by the listener's ack; this handler only keeps a failure from going unhandled.
        verdict.catch(() => undefined);
        return await dispatch(req, res, request, verdict);
      }
      if (!(await options.firstSeen(signature))) throw new HttpRefusal(401, "This request was already received.");
      await dispatch(req, res, request);
    },
  };
}
