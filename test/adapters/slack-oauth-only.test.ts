import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VENDOR_WAIT_MS } from "../../src/adapters/slack/delivery.ts";
import { startSlackOAuth } from "../../src/adapters/slack/oauth.ts";
import { loadConfig, slackEnabled } from "../../src/config.ts";
import { ManualClock } from "../../src/core/clock.ts";
import type { CaseError } from "../../src/core/errors.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { FakeSlackOAuth } from "../fakes/slack-oauth.ts";
import { SlackTokenRecorder } from "../fakes/slack-token-recorder.ts";
import { commandBody, sendToSlackEndpoint, SIGNING_SECRET } from "../support/slack-requests.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { startTwoWorkspaces, VENDOR_TOKEN, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { as, buildWorld, filing, operator, type World } from "../support/world.ts";

/**
 * Issue 13: Slack with OAuth alone, no SLACK_BOT_TOKEN. The vendor names its own
 * workspace (SLACK_VENDOR_TEAM_ID) and installs carebot there through /slack/install
 * like any customer; from then on that installation's token posts to the triage channel
 * and answers the vendor's workspace, while each customer's workspace gets its own
 * token. Before the vendor's install, what goes to the vendor's channels waits (not
 * counted as failures) and goes out after the install. Slack's oauth.v2.access and
 * auth.test are answered by the local OAuth server, every other Web API call by the
 * local Slack API behind a recorder of the Authorization header.
 */
const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "client-secret-for-tests";
const OAUTH_ENV = {
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: "state-secret-of-at-least-32-characters!!",
  PUBLIC_BASE_URL: "https://support.vendor.example",
};
const VENDOR = { teamId: "TVENDOR", teamName: "Vendor Inc", botToken: "xoxb-vendor-installed" };
const CUSTOMER = { teamId: "TCUST", teamName: "Acme Media", botToken: "xoxb-customer-installed" };
const FORM = "application/x-www-form-urlencoded";

