import * as fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { blockAction, commandBody, eventBody, interactiveBody, SIGNING_SECRET, signature } from "../support/slack-requests.ts";
import { channelConversation, invoke, message, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, type World } from "../support/world.ts";

/**
 * Whatever arrives over HTTP: generated and mutated payloads thrown at every endpoint,
 * signed and unsigned. The server must keep answering /healthz, never answer a client's
 * mistake with a 5xx, never hang, and change nothing for a request it refused. The
 * counts of inputs per run are fixed (seeded), so a failure replays.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

type Reply = { status: number; ms: number };

const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };

/** A JSON value, including the awkward ones: NUL, lone surrogates, huge numbers, deep nesting. */
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, [], {}, "", 0, -1, Number.MAX_VALUE, "\u0000", "\uD800", "a\uDC00b", "x".repeat(5000), 2 ** 53, "99999999999", { __proto__: null }, [[[[[]]]]]),
  fc.string({ unit: "binary", maxLength: 300 }),
);

/** Sets one path of a value to something else, or removes it: a field of the right name with the wrong content. */
function mutate(value: unknown, path: string[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return copy;
  const key = keys[Math.abs(hash(path[0]!)) % keys.length]!;
  if (path.length === 1 && remove) delete copy[key];
  else copy[key] = mutate(copy[key], path.slice(1), replacement, remove);
  return copy;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const mutation = fc.record({ path: fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 4 }), replacement: nasty, remove: fc.boolean() });

