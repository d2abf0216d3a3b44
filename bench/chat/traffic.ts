import { randomUUID } from "node:crypto";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { sleep } from "./processes.ts";
import type { RecordingSlackApi, SlackCallRecord } from "./slack-api.ts";
import { commandBody, eventBody, FORM, initialValues, JSON_TYPE, selectOptions, sendSigned, viewSubmission, type Sent } from "./slack-requests.ts";

/**
 * The Slack traffic of one run: signed requests to carebot and to the bare Bolt app,
 * and what the local Slack saw come back (each visible answer with its arrival time),
 * matched to the request that caused it: views.open by trigger_id, the response_url
 * post by its path, a case card (chat.postMessage) by the unique token in its subject.
 */
export interface Target {
  name: "carebot" | "bare";
  url: string;
}

export interface SlackUser {
  id: string;
  /** Slack's team (workspace) id. */
  team: string;
  /** What users.info reports: a demo contact's email, so the user resolves to that contact. */
  email: string;
}

/**
 * What a modal submission came to: acknowledged (200, the modal closes), rejected
 * (field errors), refused (200 with another view, e.g. a rate-limit notice), not
 * acknowledged (Bolt's 404 when no ack came within 3 s), or no answer at all.
 */
export type SubmitOutcome = "acked" | "rejected" | "refused" | "not-acked" | "failed";

export interface SubmitResult {
  sent: Sent;
  outcome: SubmitOutcome;
  key: string;
  token: string;
}

const TIMEOUT_MS = 30_000;

export class ChatTraffic {
  /** trigger_id -> views.open arrival; response_url id -> arrival; token -> first card in its channel / in triage. */
  readonly opened = new Map<string, SlackCallRecord>();
  readonly responded = new Map<string, number>();
  readonly cards = new Map<string, SlackCallRecord>();
  readonly triage = new Map<string, number>();
  /** Idempotency keys of the submissions carebot acknowledged (200, no field errors), at any time and within Slack's 3 s. */
  readonly ackedKeys = new Set<string>();
  readonly ackedInTime = new Set<string>();
  /** The first few answers that were not a plain ack, to show in the notes. */
  readonly oddAnswers: string[] = [];
  /** Modal views by the email of the contact they were opened for. */
  readonly templates = new Map<string, Record<string, unknown>>();
  readonly #tokenPattern: RegExp;
  #submissions = 0;
  #replies = 0;

  constructor(
    readonly slack: RecordingSlackApi,
    readonly carebot: Target,
    readonly bare: Target,
    readonly secret: string,
    /** Unique per run; every subject and reply carries `${token}-<kind>-<i>`. */
    readonly token: string,
  ) {
    this.#tokenPattern = new RegExp(`${token}-[a-z0-9]+-\\d+`, "g");
    slack.onCall((call) => this.#record(call));
  }

  #record(call: SlackCallRecord): void {
    if (call.method === "views.open") {
      const trigger = String(call.args.trigger_id ?? "");
      if (!this.opened.has(trigger)) this.opened.set(trigger, call);
    } else if (call.method === "respond") {
      const id = call.path.slice("/respond/".length);
      if (!this.responded.has(id)) this.responded.set(id, call.at);
    } else if (call.method === "chat.postMessage") {
      const channel = String(call.args.channel ?? "");
      const text = `${String(call.args.text ?? "")} ${channel === "CTRIAGE" ? JSON.stringify(call.args.blocks ?? "") : ""}`;
      for (const token of new Set(text.match(this.#tokenPattern) ?? [])) {
        if (channel === "CTRIAGE") {
          if (!this.triage.has(token)) this.triage.set(token, call.at);
        } else if (!this.cards.has(token)) this.cards.set(token, call);
      }
    }
  }

  async waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = find();
      if (hit !== undefined || performance.now() > deadline) return hit;
      await sleep(10);
    }
  }

  /** `/case list` (open view); carebot answers through response_url. */
  list(target: Target, user: SlackUser, id: string): Promise<Sent> {
    const body = commandBody({ text: "list", user: user.id, team: user.team, channel: "C1", responseUrl: this.slack.responseUrl(id), triggerId: `${id}-t` });
    return sendSigned(target.url, body, FORM, this.secret, TIMEOUT_MS);
  }

