import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoData } from "../../src/core/demo/demo-data.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { FakeSmtp } from "../fakes/smtp.ts";
import { SIGNING_SECRET } from "../support/slack-requests.ts";
import { CHANNEL, channelConversation, message, postActivity, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { startTestCore } from "../support/test-core.ts";
import { as, buildWorld, filing, operator, type World } from "../support/world.ts";

const eve: TeamsUser = { id: "29:eve", aadObjectId: "aad-eve", name: "Eve Engineer" };

/**
 * Demo data is there to be looked at in the local playground, never to reach a real
 * channel: with Slack, Teams (local mode, the playground's loopback connector) and email
 * all configured, a demo case's card reaches the local Teams channel only. Slack and the
 * CC inbox get nothing, each refusal is recorded once, and the notification is done (not
 * retried until it dies).
 */
describe("demo data stays out of real destinations", () => {
  let slack: FakeSlackApi;
  let connector: FakeBotConnector;
  let smtp: FakeSmtp;
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    slack = new FakeSlackApi();
    connector = new FakeBotConnector();
    smtp = new FakeSmtp();
    await Promise.all([slack.start(), connector.start(), smtp.start()]);
    t = await startTestApp({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: slack.apiUrl,
      SLACK_TRIAGE_CHANNEL: "CTRIAGE",
      TEAMS_LOCAL: "on",
      TEAMS_TRIAGE_CHANNEL: CHANNEL,
      SMTP_URL: smtp.url,
    });
    w = await buildWorld(t.app.core);
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: "tenant-1", userId: eve.aadObjectId });
    // The bot has seen the local triage channel, so it can post there.
    await postActivity(t.url("/api/messages"), message(connector.url, eve, "help", { conversation: channelConversation(), mention: true }));
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([slack.stop(), connector.stop(), smtp.stop()]);
  });

  it("a demo case's card reaches the local Teams channel, but neither Slack nor the CC inbox", async () => {
    await t.app.core.directory.markDemo(operator, [w.accounts.acme.id]);
    const { case: c } = await t.app.core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "Demo: uploads stuck", cc: ["someone@real-company.test"] }));
    await t.app.worker!.runOnce();

    await connector.waitFor((x) => x.kind === "create" && x.conversationId === CHANNEL && JSON.stringify(x.activity).includes("Demo: uploads stuck"));
    expect(slack.of("chat.postMessage").filter((a) => JSON.stringify(a).includes("Demo: uploads stuck"))).toEqual([]);
    expect(smtp.messages).toHaveLength(0);

    const n = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.filed" } });
    expect([n.status, n.attempts]).toEqual(["DELIVERED", 1]);
    const receipts = await t.app.db.prisma.deliveryReceipt.findMany({ where: { notificationId: n.id }, orderBy: { target: "asc" } });
    expect(receipts.map((r) => [r.target, r.externalId?.startsWith("refused: ") ? r.externalId : "sent"])).toEqual([
      ["demo", "refused: demo data is not delivered to real destinations"],
      ["email:cc", "refused: demo data is not emailed"],
      ["triage", "sent"],
    ]);
  });

  it("a customer's case on a real account still reaches Slack and the CC inbox", async () => {
    await t.app.core.cases.file(as(w.people.provost.id), filing(w.accounts.university.id, { subject: "Real: captions late", cc: ["boss@university.test"] }));
    await t.app.worker!.runOnce();
    await slack.waitFor("chat.postMessage", (a) => a.channel === "CTRIAGE" && String(a.text).includes("Real: captions late"));
    await expect.poll(() => smtp.messages.map((m) => m.subject)).toContainEqual(expect.stringContaining("Real: captions late"));
  });
});

describe("the demo loader", () => {
  it("marks every demo account before filing its backlog", async () => {
    const t = await startTestCore();
    try {
      expect(await loadDemoData(t.core, async () => false)).toBe(true);
      const accounts = await t.db.prisma.account.findMany({ select: { name: true, demo: true }, orderBy: { name: "asc" } });
      expect(accounts.length).toBeGreaterThan(0);
      expect(accounts.filter((a) => !a.demo)).toEqual([]);
      // Every notification the demo wrote belongs to a demo case, so none can reach a real destination.
      const claimed = await t.core.outbox.claim(500, 60_000);
      expect(claimed.length).toBeGreaterThan(0);
      expect(claimed.filter((n) => !n.demo)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
