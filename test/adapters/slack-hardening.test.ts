import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RATE_LIMITED_MESSAGE } from "../../src/adapters/shared/rate-limit.ts";
import { blockAction, commandBody, eventBody, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const now = () => Math.floor(Date.now() / 1000);

/** Ada's case, with a test login for staff, followed in a Slack thread. */
async function adasCase(s: SlackWorld, password: string) {
  const ctx = { actor: { personId: s.w.people.acmeUser.id }, source: "slack" as const };
  const filed = await s.t.app.core.cases.file(ctx, filing(s.w.accounts.acme.id, { subject: "Staging login fails", credentials: { username: "kms-test", password } }));
  const root = { channel: "C1", ts: "1700000000.000001" };
  await s.t.app.core.threads.follow(ctx, { case: filed.case.number, platform: "slack", tenantId: "T1", channelId: root.channel, threadId: root.ts, audience: "CUSTOMER" });
  return { number: filed.case.number, caseId: filed.case.id, root };
}

describe("Slack: nothing a request can send takes the service down", () => {
  let s: SlackWorld;
  let c: Awaited<ReturnType<typeof adasCase>>;
  const CANARY = "canary-Pa55 word-7d1e";
  let ts = 1_700_000_100;

  beforeAll(async () => {
    s = await startSlackWorld();
    c = await adasCase(s, CANARY);
  });
  afterAll(() => s.close());

  const threadReply = (text: string, eventId: string) => {
    ts += 1;
    return eventBody({ type: "message", channel: c.root.channel, user: s.users.ada, text, ts: `${ts}.000100`, thread_ts: c.root.ts, channel_type: "channel" }, eventId);
  };
  const commentsSaying = (body: string) => s.t.app.db.prisma.comment.count({ where: { caseId: c.caseId, body } });
  const healthz = async () => (await fetch(s.t.url("/healthz"))).status;

  it.each([
    ["JSON null", "null", JSON_TYPE],
    ["a JSON array", "[]", JSON_TYPE],
    ["a JSON string", '"x"', JSON_TYPE],
    ["a JSON number", "42", JSON_TYPE],
    ["truncated JSON", '{"type":"event_callback","event":{"type":"mess', JSON_TYPE],
    ["an event callback without its event", '{"type":"event_callback","team_id":"T1","event":"x"}', JSON_TYPE],
    ["payload=null", "payload=null", FORM],
    ["a payload that is not JSON", "payload=%7Bnope", FORM],
    ["a payload with no type or user", `payload=${encodeURIComponent('{"actions":5}')}`, FORM],
    ["a form with no payload and no command", "foo=bar", FORM],
  ])("a correctly signed %s is refused with 4xx, and the service keeps serving", async (_what, body, type) => {
    const res = await sendToSlackEndpoint(s.endpoint, body, type);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await healthz()).toBe(200);
  });

  it("refuses a body over the size limit with 413 without reading it all", async () => {
    const res = await sendToSlackEndpoint(s.endpoint, `payload=${"x".repeat(2 * 1024 * 1024)}`, FORM);
    expect(res.status).toBe(413);
    expect(await healthz()).toBe(200);
  });

  it("answers Slack's URL verification and SSL check", async () => {
    const verify = await sendToSlackEndpoint(s.endpoint, JSON.stringify({ type: "url_verification", token: "unused", challenge: "c-123" }), JSON_TYPE);
    expect(verify.json()).toEqual({ challenge: "c-123" });
    expect((await sendToSlackEndpoint(s.endpoint, "ssl_check=1&token=unused", FORM)).status).toBe(200);
  });

  it("refuses unsigned and wrongly signed requests with 401, and stores nothing", async () => {
    const before = await s.t.app.db.prisma.inboundEvent.count();
    const body = threadReply("forged reply", "EvForged1");
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { noSignature: true })).status).toBe(401);
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { badSignature: true })).status).toBe(401);
    expect(await commentsSaying("forged reply")).toBe(0);
    expect(await s.t.app.db.prisma.inboundEvent.count()).toBe(before);
  });

  it("refuses a signed request whose timestamp is 10 minutes ahead or behind", async () => {
    const body = threadReply("from another time", "EvSkewed");
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now() + 10 * 60 })).status).toBe(401);
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now() - 10 * 60 })).status).toBe(401);
    expect(await commentsSaying("from another time")).toBe(0);
  });

  it("answers a thread reply only once its comment is stored", async () => {
    const res = await sendToSlackEndpoint(s.endpoint, threadReply("Stored before the answer", "EvStored"), JSON_TYPE);
    expect(res.status).toBe(200);
    // No polling: the 200 itself says the comment is in the database.
    expect(await commentsSaying("Stored before the answer")).toBe(1);
  });

  it("refuses the same signed bytes sent again, so a captured request cannot be replayed", async () => {
    const body = threadReply("Said once", "EvReplayed");
    const timestamp = now();
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp })).status).toBe(200);
    const replay = await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp });
    expect(replay.status).toBe(401);
    expect(await commentsSaying("Said once")).toBe(1);
  });

  it("takes Slack's own retry (signed anew) and still makes one comment", async () => {
    const body = threadReply("Retried by Slack", "EvRetried");
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now() - 1 })).status).toBe(200);
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now(), retryNum: 1 })).status).toBe(200);
    expect(await commentsSaying("Retried by Slack")).toBe(1);
  });

  it("answers a button it does not know with 200 at once, not a 404 after 3 seconds", async () => {
    const started = Date.now();
    const res = await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "nobody.knows.this", value: "1" }), FORM);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("answers a slash command it does not know with a private pointer to /case help", async () => {
    const res = await sendToSlackEndpoint(s.endpoint, commandBody({ command: "/dance", text: "", user: s.users.ada, responseUrl: s.slack.responseUrl() }), FORM);
    expect(res.json()).toEqual({ response_type: "ephemeral", text: "That is not something carebot knows; try /case help" });
  });

  it("refuses a command or a button whose response_url is not Slack's, so no answer can be steered to another host", async () => {
    const before = s.slack.calls.length;
    const command = await sendToSlackEndpoint(s.endpoint, commandBody({ text: "list", user: s.users.ada, responseUrl: "http://169.254.169.254/latest/meta-data" }), FORM);
    expect(command.status).toBe(400);
    const button = await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "case.details", value: c.number, responseUrl: "https://hooks.slack.com.evil.test/x" }), FORM);
    expect(button.status).toBe(400);
    expect(s.slack.calls.length).toBe(before);
    // Slack's own response_url is taken as always.
    const fine = await sendToSlackEndpoint(s.endpoint, commandBody({ text: "help", user: s.users.ada, responseUrl: "https://hooks.slack.com/commands/T1/1/abc" }), FORM);
    expect(fine.status).toBe(200);
  });

  it("at LOG_LEVEL=debug, a test login revealed to staff never reaches the log, nor does the bot token", async () => {
    const card = { ts: "1700000000.000002", type: "message", text: "card" };
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.eve, actionId: "case.revealCredentials", value: c.number, channel: "CTRIAGE", message: card }), FORM);
    // Eve sees it: the modal Slack was asked to open holds the password.
    await s.slack.waitFor("views.open", (a) => JSON.stringify(a.view).includes(CANARY));
    expect(s.t.logLines.some((l) => l.includes('"level":20') && l.includes("views.open"))).toBe(true); // the debug lines were written
    expect(s.t.logLines.filter((l) => l.includes("Pa55"))).toEqual([]);
    expect(s.t.logLines.filter((l) => l.includes("xoxb-test-token"))).toEqual([]);
  });

  describe("with a slow Slack API (a new user's email takes 3.5 s to look up)", () => {
    beforeAll(() => {
      s.slack.delayMs = 3_500;
    });
    afterAll(() => {
      s.slack.delayMs = 0;
    });

    it("an event still unfinished after 2.5 s is not confirmed: 503, so Slack sends it again", async () => {
      const started = Date.now();
      const res = await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_home_opened", user: "UNEWCOMER2", channel: "DNEW", tab: "home", event_ts: "1700000009.1" }, "EvSlow"), JSON_TYPE);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000);
      // Its work goes on and ends (publishing the home tab); a retry would only publish it again.
      await s.slack.waitFor("views.publish", (a) => a.user_id === "UNEWCOMER2", 6_000);
    });

    it("a form is answered within Slack's 3 seconds even when its work takes longer", async () => {
      const values = { accountId: s.w.accounts.acme.id, caseType: "HOW_TO", severity: "S4", subject: "Slow lookups everywhere", description: "Slow lookups", feature: "player/embed" };
      const started = Date.now();
      const res = await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: "UNEWCOMER1", view: { callback_id: "case.new", type: "modal", blocks: [], private_metadata: JSON.stringify({ key: "slow-form-0001" }) }, values }), FORM);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(s.t.logLines.some((l) => l.includes("no answer to a Slack request within 2.5 s") && l.includes('"kind":"interaction"'))).toBe(true);
    });
  });
});

