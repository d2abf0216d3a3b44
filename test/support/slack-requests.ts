import { createHmac } from "node:crypto";

/**
 * Real Slack requests: the bodies Slack sends (commands and interactivity as form
 * posts, events as JSON), signed the way Slack signs them:
 * v0=HMAC-SHA256(secret, "v0:" + timestamp + ":" + body).
 * @link https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export const SIGNING_SECRET = "test-signing-secret-0123456789";

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SendOptions {
  secret?: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  retryNum?: number;
  badSignature?: boolean;
  noSignature?: boolean;
}

export async function sendToSlackEndpoint(url: string, body: string, contentType: string, options: SendOptions = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { "content-type": contentType, "x-slack-request-timestamp": String(timestamp) };
  if (!options.noSignature) headers["x-slack-signature"] = options.badSignature ? signature(body, timestamp, "wrong-secret") : signature(body, timestamp, options.secret);
  if (options.retryNum) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** Slack gives every command its own trigger id; two commands with the same bytes signed in one second would be a replay. */
let triggers = 0;

export function commandBody(fields: { text: string; user: string; team?: string; channel?: string; responseUrl: string; triggerId?: string; command?: string }): string {
  return new URLSearchParams({
    token: "unused",
    team_id: fields.team ?? "T1",
    team_domain: "test",
    channel_id: fields.channel ?? "C1",
    channel_name: "support",
    user_id: fields.user,
    user_name: fields.user.toLowerCase(),
    command: fields.command ?? "/case",
    text: fields.text,
    api_app_id: "A1",
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${++triggers}`,
  }).toString();
}

export function interactiveBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function eventBody(event: Record<string, unknown>, eventId: string, team = "T1"): string {
  return JSON.stringify({ token: "unused", team_id: team, api_app_id: "A1", type: "event_callback", event_id: eventId, event_time: Math.floor(Date.now() / 1000), event, authorizations: [{ team_id: team, user_id: "UBOT", is_bot: true }] });
}

/** A view_submission of a modal we opened: the state values typed into it, keyed by our block ids. */
export function viewSubmission(options: { user: string; view: Record<string, unknown>; values: Record<string, string>; team?: string }) {
  const selects = new Set<string>();
  for (const block of (options.view.blocks as { type: string; block_id?: string; element?: { type: string } }[]) ?? []) {
    if (block.type === "input" && block.block_id && block.element && block.element.type !== "plain_text_input") selects.add(block.block_id);
  }
  const values: Record<string, Record<string, unknown>> = {};
  for (const [id, value] of Object.entries(options.values)) {
    values[id] = { [id]: selects.has(id) ? { type: "static_select", selected_option: { value } } : { type: "plain_text_input", value } };
  }
  return interactiveBody({
    type: "view_submission",
    team: { id: options.team ?? "T1", domain: "test" },
    user: { id: options.user, team_id: options.team ?? "T1" },
    api_app_id: "A1",
    trigger_id: "trigger-2",
    view: { ...options.view, id: "V1", hash: "h1", state: { values } },
  });
}

export function blockAction(options: { user: string; actionId: string; value: string; channel?: string; message?: Record<string, unknown>; team?: string; responseUrl?: string }) {
  return interactiveBody({
    type: "block_actions",
    team: { id: options.team ?? "T1", domain: "test" },
    user: { id: options.user, team_id: options.team ?? "T1" },
    api_app_id: "A1",
    trigger_id: "trigger-3",
    container: options.message ? { type: "message", message_ts: options.message.ts, channel_id: options.channel } : { type: "view" },
    channel: options.channel ? { id: options.channel, name: "support" } : undefined,
    message: options.message,
    response_url: options.responseUrl,
    actions: [{ type: "button", action_id: options.actionId, block_id: "b1", value: options.value, action_ts: "1700000000.1" }],
  });
}