describe("every endpoint, under generated and mutated input", () => {
  let t: TestApp;
  let slack: FakeSlackApi;
  let connector: FakeBotConnector;
  let w: World;
  let threadTs = "";
  const seenStatuses = new Map<number, number>();

  async function post(path: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Reply> {
    const started = Date.now();
    const res = await fetch(t.url(path), { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    seenStatuses.set(res.status, (seenStatuses.get(res.status) ?? 0) + 1);
    return { status: res.status, ms: Date.now() - started };
  }

  function slackHeaders(body: string, contentType: string, signed: boolean, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
    const headers: Record<string, string> = { "content-type": contentType, "x-slack-request-timestamp": String(timestamp) };
    if (signed) headers["x-slack-signature"] = signature(body, timestamp, SIGNING_SECRET);
    return headers;
  }

  async function counts() {
    const prisma = t.app.db.prisma;
    const [cases, comments, notifications, audit] = await Promise.all([prisma.case.count(), prisma.comment.count(), prisma.notification.count(), prisma.auditEntry.count()]);
    return { cases, comments, notifications, audit };
  }

  async function stillServing() {
    const res = await fetch(t.url("/healthz"), { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    slack = new FakeSlackApi();
    connector = new FakeBotConnector();
    await slack.start();
    await connector.start();
    t = await startTestApp({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: slack.apiUrl,
      TEAMS_LOCAL: "on",
      LOG_LEVEL: "warn",
      // Every input reaches the parsers and the core: the rate limits have tests of their own.
      RATE_LIMIT_USER_BURST: "100000",
      RATE_LIMIT_USER_PER_MINUTE: "100000",
      RATE_LIMIT_TENANT_BURST: "100000",
      RATE_LIMIT_TENANT_PER_MINUTE: "100000",
    });
    w = await buildWorld(t.app.core);
    slack.emails.set("UADA", "ada@acme.test");
    connector.members.set(ada.id, { email: "ada@acme.test", aadObjectId: ada.aadObjectId });
    // A case whose Slack thread follows it, so mutated thread replies reach the comment path.
    const filed = await t.app.core.cases.file({ actor: { personId: w.people.acmeUser.id }, source: "cli" }, filing(w.accounts.acme.id));
    threadTs = "1700000000.000100";
    await t.app.core.threads.follow({ actor: { personId: w.people.acmeUser.id }, source: "slack" }, { case: filed.case.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: threadTs, audience: "CUSTOMER" });
  });
  afterAll(async () => {
    // The answers given, by status: the figures the README quotes.
    console.log(`fuzz answers by status: ${JSON.stringify(Object.fromEntries([...seenStatuses].sort(([a], [b]) => a - b)))}`);
    await t?.close();
    await slack?.stop();
    await connector?.stop();
  });

  it("Slack: unsigned, badly signed and stale requests are refused with 401 and change nothing", async () => {
    const before = await counts();
    const kinds = fc.record({ body: fc.oneof(nasty.map((v) => JSON.stringify(v) ?? "null"), fc.string({ maxLength: 200 })), how: fc.constantFrom("unsigned", "wrong", "stale", "future") });
    for (const { body, how } of fc.sample(kinds, { numRuns: RUNS, seed: SEED })) {
      const now = Math.floor(Date.now() / 1000);
      const timestamp = how === "stale" ? now - 600 : how === "future" ? now + 600 : now;
      const headers = slackHeaders(body, "application/json", how !== "unsigned", timestamp);
      if (how === "wrong") headers["x-slack-signature"] = signature(body, timestamp, "not-the-secret");
      const reply = await post("/slack/events", body, headers);
      expect(reply.status, `${how}: ${body.slice(0, 80)}`).toBe(401);
    }
    expect(await counts()).toEqual(before);
    await stillServing();
  });

  it("Slack: signed JSON and form bodies of any shape never get a 5xx, and the server keeps serving", async () => {
    const bodies = fc.oneof(
      nasty.map((v) => ({ body: JSON.stringify(v) ?? "null", type: "application/json" })),
      nasty.map((v) => ({ body: new URLSearchParams({ payload: JSON.stringify(v) ?? "null" }).toString(), type: "application/x-www-form-urlencoded" })),
      fc.dictionary(fc.constantFrom("command", "text", "user_id", "team_id", "channel_id", "trigger_id", "response_url", "payload", "ssl_check", "type"), fc.string({ maxLength: 40 })).map((d) => ({ body: new URLSearchParams(d).toString(), type: "application/x-www-form-urlencoded" })),
      fc.tuple(fc.string({ maxLength: 300 }), fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "")).map(([body, type]) => ({ body, type })),
    );
    let i = 0;
    for (const { body, type } of fc.sample(bodies, { numRuns: RUNS, seed: SEED + 1 })) {
      const reply = await post("/slack/events", body, slackHeaders(body, type, true));
      expect(reply.status, `${type}: ${body.slice(0, 120)}`).toBeLessThan(500);
      expect(reply.ms).toBeLessThan(5_000);
      if (++i % 25 === 0) await stillServing();
    }
    await stillServing();
  });

  it("Slack: real payloads with one field mutated never get a 5xx, and many still reach the handlers", async () => {
    const valid = () => [
      { body: commandBody({ text: "list", user: "UADA", responseUrl: slack.responseUrl("fuzz") }), type: "application/x-www-form-urlencoded", form: true },
      { body: commandBody({ text: "show 10001", user: "UADA", responseUrl: slack.responseUrl("fuzz") }), type: "application/x-www-form-urlencoded", form: true },
      { body: blockAction({ user: "UADA", actionId: "case.details", value: "10001", channel: "C1", message: { ts: threadTs, text: "card" } }), type: "application/x-www-form-urlencoded", form: true },
      { body: interactiveBody({ type: "view_submission", team: { id: "T1" }, user: { id: "UADA", team_id: "T1" }, view: { callback_id: "case.new", private_metadata: "{}", state: { values: {} } } }), type: "application/x-www-form-urlencoded", form: true },
      { body: eventBody({ type: "message", channel: "C1", user: "UADA", text: "a reply", ts: `${Date.now() / 1000}`, thread_ts: threadTs }, `Ev${Math.random()}`), type: "application/json", form: false },
    ];
    let i = 0;
    let handled = 0;
    for (const [pick, m] of fc.sample(fc.tuple(fc.nat(4), mutation), { numRuns: RUNS, seed: SEED + 2 })) {
      const base = valid()[pick]!;
      let body: string;
      if (base.form) {
        const params = new URLSearchParams(base.body);
        const payload = params.get("payload");
        if (payload) {
          params.set("payload", JSON.stringify(mutate(JSON.parse(payload), m.path, m.replacement, m.remove)) ?? "null");
        } else {
          const fields = Object.fromEntries(params);
          const mutated = mutate(fields, m.path, typeof m.replacement === "string" ? m.replacement : JSON.stringify(m.replacement) ?? "", m.remove) as Record<string, string>;
          body = new URLSearchParams(Object.entries(mutated ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
          const reply = await post("/slack/events", body, slackHeaders(body, base.type, true));
          expect(reply.status, body.slice(0, 160)).toBeLessThan(500);
          if (reply.status < 300) handled += 1;
          continue;
        }
        body = params.toString();
      } else {
        body = JSON.stringify(mutate(JSON.parse(base.body), m.path, m.replacement, m.remove)) ?? "null";
      }
      const reply = await post("/slack/events", body, slackHeaders(body, base.type, true));
      expect(reply.status, body.slice(0, 160)).toBeLessThan(500);
      if (reply.status < 300) handled += 1;
      if (++i % 25 === 0) await stillServing();
    }
    await stillServing();
    // Not all refused at the door: a mutation of a field the shape check does not need reaches Bolt and the core.
    expect(handled).toBeGreaterThan(RUNS / 5);
  });

  it("Teams (local mode): activities of any shape, and real ones mutated, never get a 5xx or hang (a serviceUrl elsewhere is refused before any connection)", async () => {
    const valid = () => [
      message(connector.url, ada, "my cases"),
      message(connector.url, ada, "show 10001"),
      message(connector.url, ada, "reply in thread", { conversation: channelConversation("root-1") }),
      invoke(connector.url, ada, "task/fetch", { data: { action: "case.escalate", value: "10001" } }),
      invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.new", state: {}, subject: "x" } }),
      invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "case.details", data: { value: "10001" } } }),
    ];
    const inputs = fc.oneof(
      nasty.map((v) => JSON.stringify(v) ?? "null"),
      fc.tuple(fc.nat(5), mutation).map(([pick, m]) => JSON.stringify(mutate(valid()[pick], m.path, m.replacement, m.remove)) ?? "null"),
    );
    let i = 0;
    for (const body of fc.sample(inputs, { numRuns: RUNS, seed: SEED + 3 })) {
      const reply = await post("/api/messages", body, { "content-type": "application/json" });
      expect(reply.status, body.slice(0, 160)).toBeLessThan(500);
      expect(reply.ms).toBeLessThan(5_000);
      if (++i % 25 === 0) await stillServing();
    }
    await stillServing();
  });
});