describe("Slack with OAuth alone: the vendor's own workspace is an installation too", () => {
  const clock = new ManualClock(new Date());
  let slack: FakeSlackApi;
  let recorder: SlackTokenRecorder;
  let oauth: FakeSlackOAuth;
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    slack = new FakeSlackApi();
    await slack.start();
    recorder = new SlackTokenRecorder(slack.apiUrl);
    await recorder.start();
    oauth = new FakeSlackOAuth(CLIENT_ID, CLIENT_SECRET);
    await oauth.start();
    recorder.divert.set("oauth.v2.access", oauth.apiUrl);
    recorder.divert.set("auth.test", oauth.apiUrl);
    // No SLACK_BOT_TOKEN anywhere.
    t = await startTestApp({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_VENDOR_TEAM_ID: VENDOR.teamId, SLACK_API_URL: recorder.apiUrl, SLACK_TRIAGE_CHANNEL: "CTRIAGE", SLACK_ONCALL_CHANNEL: "CONCALL", SLACK_MANAGEMENT_CHANNEL: "CMGMT", ...OAUTH_ENV }, { clock });
    startSlackOAuth({ env: { ...OAUTH_ENV, SLACK_VENDOR_TEAM_ID: VENDOR.teamId }, core: t.app.core, http: t.app.http, logger: t.app.logger, slackApiUrl: recorder.apiUrl });
    w = await buildWorld(t.app.core);
  });
  afterAll(async () => {
    await t?.close();
    await oauth?.stop();
    await recorder?.stop();
    await slack?.stop();
  });

  /** An admin installs carebot from our install page: the real /slack/install → /slack/oauth_redirect flow. */
  async function install(code: string, workspace: typeof VENDOR, says = /links the workspace to your customer account/): Promise<void> {
    oauth.issueCode(code, workspace);
    const page = await fetch(t.url("/slack/install"));
    expect(page.status).toBe(200);
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith("slack-app-oauth-state="))!.split(";")[0]!;
    const state = new URL(/id="add-to-slack" href="([^"]+)"/.exec(await page.text())![1]!.replace(/&#38;/g, "&")).searchParams.get("state")!;
    const done = await fetch(t.url(`/slack/oauth_redirect?${new URLSearchParams({ code, state })}`), { headers: { cookie } });
    const text = await done.text();
    expect(text).toContain(`carebot is now installed in ${workspace.teamName}`);
    expect(text).toMatch(says);
  }

  const notLoggedTwice = () => t.logLines.filter((l) => l.includes("carebot is not installed in the vendor's own workspace")).length;

  it("the server starts with the Slack adapter on and says at start-up that the vendor's own workspace is still to be installed", async () => {
    expect(t.app.slack).toBeDefined();
    expect((await fetch(t.url("/slack/install"))).status).toBe(200);
    expect(t.logLines.some((l) => l.includes("carebot is not installed in the vendor's own workspace") && l.includes("/slack/install"))).toBe(true);
  });

  it("a customer installs their workspace and it is linked to Acme", async () => {
    await install("code-customer", CUSTOMER);
    await t.app.core.workspaces.link(operator, { platform: "slack", tenantId: CUSTOMER.teamId, accountId: w.accounts.acme.id });
  });

  it("before the vendor installs, a new case's triage card waits: deferred, no attempt counted, logged once with what to do", async () => {
    const before = notLoggedTwice();
    const { case: c } = await t.app.core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "Waiting for the vendor" }));
    await t.app.worker!.runOnce();
    expect(recorder.tokensTo("chat.postMessage", "CTRIAGE")).toEqual([]);
    const waiting = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.filed" } });
    expect(waiting).toMatchObject({ status: "PENDING", attempts: 0 });
    expect(waiting.availableAt.getTime()).toBe(clock.now().getTime() + VENDOR_WAIT_MS);
    clock.advance(VENDOR_WAIT_MS + 1_000);
    await t.app.worker!.runOnce();
    expect(recorder.tokensTo("chat.postMessage", "CTRIAGE")).toEqual([]);
    expect(await t.app.db.prisma.notification.findFirstOrThrow({ where: { id: waiting.id } })).toMatchObject({ status: "PENDING", attempts: 0 });
    // Once per process, not once per try.
    expect(notLoggedTwice() - before).toBe(1);
  });

  it("before the vendor installs, a /case from a workspace without an installation (a Slack Connect guest) is told carebot is not installed in the vendor's workspace yet, and nothing is posted", async () => {
    const posts = recorder.calls.length;
    const res = await sendToSlackEndpoint(
      t.url("/slack/events"),
      commandBody({ text: "list", user: "UGUEST", team: "TGUEST", responseUrl: new URL("/respond/guest", recorder.apiUrl).toString() }),
      FORM,
      { timestamp: Math.floor(clock.now().getTime() / 1000) },
    );
    expect(res.status).toBe(200);
    expect(String(res.json().text)).toContain("carebot is not installed in your vendor's own Slack workspace yet");
    expect(recorder.calls.length).toBe(posts);
  });

  it("once the vendor installs its own workspace through /slack/install, the waiting triage card goes out with that installation's token", async () => {
    await install("code-vendor", VENDOR, /It is your own workspace/);
    clock.advance(VENDOR_WAIT_MS + 1_000);
    await t.app.worker!.runOnce();
    expect(recorder.tokensTo("chat.postMessage", "CTRIAGE")).toEqual([VENDOR.botToken]);
    expect(await t.app.db.prisma.notification.count({ where: { event: "case.filed", status: "PENDING" } })).toBe(0);
  });

  it("a new case's triage card is posted at once with the vendor installation's token", async () => {
    await t.app.core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "Second case" }));
    await t.app.worker!.runOnce();
    expect(recorder.tokensTo("chat.postMessage", "CTRIAGE")).toEqual([VENDOR.botToken, VENDOR.botToken]);
  });

  it("escalations to on-call and management, and a partner's hand-off channel, are posted with the vendor installation's token", async () => {
    const customer = as(w.people.acmeUser.id);
    const { case: c } = await t.app.core.cases.file(customer, filing(w.accounts.acme.id, { subject: "Escalated" }));
    await t.app.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "Any news?" });
    await t.app.core.cases.escalate(customer, c.number, { reason: "REQUESTING_MANAGEMENT_ATTENTION", description: "Our launch is on Friday." });
    await t.app.core.cases.handToPartner(as(w.people.engineer.id), c.number, { partnerId: w.partners.partner.id, note: "Their integration" });
    await t.app.worker!.runOnce();
    for (const channel of ["CONCALL", "CMGMT", "CPARTNER"]) {
      const tokens = recorder.tokensTo("chat.postMessage", channel);
      expect(tokens.length, channel).toBeGreaterThan(0);
      expect(new Set(tokens), channel).toEqual(new Set([VENDOR.botToken]));
    }
  });

  it("a reply into the customer's workspace thread carries the customer's own token", async () => {
    const customer = as(w.people.acmeUser.id);
    const { case: c } = await t.app.core.cases.file(customer, filing(w.accounts.acme.id, { subject: "Thread in the customer's workspace" }));
    await t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: CUSTOMER.teamId, channelId: "CCUST", threadId: "1700000000.000100", audience: "CUSTOMER" });
    await t.app.core.cases.comment(as(w.people.engineer.id), c.number, { body: "Which player version do you run?" });
    await t.app.worker!.runOnce();
    expect(recorder.tokensTo("chat.postMessage", "CCUST")).toEqual([CUSTOMER.botToken]);
  });

  it("a request from the vendor's workspace is answered with the vendor installation's token, and its users count as the vendor's own (email matching in any account)", async () => {
    slack.emails.set("UVEND", "alan@acme.test");
    const res = await sendToSlackEndpoint(
      t.url("/slack/events"),
      commandBody({ text: "list", user: "UVEND", team: VENDOR.teamId, responseUrl: new URL("/respond/vendor", recorder.apiUrl).toString() }),
      FORM,
      { timestamp: Math.floor(clock.now().getTime() / 1000) },
    );
    expect(res.status).toBe(200);
    await slack.waitFor("users.info", (a) => a.user === "UVEND");
    expect(recorder.tokensOf("users.info").at(-1)).toBe(VENDOR.botToken);
    await expect.poll(() => t.app.db.prisma.chatIdentity.count({ where: { platform: "slack", tenantId: VENDOR.teamId, userId: "UVEND", personId: w.people.acmeUser2.id } })).toBe(1);
  });

  it("a request from the customer's workspace is answered with the customer's token", async () => {
    slack.emails.set("UCUST", "ada@acme.test");
    const res = await sendToSlackEndpoint(
      t.url("/slack/events"),
      commandBody({ text: "list", user: "UCUST", team: CUSTOMER.teamId, responseUrl: new URL("/respond/customer", recorder.apiUrl).toString() }),
      FORM,
      { timestamp: Math.floor(clock.now().getTime() / 1000) },
    );
    expect(res.status).toBe(200);
    await slack.waitFor("users.info", (a) => a.user === "UCUST");
    expect(recorder.tokensOf("users.info").at(-1)).toBe(CUSTOMER.botToken);
  });
});

