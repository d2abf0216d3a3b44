import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceTokens } from "../../src/adapters/slack/workspace-tokens.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { ManualClock } from "../../src/core/clock.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { createCore } from "../../src/core/index.ts";
import { commandBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, startTwoWorkspaces, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { as, filing } from "../support/world.ts";

/**
 * Issue 13: Slack token rotation. A customer's workspace installed with rotation on has
 * a bot token that lives 12 hours and a refresh token that is good once. carebot
 * refreshes the token before it expires (oauth.v2.access, grant_type=refresh_token,
 * answered by the local OAuth server) when a request comes from the workspace and when
 * the outbox posts there, stores the new tokens sealed, and two instances refreshing at
 * once do not spend the refresh token twice. The clock is the server's injected one.
 */
const FORM = "application/x-www-form-urlencoded";
const HOUR = 3_600_000;
const KEY = Buffer.alloc(32, 7);

describe("Slack token rotation", () => {
  let s: TwoWorkspaces;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    s = await startTwoWorkspaces({ SLACK_TRIAGE_CHANNEL: "CTRIAGE", CREDENTIALS_KEY: KEY.toString("base64") }, { clock, oauth: true });
    s.slack.emails.set("UROT", "alan@acme.test");
    // TROT installed with rotation on: its first token expires in 12 hours.
    await s.install({ teamId: "TROT", token: "xoxe.xoxb-TROT-first", refreshToken: "xoxe-1-TROT-first", expiresAt: new Date(clock.now().getTime() + 12 * HOUR) });
    s.oauth!.issueRefresh({ teamId: "TROT", teamName: "Rotating Co", botToken: "xoxe.xoxb-TROT-first", refreshToken: "xoxe-1-TROT-first" });
    await s.t.app.core.workspaces.link({ actor: { operator: true }, source: "cli" }, { platform: "slack", tenantId: "TROT", accountId: s.w.accounts.acme.id });
  });
  afterAll(() => s?.close());

  const command = (text = "list") =>
    sendToSlackEndpoint(s.t.url("/slack/events"), commandBody({ text, user: "UROT", team: "TROT", responseUrl: new URL("/respond/rot", s.recorder.apiUrl).toString() }), FORM, { timestamp: Math.floor(clock.now().getTime() / 1000) });
  const refreshCalls = () => s.oauth!.calls.filter((c) => c.method === "oauth.v2.access" && c.args.grant_type === "refresh_token");
  const lastUsersInfoToken = () => s.recorder.tokensOf("users.info").at(-1);
  const row = () => s.t.app.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "T:TROT" } });

  it("a token far from expiry is used as it is: nothing refreshed", async () => {
    expect((await command()).status).toBe(200);
    await s.slack.waitFor("users.info", (a) => a.user === "UROT");
    expect(lastUsersInfoToken()).toBe("xoxe.xoxb-TROT-first");
    expect(refreshCalls()).toHaveLength(0);
  });

  it("a request from the workspace within two hours of the token's expiry refreshes it first, with our client credentials, and stores the new tokens sealed", async () => {
    clock.advance(10.5 * HOUR);
    // A colleague's first request: carebot asks Slack who they are (users.info) with the workspace's token.
    s.slack.emails.set("UROT2", "alan@acme.test");
    const res = await sendToSlackEndpoint(
      s.t.url("/slack/events"),
      commandBody({ text: "list", user: "UROT2", team: "TROT", responseUrl: new URL("/respond/rot2", s.recorder.apiUrl).toString() }),
      FORM,
      { timestamp: Math.floor(clock.now().getTime() / 1000) },
    );
    expect(res.status).toBe(200);
    await s.slack.waitFor("users.info", (a) => a.user === "UROT2");
    expect(lastUsersInfoToken()).toBe("xoxe.xoxb-TROT-refreshed-1");
    expect(refreshCalls()).toHaveLength(1);
    expect(refreshCalls()[0]!.args).toMatchObject({ refresh_token: "xoxe-1-TROT-first", client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET });
    const stored = await row();
    expect(JSON.stringify(stored)).not.toMatch(/xoxe/);
    expect(stored.botTokenExpiresAt!.getTime()).toBe(Math.floor(clock.now().getTime() / 1000) * 1000 + 12 * HOUR);
    expect(stored.refreshingUntil).toBeNull();
  });

  it("the outbox refreshes a token that expired meanwhile before it posts into the workspace", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.app.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: "Rotating workspace" }));
    await s.t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: "TROT", channelId: "CROT", threadId: "1700000000.000300", audience: "CUSTOMER" });
    clock.advance(13 * HOUR); // past the refreshed token's expiry
    await s.t.app.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Which encoder do you use?" });
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CROT")).toEqual(["xoxe.xoxb-TROT-refreshed-2"]);
    expect(refreshCalls().map((c) => c.args.refresh_token)).toEqual(["xoxe-1-TROT-first", "xoxe-1-TROT-refresh-1"]);
  });

  it("two instances that find the token due at once refresh it once: the other waits for the new token instead of spending the refresh token again", async () => {
    // Two more servers' cores on the same database (another instance each), with their own token memory.
    const instance = () => createCore({ prisma: s.t.app.db.prisma, clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(KEY), logger: s.t.app.logger });
    const [a, b] = [instance(), instance()];
    for (const core of [a, b]) workspaceTokens(core).useRefresh({ clientId: OAUTH_CLIENT_ID, clientSecret: OAUTH_CLIENT_SECRET, apiUrl: s.recorder.apiUrl });
    clock.advance(13 * HOUR);
    s.oauth!.refreshDelayMs = 300;
    const before = refreshCalls().length;
    const [ta, tb] = await Promise.all([workspaceTokens(a).forWorkspace("TROT"), workspaceTokens(b).forWorkspace("TROT")]);
    s.oauth!.refreshDelayMs = 0;
    expect(refreshCalls().length - before).toBe(1);
    expect(ta).toMatchObject({ kind: "installed", token: "xoxe.xoxb-TROT-refreshed-3" });
    expect(tb).toMatchObject({ kind: "installed", token: "xoxe.xoxb-TROT-refreshed-3" });
    // The stored refresh token is the one Slack gave last, so the next refresh works.
    expect(s.oauth!.refreshTokens.has("xoxe-1-TROT-refresh-3")).toBe(true);
    expect((await row()).refreshingUntil).toBeNull();
  });

  it("a workspace uninstalled while its token was due is not brought back by a refresh", async () => {
    await s.t.app.core.slackInstallations.remove({ teamId: "TROT" }, "uninstalled");
    clock.advance(13 * HOUR);
    const before = refreshCalls().length;
    expect(await workspaceTokens(s.t.app.core).forWorkspace("TROT")).toEqual({ kind: "removed" });
    expect(refreshCalls().length).toBe(before);
    expect((await row()).removedAt).not.toBeNull();
  });
});
