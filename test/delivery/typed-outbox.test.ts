import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inTransaction } from "../../src/core/db/tx.ts";
import type { ClaimedNotification } from "../../src/core/notify/events.ts";
import { enqueueNotification } from "../../src/core/notify/outbox.ts";
import { createDeliveryWorker } from "../../src/delivery/worker.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * The outbox is a boundary like any other: what goes in is checked against its event's
 * schema, and what comes out is parsed once, when a worker claims it. A row that cannot
 * be read (written by an older version, or by hand) is DEAD at once with the reason, and
 * the rest of the batch is delivered.
 */
describe("typed outbox events", () => {
  const s = useWorld();

  async function newCase(subject: string) {
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject }));
    await s.t.db.prisma.notification.deleteMany({ where: { caseId: c.id } });
    return s.t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
  }

  function recordingWorker(seen: ClaimedNotification[]) {
    return createDeliveryWorker({
      core: s.t.core,
      clock: s.t.clock,
      logger: s.t.logger,
      channels: [{ name: "recording", deliver: async (n) => void seen.push(n) }],
      intervalMs: 60_000,
      maxAttempts: 8,
    });
  }

  it("a stored payload that does not fit its event is DEAD at first claim, with the reason; the good one beside it is delivered, parsed", async () => {
    const c = await newCase("Typed payloads");
    const at = s.t.clock.now();
    await s.t.db.prisma.notification.createMany({
      data: [
        { id: randomUUID(), caseId: c.id, event: "case.severity_changed", payload: { number: "00000001", subject: "x", from: "S3", to: 2 }, availableAt: at, createdAt: at },
        { id: randomUUID(), caseId: c.id, event: "case.teleported", payload: {}, availableAt: at, createdAt: at },
        { id: randomUUID(), caseId: c.id, event: "case.assigned", payload: { number: "00000001", subject: "x", owner: "Eve Engineer" }, availableAt: at, createdAt: at },
      ],
    });
    const seen: ClaimedNotification[] = [];
    expect(await recordingWorker(seen).runOnce()).toBe(1);

    expect(seen.map((n) => [n.event, n.event === "case.assigned" ? n.payload.owner : null])).toEqual([["case.assigned", "Eve Engineer"]]);
    const dead = await s.t.db.prisma.notification.findMany({ where: { caseId: c.id, status: "DEAD" }, orderBy: { event: "asc" } });
    expect(dead.map((n) => [n.event, n.attempts])).toEqual([
      ["case.severity_changed", 1],
      ["case.teleported", 1],
    ]);
    expect(dead[0]!.lastError).toMatch(/^malformed case.severity_changed payload: .*to/s);
    expect(dead[1]!.lastError).toContain('unknown outbox event "case.teleported"');
  });

  it("a change whose notification does not fit its event's schema is not written at all", async () => {
    const c = await newCase("Checked on the way in");
    const write = inTransaction(s.t.db.prisma, async (tx) => {
      await tx.case.update({ where: { id: c.id }, data: { subject: "Changed with a broken notification" } });
      await enqueueNotification(tx, { caseId: c.id, event: "case.assigned", payload: { number: "1", subject: "x" } as never, at: s.t.clock.now() });
    });
    await expect(write).rejects.toThrow(/owner/);
    expect((await s.t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).subject).toBe("Checked on the way in");
    expect(await s.t.db.prisma.notification.count({ where: { caseId: c.id } })).toBe(0);
  });

  it("every change the core makes writes a payload its schema accepts (parsed back without a DEAD one)", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const eve = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "Walk through every event" }));
    await s.t.core.cases.take(eve, c.number);
    await s.t.core.cases.comment(eve, c.number, { body: "Looking." });
    await s.t.core.cases.changeSeverity(eve, c.number, { severity: "S2", reason: "Wider impact" });
    await s.t.core.cases.askCustomer(eve, c.number, { body: "Which browser?" });
    await s.t.core.cases.comment(ada, c.number, { body: "Firefox." });
    await s.t.core.cases.escalate(ada, c.number, { reason: "PRIORITY_FOR_CUSTOMER_ORGANIZATION", description: "Board meeting tomorrow." });
    await s.t.core.cases.recommendClose(ada, c.number, { note: "Works now." });
    await s.t.core.cases.handToPartner(eve, c.number, { partnerId: s.w.partners.partner.id });
    await s.t.core.cases.close(eve, c.number, { reason: "RESOLVED" });
    await s.t.core.cases.comment(ada, c.number, { body: "It broke again." });
    await s.t.core.cases.askCustomer(eve, c.number, { body: "Since when?" });
    s.t.clock.advance((s.t.core.catalog.timers.reminderAfterDays + 1) * 24 * 60 * 60 * 1000);
    await s.t.core.cases.sweep();

    const seen: ClaimedNotification[] = [];
    await recordingWorker(seen).runOnce();
    const events = seen.filter((n) => "number" in n.payload && n.payload.number === c.number).map((n) => n.event);
    expect(events).toEqual(expect.arrayContaining(["case.filed", "case.assigned", "case.comment", "case.severity_changed", "case.pending", "case.status_changed", "case.escalated", "case.recommend_close", "case.partner_handoff", "case.closed", "case.reopened", "case.reminder"]));
    expect(await s.t.db.prisma.notification.count({ where: { status: "DEAD" } })).toBe(2); // only the two malformed rows of the first story
  });
});
