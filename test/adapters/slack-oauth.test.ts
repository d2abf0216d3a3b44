import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstallationStore } from "../../src/adapters/slack/installation-store.ts";
import { loadSlackOAuthConfig } from "../../src/adapters/slack/oauth-config.ts";
import { startSlackOAuth } from "../../src/adapters/slack/oauth.ts";
import { FakeSlackOAuth, ROTATING_TOKEN_SECONDS } from "../fakes/slack-oauth.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

/**
 * Issue 13, step 3: a customer's Slack admin installs carebot from our install page
 * (Bolt's InstallProvider), Slack's oauth.v2.access answered by a local server. The
 * state ties the redirect to an install that started on our page, in the same browser.
 */
const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "client-secret-for-tests";
const env = {
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: "state-secret-of-at-least-32-characters!!",
  PUBLIC_BASE_URL: "https://support.vendor.example",
};

describe("installing carebot into a customer's Slack workspace (OAuth v2)", () => {
  let t: TestApp;
  let slack: FakeSlackOAuth;

  beforeAll(async () => {
    slack = new FakeSlackOAuth(CLIENT_ID, CLIENT_SECRET);
    await slack.start();
    t = await startTestApp({});
    startSlackOAuth({ env, core: t.app.core, http: t.app.http, logger: t.app.logger, slackApiUrl: slack.apiUrl });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.stop();
  });

  /** The admin opens the install page: its Add to Slack link carries the state, the cookie binds it to this browser. */
  async function openInstallPage(): Promise<{ state: string; cookie: string; link: URL }> {
    const res = await fetch(t.url("/slack/install"));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Add to Slack");
    const href = /id="add-to-slack" href="([^"]+)"/.exec(html)![1]!.replace(/&#38;/g, "&");
    const link = new URL(href);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("slack-app-oauth-state="))!.split(";")[0]!;
    return { state: link.searchParams.get("state")!, cookie, link };
  }

  const redirect = (query: Record<string, string>, cookie?: string) =>
    fetch(t.url(`/slack/oauth_redirect?${new URLSearchParams(query)}`), { headers: cookie ? { cookie } : {} });

  const tokenOf = async (teamId: string) =>
    (await createInstallationStore(t.app.core).fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token;

  it("the install page sends the admin to Slack with our client id, the manifest's scopes and our redirect", async () => {
    const { link, state } = await openInstallPage();
    expect(link.origin + link.pathname).toBe("https://slack.com/oauth/v2/authorize");
    expect(link.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(link.searchParams.get("scope")).toContain("users:read.email");
    expect(link.searchParams.get("redirect_uri")).toBe("https://support.vendor.example/slack/oauth_redirect");
    expect(state.length).toBeGreaterThan(20);
  });

  it("two workspaces install: each installation keeps its own token, sealed, and Slack saw our client credentials", async () => {
    slack.issueCode("code-a", { teamId: "T-ALPHA", teamName: "Alpha Co", botToken: "xoxb-alpha-token" });
    slack.issueCode("code-b", { teamId: "T-BETA", teamName: "Beta Inc", botToken: "xoxb-beta-token" });
    for (const code of ["code-a", "code-b"]) {
      const { state, cookie } = await openInstallPage();
      const res = await redirect({ code, state }, cookie);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/carebot is now installed in (Alpha Co|Beta Inc)/);
    }
    expect(await tokenOf("T-ALPHA")).toBe("xoxb-alpha-token");
    expect(await tokenOf("T-BETA")).toBe("xoxb-beta-token");
    const rows = await t.app.db.prisma.$queryRaw<unknown[]>`SELECT * FROM "SlackInstallation"`;
    expect(JSON.stringify(rows)).not.toMatch(/xoxb-/);
    // auth.test after each exchange went with that workspace's own new token.
    expect(slack.calls.filter((c) => c.method === "auth.test").map((c) => c.authorization)).toEqual(["Bearer xoxb-alpha-token", "Bearer xoxb-beta-token"]);
    expect(slack.calls.filter((c) => c.method === "oauth.v2.access")).toHaveLength(2);
  });

  it("a workspace installed with token rotation on keeps its refresh token sealed and its expiry on record", async () => {
    slack.issueCode("code-rot", { teamId: "TROTATES", teamName: "Rotates Ltd", botToken: "xoxe.xoxb-rotates", refreshToken: "xoxe-1-rotates" });
    const { state, cookie } = await openInstallPage();
    const before = Date.now();
    expect((await redirect({ code: "code-rot", state }, cookie)).status).toBe(200);
    const installation = await createInstallationStore(t.app.core).fetchInstallation({ teamId: "TROTATES", enterpriseId: undefined, isEnterpriseInstall: false });
    expect(installation.bot).toMatchObject({ token: "xoxe.xoxb-rotates", refreshToken: "xoxe-1-rotates" });
    const row = await t.app.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "T:TROTATES" } });
    expect(row.secretsSealed).not.toMatch(/xoxe/);
    // Slack said the token lives 12 hours.
    expect(Math.abs(row.botTokenExpiresAt!.getTime() - (before + ROTATING_TOKEN_SECONDS * 1000))).toBeLessThan(60_000);
  });

  it("an Enterprise Grid org admin's org-wide install is kept for the org (E…), not for a workspace", async () => {
    slack.issueCode("code-org", { teamId: "TORGFIRST", teamName: "Org", botToken: "xoxb-org-wide", enterpriseId: "EORGWIDE", orgInstall: true });
    const { state, cookie } = await openInstallPage();
    const res = await redirect({ code: "code-org", state }, cookie);
    expect(res.status).toBe(200);
    expect(await t.app.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "E:EORGWIDE" } })).toMatchObject({ teamId: null, enterpriseId: "EORGWIDE", orgInstall: true });
    expect((await createInstallationStore(t.app.core).fetchInstallation({ teamId: undefined, enterpriseId: "EORGWIDE", isEnterpriseInstall: true })).bot?.token).toBe("xoxb-org-wide");
  });

  it("a redirect whose state is forged, missing, or arrives without the browser's cookie installs nothing and answers 400", async () => {
    slack.issueCode("code-evil", { teamId: "T-EVIL", teamName: "Evil", botToken: "xoxb-evil-token" });
    const { state, cookie } = await openInstallPage();
    const attempts = [
      await redirect({ code: "code-evil", state: state.slice(0, -3) + "abc" }, cookie),
      await redirect({ code: "code-evil" }, cookie),
      await redirect({ code: "code-evil", state }),
      await redirect({ state }, cookie),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("carebot was not installed");
    }
    expect(await t.app.db.prisma.slackInstallation.count({ where: { teamId: "T-EVIL" } })).toBe(0);
    expect(slack.codes.has("code-evil")).toBe(true); // never exchanged
  });

  it("a code Slack refuses (used twice) installs nothing and answers 400, the code kept out of the log", async () => {
    const { state, cookie } = await openInstallPage();
    const res = await redirect({ code: "code-a", state }, cookie);
    expect(res.status).toBe(400);
    expect(t.logLines.join("\n")).not.toContain("code-a");
    expect(t.logLines.join("\n")).not.toContain(CLIENT_SECRET);
  });

  it("an admin who cancels at Slack, or a garbled redirect, gets the start-again page (400), never a 5xx", async () => {
    const { state, cookie } = await openInstallPage();
    const queries: Record<string, string>[] = [{ error: "access_denied", state }, { code: "x".repeat(5000), state: "%%%" }, { code: "c", state: "a.b.c" }];
    for (const query of queries) {
      const res = await redirect(query, cookie);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Start again from the install page");
    }
    expect((await fetch(t.url("/slack/oauth_redirect"))).status).toBe(400);
  });

  it("OAuth settings are all or nothing, named when one is missing, never echoed", () => {
    expect(loadSlackOAuthConfig({}).enabled).toBe(false);
    expect(() => loadSlackOAuthConfig({ ...env, SLACK_STATE_SECRET: undefined })).toThrow(/SLACK_STATE_SECRET must be set too/);
    expect(() => loadSlackOAuthConfig({ ...env, PUBLIC_BASE_URL: undefined })).toThrow(/PUBLIC_BASE_URL must be set too/);
    expect(() => loadSlackOAuthConfig({ ...env, SLACK_STATE_SECRET: "short-secret" })).toThrow(/at least 32/);
    expect(() => loadSlackOAuthConfig({ ...env, SLACK_STATE_SECRET: "short-secret" })).not.toThrow(/short-secret/);
  });
});