describe("Slack settings for OAuth alone", () => {
  const base = { SLACK_SIGNING_SECRET: SIGNING_SECRET, DATA_DIR: "memory://" };
  const refusedField = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      return { field: (error as CaseError).field, message: (error as CaseError).message };
    }
    return undefined;
  };

  it("OAuth settings without SLACK_BOT_TOKEN need SLACK_VENDOR_TEAM_ID, named", () => {
    expect(refusedField({ ...base, ...OAUTH_ENV })).toMatchObject({ field: "SLACK_VENDOR_TEAM_ID" });
    const config = loadConfig({ ...base, ...OAUTH_ENV, SLACK_VENDOR_TEAM_ID: "TVENDOR" });
    expect(slackEnabled(config)).toBe(true);
  });

  it("a malformed SLACK_VENDOR_TEAM_ID is named, never echoed", () => {
    const refused = refusedField({ ...base, ...OAUTH_ENV, SLACK_VENDOR_TEAM_ID: "xoxb-oops-a-token" });
    expect(refused).toMatchObject({ field: "SLACK_VENDOR_TEAM_ID" });
    expect(refused!.message).not.toContain("xoxb-oops-a-token");
  });

  it("without OAuth, SLACK_BOT_TOKEN is still required beside the signing secret", () => {
    expect(refusedField(base)).toMatchObject({ field: "SLACK_BOT_TOKEN" });
    expect(refusedField({ ...base, SLACK_VENDOR_TEAM_ID: "TVENDOR" })).toMatchObject({ field: "SLACK_BOT_TOKEN" });
  });
});

describe("Slack with both SLACK_BOT_TOKEN and an OAuth installation of the vendor's workspace", () => {
  let s: TwoWorkspaces;
  beforeAll(async () => {
    // T1 is SLACK_BOT_TOKEN's workspace (the local Slack API's auth.test) and is also installed with OAuth.
    s = await startTwoWorkspaces({ SLACK_TRIAGE_CHANNEL: "CTRIAGE", SLACK_VENDOR_TEAM_ID: "T1" }, { oauth: true });
    await s.install({ teamId: "T1", token: "xoxb-vendor-oauth-install" });
  });
  afterAll(() => s?.close());

  it("SLACK_BOT_TOKEN wins in the vendor's workspace: the triage card and a vendor thread carry it, not the installation's", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.app.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: "Both set" }));
    await s.t.app.core.threads.follow(as(s.w.people.engineer.id), { case: c.number, platform: "slack", tenantId: "T1", channelId: "CVENDOR", threadId: "1700000000.000200", audience: "STAFF" });
    await s.t.app.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Looking into it" });
    await s.t.app.worker!.runOnce();
    for (const channel of ["CTRIAGE", "CVENDOR"]) {
      const tokens = s.recorder.tokensTo("chat.postMessage", channel);
      expect(tokens.length).toBeGreaterThan(0);
      expect(new Set(tokens)).toEqual(new Set([VENDOR_TOKEN]));
    }
  });
});
