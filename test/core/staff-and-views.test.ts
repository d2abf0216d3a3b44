import { describe, expect, it } from "vitest";
import { refusal } from "../support/refusal.ts";
import { as, filing, useWorld } from "../support/world.ts";

describe("support staff work a case", () => {
  const s = useWorld();

  it("changes severity with a reason the customer sees, and priority the customer does not", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { severity: "S1", caseType: "HOW_TO" }));
    await s.t.core.cases.changeSeverity(engineer, c.number, { severity: "S4", reason: "This is a question about configuration." });
    const staffView = await s.t.core.cases.setPriority(engineer, c.number, { priority: "S2" });
    expect(staffView.severity).toBe("S4");
    expect(staffView.priority).toBe("S2");
    const seen = await s.t.core.cases.get(customer, c.number);
    expect(seen.severity).toBe("S4");
    expect(seen.priority).toBeUndefined();
    expect(seen.comments.at(-1)!.body).toBe("Severity changed from S1 to S4: This is a question about configuration.");
    const noReason = await refusal(s.t.core.cases.changeSeverity(engineer, c.number, { severity: "S3", reason: " " }));
    expect(noReason.field).toBe("reason");
  });

  it("keeps internal notes from customers and partners", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    await s.t.core.cases.comment(engineer, c.number, { body: "Customer is on the legacy player.", internal: true });
    await s.t.core.cases.comment(engineer, c.number, { body: "We are looking into it." });
    await s.t.core.cases.handToPartner(engineer, c.number, { partnerId: s.w.partners.partner.id });
    expect((await s.t.core.cases.get(engineer, c.number)).comments).toHaveLength(2);
    expect((await s.t.core.cases.get(customer, c.number)).comments.map((x) => x.body)).toEqual(["We are looking into it."]);
    expect((await s.t.core.cases.get(as(s.w.people.partnerAgent.id), c.number)).comments.map((x) => x.body)).toEqual(["We are looking into it."]);
  });

  it("hands a case to a partner, who answers on the one thread the customer keeps", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { product: "captions", feature: "professional" }));
    const handed = await s.t.core.cases.handToPartner(engineer, c.number, { partnerId: s.w.partners.partner.id, note: "Their caption vendor integration" });
    expect(handed.partner?.name).toBe("CaptionCo");
    const partnerNote = await s.t.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.partner_handoff" } });
    expect(partnerNote.payload).toMatchObject({ partner: "CaptionCo", channel: "slack:CPARTNER" });
    const reply = await s.t.core.cases.comment(as(s.w.people.partnerAgent.id), c.number, { body: "Fixed on our side; please retry." });
    expect(reply.comment.author?.name).toBe("Pia Partner");
    const seen = await s.t.core.cases.get(customer, c.number);
    expect(seen.comments.map((x) => x.body)).toContain("Fixed on our side; please retry.");
  });

  it("assigns, sets status and closes as a duplicate naming the original", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const manager = as(s.w.people.manager.id);
    const { case: original } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const { case: dup } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const assigned = await s.t.core.cases.assign(manager, dup.number, { engineerId: s.w.people.engineer.id });
    expect(assigned.owner?.name).toBe("Eve Engineer");
    expect((await refusal(s.t.core.cases.assign(manager, dup.number, { engineerId: s.w.people.acmeUser.id }))).field).toBe("engineerId");
    expect((await s.t.core.cases.setStatus(manager, dup.number, { status: "IN_PROGRESS" })).status).toBe("IN_PROGRESS");
    expect((await refusal(s.t.core.cases.setStatus(manager, dup.number, { status: "CLOSED" }))).field).toBe("status");
    expect((await refusal(s.t.core.cases.close(manager, dup.number, { reason: "DUPLICATE" }))).field).toBe("duplicateOf");
    expect((await refusal(s.t.core.cases.close(manager, dup.number, { reason: "DUPLICATE", duplicateOf: dup.number }))).field).toBe("duplicateOf");
    const closed = await s.t.core.cases.close(manager, dup.number, { reason: "DUPLICATE", duplicateOf: original.number });
    expect(closed).toMatchObject({ status: "CLOSED", closeReason: "DUPLICATE", duplicateOf: original.number });
    expect((await refusal(s.t.core.cases.take(manager, dup.number))).code).toBe("INVALID_STATE");
  });
});

describe("finding cases", () => {
  const s = useWorld();

  it("pages through the four views", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const alan = as(s.w.people.acmeUser2.id);
    for (let i = 0; i < 12; i++) {
      await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: `ada ${i}` }));
      s.t.clock.advance(60_000);
    }
    const { case: alans } = await s.t.core.cases.file(alan, filing(s.w.accounts.acme.id, { subject: "alan's" }));
    await s.t.core.cases.close(as(s.w.people.engineer.id), alans.number, { reason: "OTHER" });

    const first = await s.t.core.cases.list(ada, { view: "mine", pageSize: 5 });
    expect(first).toMatchObject({ total: 12, page: 1, pageSize: 5, hasMore: true });
    expect(first.items[0]!.subject).toBe("ada 11"); // most recently updated first
    const last = await s.t.core.cases.list(ada, { view: "mine", pageSize: 5, page: 3 });
    expect(last.items).toHaveLength(2);
    expect(last.hasMore).toBe(false);
    expect((await s.t.core.cases.list(ada, { view: "open" })).total).toBe(12);
    expect((await s.t.core.cases.list(ada, { view: "account" })).total).toBe(12);
    expect((await s.t.core.cases.list(ada, { view: "closed" })).items.map((i) => i.subject)).toEqual(["alan's"]);
    expect((await s.t.core.cases.list(alan, { view: "mine" })).total).toBe(1);
    expect((await refusal(s.t.core.cases.list(ada, { view: "everything" }))).field).toBe("view");
  });

  it("searches cases by number and words, and remembers what was viewed", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "Transcoding stuck at 40%" }));
    expect((await s.t.core.search(ada, { query: "transcoding" })).cases.map((x) => x.number)).toEqual([c.number]);
    expect((await s.t.core.search(ada, { query: c.number })).cases.map((x) => x.number)).toEqual([c.number]);
    expect((await refusal(s.t.core.search(ada, { query: "a" }))).field).toBe("query");

    await s.t.core.cases.get(ada, c.number);
    s.t.clock.advance(1000);
    await s.t.core.directory.getAccount(ada, s.w.accounts.acme.id);
    s.t.clock.advance(1000);
    await s.t.core.directory.getContact(ada, s.w.people.acmeUser2.id);
    const recent = await s.t.core.recent(ada);
    expect(recent.map((r) => r.kind)).toEqual(["CONTACT", "ACCOUNT", "CASE"]);
    expect(recent[2]!.label).toBe(`${c.number} Transcoding stuck at 40%`);
  });
});
