import { createHmac } from "node:crypto";

/**
 * Signed Slack requests, as Slack sends them: commands and interactivity as form
 * posts, events as JSON, each signed v0=HMAC-SHA256(secret, "v0:" + ts + ":" + body).
 * (The same shapes as test/support/slack-requests.ts, copied so the bench stands alone.)
 * @link https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export const FORM = "application/x-www-form-urlencoded";
export const JSON_TYPE = "application/json";

export interface Sent {
  /** performance.now() just before the request was written. */
  sentAt: number;
  /** Milliseconds to the full HTTP response (the ack); undefined when it failed or timed out. */
  ms?: number;
  status?: number;
  text?: string;
  error?: string;
}

export async function sendSigned(url: string, body: string, contentType: string, secret: string, timeoutMs: number): Promise<Sent> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`,
  };
  const sentAt = performance.now();
  try {
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { sentAt, ms: performance.now() - sentAt, status: response.status, text };
  } catch (error) {
    return { sentAt, error: error instanceof Error ? error.name : String(error) };
  }
}

export function commandBody(f: { text: string; user: string; channel: string; responseUrl: string; triggerId: string; team?: string }): string {
  return new URLSearchParams({
    token: "unused",
    team_id: f.team ?? "T1",
    team_domain: "bench",
    channel_id: f.channel,
    channel_name: "support",
    user_id: f.user,
    user_name: f.user.toLowerCase(),
    command: "/case",
    text: f.text,
    api_app_id: "A1",
    response_url: f.responseUrl,
    trigger_id: f.triggerId,
  }).toString();
}

export function eventBody(event: Record<string, unknown>, eventId: string, team = "T1"): string {
  return JSON.stringify({ token: "unused", team_id: team, api_app_id: "A1", type: "event_callback", event_id: eventId, event_time: Math.floor(Date.now() / 1000), event, authorizations: [{ team_id: team, user_id: "UBOT", is_bot: true }] });
}

/** A view_submission of a modal we opened: the state values keyed by our block ids (action id = block id). */
export function viewSubmission(o: { user: string; view: Record<string, unknown>; values: Record<string, string>; triggerId: string; team?: string }): string {
  const selects = new Set<string>();
  for (const block of (o.view.blocks as { type: string; block_id?: string; element?: { type: string } }[] | undefined) ?? []) {
    if (block.type === "input" && block.block_id && block.element && block.element.type !== "plain_text_input") selects.add(block.block_id);
  }
  const values: Record<string, Record<string, unknown>> = {};
  for (const [id, value] of Object.entries(o.values)) {
    values[id] = { [id]: selects.has(id) ? { type: "static_select", selected_option: { value } } : { type: "plain_text_input", value } };
  }
  const payload = {
    type: "view_submission",
    team: { id: o.team ?? "T1", domain: "bench" },
    user: { id: o.user, team_id: o.team ?? "T1" },
    api_app_id: "A1",
    trigger_id: o.triggerId,
    view: { ...o.view, state: { values } },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** What an opened modal shows already (selected options, typed values), keyed by block id. */
export function initialValues(view: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  type Element = { initial_option?: { value?: string }; initial_value?: string; options?: { value: string }[]; option_groups?: { options: { value: string }[] }[] };
  for (const block of (view.blocks as { type: string; block_id?: string; element?: Element }[] | undefined) ?? []) {
    if (block.type !== "input" || !block.block_id || !block.element) continue;
    const value = block.element.initial_option?.value ?? block.element.initial_value;
    if (value) out[block.block_id] = value;
  }
  return out;
}

/** The options of a select in a modal (for an account id when the filer may file for several). */
export function selectOptions(view: Record<string, unknown>, blockId: string): string[] {
  type Element = { options?: { value: string }[]; option_groups?: { options: { value: string }[] }[] };
  const block = ((view.blocks as { block_id?: string; element?: Element }[] | undefined) ?? []).find((b) => b.block_id === blockId);
  const element = block?.element;
  return [...(element?.options ?? []), ...(element?.option_groups ?? []).flatMap((g) => g.options)].map((o) => o.value);
}
