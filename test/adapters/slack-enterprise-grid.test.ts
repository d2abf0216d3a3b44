import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { startTwoWorkspaces, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { as, filing, operator } from "../support/world.ts";

/**
 * Issue 13: Enterprise Grid. A customer's org admin installs carebot org-wide (one
 * installation for the org EGRID, no workspace of its own); support links the org to
 * Acme. Requests from any of the org's workspaces are answered with the org install's
 * token, their users are matched by email through the org's link, the outbox posts into
 * the org's channels with that token, and a workspace of another org gains nothing from
 * EGRID's link. Removed, the org gets nothing more, and its users are told what to do.
 */
const FORM = "application/x-www-form-urlencoded";
const ORG_TOKEN = "xoxb-grid-org-token";

describe("an Enterprise Grid org installed org-wide", () => {
  let s: TwoWorkspaces;

  beforeAll(async () => {
    s = await startTwoWorkspaces({ SLACK_TRIAGE_CHANNEL: "CTRIAGE" });
    await s.install({ enterpriseId: "EGRID", orgInstall: true, token: ORG_TOKEN });
    await s.t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "EGRID", accountId: s.w.accounts.acme.id });
    s.slack.emails.set("UGRID", "alan@acme.test");
    s.slack.emails.set("UOTHERORG", "ada@acme.test");
  });
  afterAll(() => s?.close());

  /**
   * A /case command from a workspace of a Grid org, as Slack signs it (enterprise_id and
   * is_enterprise_install beside team_id). Each has its own trigger, as Slack's do: the
   * same signed bytes twice within a second are a replay, answered and ignored.
   */
  let triggers = 0;
  async function command(team: string, enterprise: string, user: string, orgInstall: boolean, text = "list") {
    const from = s.slack.calls.length;
    const body = `${commandBody({ text, user, team, triggerId: `t-grid-${++triggers}`, responseUrl: new URL(`/respond/${user}`, s.recorder.apiUrl).toString() })}&${new URLSearchParams({ enterprise_id: enterprise, is_enterprise_install: String(orgInstall) })}`;
    const res = await sendToSlackEndpoint(s.t.url("/slack/events"), body, FORM);
    expect(res.status).toBe(200);
    const said = () => res.text + JSON.stringify(s.slack.calls.slice(from).filter((c) => c.method === "respond"));
    await expect.poll(() => said().length > 2, { timeout: 5000 }).toBe(true);
    return said();
  }

  it("a user of a workspace in the org is answered with the org install's token and matched through the org's link", async () => {
    const said = await command("TGRIDA", "EGRID", "UGRID", true);
    expect(said).not.toContain("not linked");
    expect(s.recorder.calls.filter((c) => c.method === "users.info").at(-1)?.authorization).toBe(`Bearer ${ORG_TOKEN}`);
    expect(await s.t.app.db.prisma.chatIdentity.findFirst({ where: { tenantId: "TGRIDA", userId: "UGRID" } })).toMatchObject({ personId: s.w.people.acmeUser2.id });
    expect(await s.t.app.db.prisma.slackGridWorkspace.findUnique({ where: { teamId: "TGRIDA" } })).toMatchObject({ enterpriseId: "EGRID" });
  });

  it("the outbox posts into the org's channels with the org install's token", async () => {
    const customer = as(s.w.people.acmeUser2.id);
    const { case: c } = await s.t.app.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: "Grid org's stream drops" }));
    await s.t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: "TGRIDA", channelId: "CGRID", threadId: "1700000000.000400", audience: "CUSTOMER" });
    await s.t.app.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Which region?" });
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CGRID")).toEqual([ORG_TOKEN]);
    expect(s.recorder.tokensTo("chat.postMessage", "CTRIAGE").every((token) => token === "xoxb-vendor-token")).toBe(true);
  });

  it("a workspace of another org gains nothing from EGRID's link, whatever email its users have", async () => {
    const said = await command("TOTHERORG", "EOTHER", "UOTHERORG", false);
    expect(said).toContain("Your Slack workspace is not linked to a customer account yet");
    expect(await s.t.app.db.prisma.chatIdentity.count({ where: { userId: "UOTHERORG" } })).toBe(0);
  });

  it("unlinking the org ends its workspaces' matches too", async () => {
    const result = await s.t.app.core.workspaces.unlink(operator, { platform: "slack", tenantId: "EGRID", accountId: s.w.accounts.acme.id });
    expect(result.identitiesRemoved).toBe(1);
    const said = await command("TGRIDA", "EGRID", "UGRID", true);
    expect(said).toContain("Your Slack workspace is not linked to a customer account yet");
    await s.t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "EGRID", accountId: s.w.accounts.acme.id });
  });

  it("once the org uninstalls, its users are told what to do and nothing more is posted there", async () => {
    await s.t.app.core.slackInstallations.remove({ enterpriseId: "EGRID", orgInstall: true }, "uninstalled");
    const said = await command("TGRIDA", "EGRID", "UGRID", true);
    expect(said).toContain("carebot was removed from this Slack workspace");
    expect(said).toContain("Ask your Slack admin to add it again");

    const customer = as(s.w.people.acmeUser2.id);
    const { case: c } = await s.t.app.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: "After the org left" }));
    await s.t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: "TGRIDA", channelId: "CGRID2", threadId: "1700000000.000500", audience: "CUSTOMER" });
    await s.t.app.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Still there?" });
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CGRID2")).toEqual([]);
    const note = await s.t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" } });
    const receipts = await s.t.app.db.prisma.deliveryReceipt.findMany({ where: { notificationId: note.id } });
    expect(receipts.find((r) => r.target.includes("CGRID2"))?.externalId).toMatch(/^refused: carebot was removed from the Slack workspace TGRIDA/);
  });
});