  /** `/case new`; carebot opens the modal with this trigger_id. */
  newCase(target: Target, user: SlackUser, triggerId: string): Promise<Sent> {
    const body = commandBody({ text: "new", user: user.id, team: user.team, channel: "C1", responseUrl: this.slack.responseUrl(`${triggerId}-r`), triggerId });
    return sendSigned(target.url, body, FORM, this.secret, TIMEOUT_MS);
  }

  /** Opens a modal for this user and keeps its view as the template of the submissions of every user of the same contact. */
  async openTemplate(user: SlackUser): Promise<void> {
    const trigger = `${this.token}-tpl-${user.id}`;
    const sent = await this.newCase(this.carebot, user, trigger);
    if (sent.status !== 200) throw new Error(`/case new for ${user.id}: ${sent.status ?? sent.error} ${sent.text ?? ""}`);
    const opened = await this.waitFor(() => this.opened.get(trigger), 20_000);
    if (!opened) throw new Error(`/case new for ${user.id}: no views.open within 20 s (is ${user.email} a demo contact?)`);
    this.templates.set(user.email, opened.args.view as Record<string, unknown>);
  }

  /**
   * A new-case submission as Slack sends it from its own opened modal: the user's
   * template view with a fresh idempotency key in private_metadata (what opening
   * another modal gives), a unique subject, the account and contact the modal offers.
   */
  submissionBody(user: SlackUser, kind: string, i: number): { body: string; key: string; token: string } {
    const template = this.templates.get(user.email);
    if (!template) throw new Error(`no modal opened for ${user.email}`);
    const key = randomUUID();
    const token = `${this.token}-${kind}-${i}`;
    const state = JSON.parse(String(template.private_metadata ?? "{}")) as Record<string, string>;
    const product = DEFAULT_CATALOG.products[0]!;
    const shown = initialValues(template);
    const values: Record<string, string> = {
      ...shown,
      accountId: shown.accountId ?? selectOptions(template, "accountId")[0] ?? "",
      caseType: "TECHNICAL_ISSUE",
      severity: "S3",
      subject: `${token} Captions missing on uploads`,
      description: "No captions since Monday on entry 1_abc; every upload since then. Sent by the chat benchmark.",
      feature: `${product.key}/${product.features[0]!.key}`,
    };
    const view = { ...template, id: `VS${++this.#submissions}`, hash: "h1", private_metadata: JSON.stringify({ ...state, key }) };
    return { body: viewSubmission({ user: user.id, team: user.team, view, values, triggerId: `${token}-t` }), key, token };
  }

  async submit(target: Target, body: string, key: string, token: string): Promise<SubmitResult> {
    const sent = await sendSigned(target.url, body, FORM, this.secret, TIMEOUT_MS);
    let outcome: SubmitOutcome = "failed";
    if (sent.status === 200) {
      const action = sent.text ? /"response_action"\s*:\s*"(\w+)"/.exec(sent.text)?.[1] : undefined;
      outcome = action === undefined ? "acked" : action === "errors" ? "rejected" : "refused";
      if (outcome !== "acked") this.noteOdd(`a submission was answered with ${sent.text!.slice(0, 240)}`);
    } else if (sent.status !== undefined) {
      outcome = "not-acked"; // Bolt answers 404 when no ack came within 3 s
    }
    if (outcome === "acked" && target.name === "carebot") {
      this.ackedKeys.add(key);
      if (sent.ms !== undefined && sent.ms <= 3000) this.ackedInTime.add(key);
    }
    return { sent, outcome, key, token };
  }

  noteOdd(what: string): void {
    if (this.oddAnswers.length < 3 && !this.oddAnswers.some((o) => o.slice(0, 60) === what.slice(0, 60))) this.oddAnswers.push(what);
  }

  /** A reply in a case card's thread, as a message event. */
  reply(target: Target, user: SlackUser, thread: { channel: string; ts: string }, token: string): Promise<Sent> {
    const ts = `1800000000.${String(++this.#replies).padStart(6, "0")}`;
    const event = { type: "message", channel: thread.channel, channel_type: "channel", user: user.id, text: `${token} still failing after the restart`, ts, event_ts: ts, thread_ts: thread.ts };
    return sendSigned(target.url, eventBody(event, `Ev${token.replace(/-/g, "")}${target.name}`, user.team), JSON_TYPE, this.secret, TIMEOUT_MS);
  }
}
