import { describe, expect, it } from "vitest";
import { fullCaseInclude, readFullCase } from "../../src/core/cases/case-reader.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * Every case card, refresh and notification reads a case through readFullCase, one
 * hand-written statement. It must read exactly what Prisma's own include reads, on a
 * case that has every relation: owner, partner, a linked case, a duplicate, comments
 * by customers, staff and the system (internal too), and escalations.
 */
describe("reading a whole case", () => {
  const s = useWorld();

  it("reads what Prisma's include reads, field for field, whichever way the case is named", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    const { case: original } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: "The original" }));
    const { case: c } = await s.t.core.cases.file(
      customer,
      filing(s.w.accounts.acme.id, { subject: "Everything at once", linkedFromCase: original.number, cc: ["a@acme.test", "b@acme.test"], credentials: { username: "u", password: "p" }, idempotencyKey: "reader-1" }),
    );
    await s.t.core.cases.take(engineer, c.number);
    await s.t.core.cases.comment(engineer, c.number, { body: "Looking at the player logs.", internal: true });
    await s.t.core.cases.comment(engineer, c.number, { body: "Which browser do you use?" });
    await s.t.core.cases.comment(customer, c.number, { body: "Firefox 140 — and “quotes” ✓" });
    await s.t.core.cases.escalate(customer, c.number, { reason: "REQUESTING_MANAGEMENT_ATTENTION", description: "Our launch is on Friday." });
    await s.t.core.cases.handToPartner(engineer, c.number, { partnerId: s.w.partners.partner.id, note: "Their integration" });
    await s.t.core.cases.close(engineer, c.number, { reason: "DUPLICATE", duplicateOf: original.number });

    const prisma = await s.t.db.prisma.case.findUnique({ where: { id: c.id }, include: fullCaseInclude });
    expect(prisma?.comments.length).toBeGreaterThanOrEqual(3);
    expect(prisma?.escalations).toHaveLength(1);
    expect(prisma?.partner?.name).toBe("CaptionCo");
    expect(prisma?.duplicateOf?.number).toBe(Number(original.number));
    expect(prisma?.linkedFrom?.number).toBe(Number(original.number));

    expect(await readFullCase(s.t.db.prisma, { id: c.id })).toEqual(prisma);
    expect(await readFullCase(s.t.db.prisma, { number: Number(c.number) })).toEqual(prisma);
    expect(await readFullCase(s.t.db.prisma, { createdById_idempotencyKey: { createdById: s.w.people.acmeUser.id, idempotencyKey: "reader-1" } })).toEqual(prisma);
  });

  it("reads a new case with no comments or escalations, and nothing for a case that does not exist", async () => {
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id));
    const prisma = await s.t.db.prisma.case.findUnique({ where: { id: c.id }, include: fullCaseInclude });
    expect(await readFullCase(s.t.db.prisma, { id: c.id })).toEqual(prisma);
    expect(await readFullCase(s.t.db.prisma, { number: 99_999_999 })).toBeNull();
  });
});
