import { describe, expect, it } from "vitest";
import { refusal } from "../support/refusal.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

describe("integrity under concurrency", () => {
  const s = useWorld();

  it("the same filing submitted ten times at once makes one case", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const form = filing(s.w.accounts.acme.id, { subject: "Double-clicked submit" });
    const results = await Promise.all(Array.from({ length: 10 }, () => s.t.core.cases.file(customer, form)));
    const numbers = new Set(results.map((r) => r.case.number));
    expect(numbers.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await s.t.db.prisma.case.count({ where: { subject: "Double-clicked submit" } })).toBe(1);
    const caseId = results[0]!.case.id;
    expect(await s.t.db.prisma.notification.count({ where: { caseId, event: "case.filed" } })).toBe(1);
    expect(await s.t.db.prisma.auditEntry.count({ where: { caseId, action: "case.filed" } })).toBe(1);
  });

  it("a close racing a customer reply ends in a valid state, every time", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    for (let round = 0; round < 8; round++) {
      const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: `race ${round}` }));
      await s.t.core.cases.askCustomer(engineer, c.number, { body: "Does it still happen?" });
      const [closing, replying] = await Promise.allSettled([
        s.t.core.cases.close(engineer, c.number, { reason: "SOLUTION_PROVIDED" }),
        s.t.core.cases.comment(customer, c.number, { body: "Yes, still broken" }),
      ]);
      // Both succeed: they ran one after the other on fresh state.
      expect(closing.status).toBe("fulfilled");
      expect(replying.status).toBe("fulfilled");
      const row = await s.t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
      const comments = await s.t.db.prisma.comment.count({ where: { caseId: c.id, body: "Yes, still broken" } });
      expect(comments).toBe(1);
      if (row.status === "CLOSED") {
        // The reply came first (Pending -> In Progress), then the close.
        expect(row.closedAt).not.toBeNull();
        expect(row.closeReason).toBe("SOLUTION_PROVIDED");
      } else {
        // The close came first, then the reply reopened it within the window.
        expect(row.status).toBe("IN_PROGRESS");
        expect(row.closedAt).toBeNull();
        expect(row.closeReason).toBeNull();
        expect(await s.t.db.prisma.auditEntry.count({ where: { caseId: c.id, action: "case.reopened" } })).toBe(1);
      }
    }
  });

  it("seats are not oversold when two contacts are added at once", async () => {
    // Acme has 3 seats and 2 contacts.
    const results = await Promise.allSettled([
      s.t.core.directory.createContact(operator, { accountId: s.w.accounts.acme.id, name: "Third One", email: "third@acme.test" }),
      s.t.core.directory.createContact(operator, { accountId: s.w.accounts.acme.id, name: "Fourth One", email: "fourth@acme.test" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const err = await refusal(s.t.core.directory.createContact(operator, { accountId: s.w.accounts.acme.id, name: "Fifth", email: "fifth@acme.test" }));
    expect(err.code).toBe("SEAT_LIMIT");
    expect(err.message).toContain("Robin Lee");
    expect(await s.t.db.prisma.person.count({ where: { accountId: s.w.accounts.acme.id, active: true } })).toBe(3);
  });

  it("a redelivered platform message makes one comment", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const input = { body: "from a thread", externalId: "T1:C1:1700000000.000100" };
    const [a, b] = await Promise.all([s.t.core.cases.comment(customer, c.number, input), s.t.core.cases.comment(customer, c.number, input)]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await s.t.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(1);
  });
});
