import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockAction, eventBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { as, filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

/**
 * A Slack Connect guest writes in a case thread hosted in the vendor's workspace (T1).
 * Slack delivers the event to the vendor's workspace, but the author belongs to their
 * own (TGUEST). The workspace-to-account rule must judge the author's workspace: an
 * admin of any workspace can give a user any email address, so an unlinked guest whose
 * email matches a customer contact is not that contact.
 */
describe("Slack Connect: a guest is judged by their own workspace", () => {
  let s: SlackWorld;
  let number: string;
  let caseId: string;
  const root = { channel: "CSHARED", ts: "1700000500.000001" };

  beforeAll(async () => {
    s = await startSlackWorld();
    const customer = as(s.w.people.acmeUser.id);
    const filed = await s.t.app.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: "Shared channel case" }));
    number = filed.case.number;
    caseId = filed.case.id;
    await s.t.app.core.threads.follow(customer, { case: number, platform: "slack", tenantId: "T1", channelId: root.channel, threadId: root.ts, audience: "CUSTOMER" });
    // The guest's workspace reports the address of Acme's contact Alan.
    s.slack.emails.set("UGUEST", "alan@acme.test");
  });
  afterAll(() => s.close());

  it("a guest from an unlinked workspace who replies in the thread is not matched to the contact with their email", async () => {
    const reply = eventBody({ type: "message", channel: root.channel, user: "UGUEST", user_team: "TGUEST", text: "I am Alan, honestly", ts: "1700000500.000200", thread_ts: root.ts, channel_type: "channel" }, "EvGuest1");
    expect((await sendToSlackEndpoint(s.endpoint, reply, JSON_TYPE)).status).toBe(200);
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId, body: "I am Alan, honestly" } })).toBe(0);
    expect(await s.t.app.db.prisma.chatIdentity.count({ where: { userId: "UGUEST" } })).toBe(0);
  });

  it("a guest's click is judged by the user's own workspace too", async () => {
    const click = blockAction({ user: "UGUEST2", actionId: "case.open", value: number, channel: root.channel, team: "T1" });
    // The payload names the host's team; the user's own team is the guest's.
    const payload = JSON.parse(new URLSearchParams(click).get("payload") ?? "{}") as { user: { team_id: string } };
    payload.user.team_id = "TGUEST";
    s.slack.emails.set("UGUEST2", "alan@acme.test");
    expect((await sendToSlackEndpoint(s.endpoint, `payload=${encodeURIComponent(JSON.stringify(payload))}`, FORM)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.t.app.db.prisma.chatIdentity.count({ where: { userId: "UGUEST2" } })).toBe(0);
  });
});
