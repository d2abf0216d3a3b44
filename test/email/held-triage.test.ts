import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockAction, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { as, filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "../adapters/slack-setup.ts";

/**
 * When a reply is held, staff hear of it in the triage channel at once (outbox event
 * email.held): a card with Release and Discard, pressed like any card button; the
 * customer's threads hear nothing. Real server, local Slack API, real database.
 */
describe("a held email reply reaches the triage channel", () => {
  let s: SlackWorld;
  beforeAll(async () => {
    s = await startSlackWorld();
  });
  afterAll(() => s.close());

  const triagePosts = (text: string) => s.slack.of("chat.postMessage").filter((a) => a.channel === "CTRIAGE" && JSON.stringify(a).includes(text));

  it("a forged reply posts one card to triage, and Eve's Release there makes it Ada's comment", async () => {
    const core = s.t.app.core;
    const { case: c } = await core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Held in triage" }));
    await s.t.app.worker!.runOnce();
    const mail = { messageId: `<triage.${c.number}@home.test>`, caseNumber: Number(c.number), recipient: { kind: "person" as const, personId: s.w.people.acmeUser.id }, from: "ada@home.test", subject: `Re: [Case ${c.number}] Held in triage`, body: "Written from home.", automatic: null };
    await core.email.inbound.receive(mail);
    await core.email.inbound.receive(mail); // the relay delivers it twice: one card
    await s.t.app.worker!.runOnce();

    const cards = triagePosts(`Email reply held: case ${c.number}`);
    expect(cards).toHaveLength(1);
    const held = await s.t.app.db.prisma.inboundEmail.findUniqueOrThrow({ where: { messageId: mail.messageId } });
    const card = JSON.stringify(cards[0]);
    expect(card).toContain("ada@home.test");
    expect(card).toContain("Releasing writes it as Ada Acme <ada@acme.test>.");
    expect(card).toContain(`"action_id":"email.release"`);
    expect(card).toContain(`"value":"${held.id}"`);
    // Nothing of it in the customer's threads or DMs.
    expect(s.slack.of("chat.postMessage").filter((a) => a.channel !== "CTRIAGE" && JSON.stringify(a).includes("Written from home"))).toEqual([]);

    const press = blockAction({ user: s.users.eve, actionId: "email.release", value: held.id, channel: "CTRIAGE", message: { ts: String(cards[0]!.ts ?? "1700000000.000100"), type: "message", text: "card" } });
    expect((await sendToSlackEndpoint(s.endpoint, press, "application/x-www-form-urlencoded")).status).toBe(200);
    await expect.poll(async () => (await core.cases.get(as(s.w.people.engineer.id), c.number, { recordRecent: false })).comments.map((x) => x.body)).toContain("Written from home.");
    expect((await s.t.app.db.prisma.inboundEmail.findUniqueOrThrow({ where: { id: held.id } })).outcome).toBe("COMMENTED");

    // Ada pressing Discard on a card she should never have seen is refused by the core.
    const other = { ...mail, messageId: `<triage2.${c.number}@home.test>` };
    await core.email.inbound.receive(other);
    const second = await s.t.app.db.prisma.inboundEmail.findUniqueOrThrow({ where: { messageId: other.messageId } });
    const from = s.slack.calls.length;
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "email.discard", value: second.id, channel: "C1", message: { ts: "1700000000.000200", type: "message", text: "card" } }), "application/x-www-form-urlencoded");
    await expect.poll(() => JSON.stringify(s.slack.calls.slice(from))).toContain("Only support staff and the operator may see and decide on held email.");
    expect((await s.t.app.db.prisma.inboundEmail.findUniqueOrThrow({ where: { id: second.id } })).outcome).toBe("HELD");
  });
});
