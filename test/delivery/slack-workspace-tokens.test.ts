import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER_TOKEN, startTwoWorkspaces, VENDOR_TOKEN, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { as, filing } from "../support/world.ts";

/**
 * Issue 13: the delivery worker posts into a customer's workspace with that workspace's
 * own bot token (installed with OAuth), and into the vendor's channels with
 * SLACK_BOT_TOKEN. Once the customer uninstalls, nothing more goes there: the thread is
 * recorded as refused (never retried) while triage still gets its card. (Delivery runs
 * when the test says: app.worker.runOnce().)
 */
describe("Slack delivery uses each workspace's own token", () => {
  let s: TwoWorkspaces;
  let slack: TwoWorkspaces["slack"];
  let recorder: TwoWorkspaces["recorder"];
  let t: TwoWorkspaces["t"];
  let w: TwoWorkspaces["w"];

  beforeAll(async () => {
    s = await startTwoWorkspaces({ SLACK_TRIAGE_CHANNEL: "CTRIAGE" });
    ({ slack, recorder, t, w } = s);
  });
  afterAll(() => s?.close());

  const posts = (channel: string) => slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === channel);
  const tokenOfPostsTo = (channel: string) => recorder.calls.filter((c) => c.method === "chat.postMessage" && c.channel === channel).map((c) => c.authorization);

  it("a reply reaches the customer's thread with their workspace's token and triage with the vendor's", async () => {
    const customer = as(w.people.acmeUser.id);
    const { case: c } = await t.app.core.cases.file(customer, filing(w.accounts.acme.id, { subject: "Player stalls in Safari" }));
    await t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: "TCUST", channelId: "CCUST", threadId: "1700000000.000100", audience: "CUSTOMER" });
    await t.app.core.cases.comment(as(w.people.engineer.id), c.number, { body: "Which Safari version?" });
    await t.app.worker!.runOnce();

    expect(posts("CCUST").length).toBeGreaterThanOrEqual(1);
    expect(posts("CTRIAGE").length).toBeGreaterThanOrEqual(1);
    expect(new Set(tokenOfPostsTo("CCUST"))).toEqual(new Set([`Bearer ${CUSTOMER_TOKEN}`]));
    expect(new Set(tokenOfPostsTo("CTRIAGE"))).toEqual(new Set([`Bearer ${VENDOR_TOKEN}`]));
  });

  it("after the customer uninstalls, their thread is refused once and for all, and triage still hears of the case", async () => {
    const customer = as(w.people.acmeUser.id);
    const { case: c } = await t.app.core.cases.file(customer, filing(w.accounts.acme.id, { subject: "Captions out of sync" }));
    await t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: "TCUST", channelId: "CCUST2", threadId: "1700000000.000200", audience: "CUSTOMER" });
    await t.app.core.slackInstallations.remove({ teamId: "TCUST" }, "uninstalled");
    const triageBefore = posts("CTRIAGE").length;
    await t.app.core.cases.comment(as(w.people.engineer.id), c.number, { body: "We are on it." });
    await t.app.worker!.runOnce();

    const note = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" } });
    const threadReceipt = async () => (await t.app.db.prisma.deliveryReceipt.findMany({ where: { notificationId: note.id } })).find((r) => r.target.includes("CCUST2"));
    expect((await threadReceipt())?.externalId).toMatch(/^refused: carebot was removed from the Slack workspace TCUST/);
    expect(posts("CTRIAGE").length).toBeGreaterThan(triageBefore);
    // Refused for good: a second run sends nothing more there.
    await t.app.worker!.runOnce();
    expect(posts("CCUST2")).toHaveLength(0);
    expect(recorder.calls.filter((x) => x.authorization === `Bearer ${CUSTOMER_TOKEN}` && x.method === "chat.postMessage").length).toBe(tokenOfPostsTo("CCUST").length);
  });

  it("a case handed to a partner keeps reaching the partner's channel and the customer's thread", async () => {
    const customer = as(w.people.acmeUser.id);
    const engineer = as(w.people.engineer.id);
    const { case: c } = await t.app.core.cases.file(customer, filing(w.accounts.acme.id, { subject: "Captions from the vendor drift" }));
    await t.app.core.cases.handToPartner(engineer, c.number, { partnerId: w.partners.partner.id });
    await t.app.worker!.runOnce();
    expect(posts("CPARTNER").length).toBeGreaterThanOrEqual(1);

    // The partner's thread is keyed by its channel, not a workspace: a later change still goes out.
    await t.app.core.cases.comment(engineer, c.number, { body: "The partner is looking at the caption feed." });
    await t.app.worker!.runOnce();
    const stuck = await t.app.db.prisma.notification.findMany({ where: { caseId: c.id, deliveredAt: null } });
    expect(stuck).toEqual([]);
    expect(slack.of("chat.postMessage").filter((a) => a.channel === "CPARTNER" && JSON.stringify(a).includes("caption feed")).length).toBe(1);
  });
});