describe("Slack: one user cannot flood carebot", () => {
  let s: SlackWorld;
  beforeAll(async () => {
    s = await startSlackWorld({ RATE_LIMIT_USER_BURST: "2", RATE_LIMIT_USER_PER_MINUTE: "1" });
  });
  afterAll(() => s.close());

  it("over the limit, Ada is asked politely to wait and nothing she sends is done; Eve is not affected", async () => {
    // Each command Slack sends has its own trigger id, so none is a replay of another.
    const help = (n: number) => commandBody({ text: "help", user: s.users.ada, responseUrl: s.slack.responseUrl(), triggerId: `t-${n}` });
    for (const n of [1, 2]) expect(String((await sendToSlackEndpoint(s.endpoint, help(n), FORM)).json().text)).toContain("/case new");

    const refused = await sendToSlackEndpoint(s.endpoint, help(3), FORM);
    expect(refused.status).toBe(200);
    expect(refused.json()).toEqual({ response_type: "ephemeral", text: RATE_LIMITED_MESSAGE });
    const refusal = s.t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "rate limited: request refused");
    expect(refusal).toMatchObject({ level: 40, platform: "slack", team: "T1", user: s.users.ada, scope: "user", kind: "command" });

    // An event not taken is not confirmed: 429 with Retry-After, so Slack sends it again later.
    const event = await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_home_opened", user: s.users.ada, channel: "DADA", tab: "home", event_ts: "1700000009.1" }, "EvFlood"), JSON_TYPE);
    expect(event.status).toBe(429);
    expect(Number(event.headers.get("retry-after"))).toBeGreaterThan(0);

    // A click is answered (Slack needs that) and nothing is done.
    const calls = s.slack.calls.length;
    const click = await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "home.refresh", value: "x" }), FORM);
    expect(click.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.slack.calls.length).toBe(calls);

    const eve = await sendToSlackEndpoint(s.endpoint, commandBody({ text: "help", user: s.users.eve, responseUrl: s.slack.responseUrl() }), FORM);
    expect(String(eve.json().text)).toContain("/case new");
  });
});
