import { describe, expect, it } from "vitest";
import { CaseError } from "../../src/core/errors.ts";
import { as, filing, useWorld } from "../support/world.ts";

const DAY = 24 * 60 * 60 * 1000;

describe("a case walks through its whole life on the clock", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });

  it("New -> In Progress -> Pending -> reminder day 5 -> closed day 10 -> reopened -> closed -> refused on day 8", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);

    const { case: filed } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    expect(filed.status).toBe("NEW");
    expect(filed.number).toMatch(/^\d{8}$/);

    const taken = await s.t.core.cases.take(engineer, filed.number);
    expect(taken.status).toBe("IN_PROGRESS");
    expect(taken.owner?.name).toBe("Eve Engineer");

    const pending = await s.t.core.cases.askCustomer(engineer, filed.number, { body: "Which player version do you embed?" });
    expect(pending.status).toBe("PENDING");

    // Day 4: nothing due yet.
    s.t.clock.advance(4 * DAY);
    expect(await s.t.core.cases.applyDueActions(filed.id)).toEqual([]);

    // Day 5: one reminder, and only one however often the sweep runs.
    s.t.clock.advance(1 * DAY);
    expect(await s.t.core.cases.applyDueActions(filed.id)).toEqual(["REMIND"]);
    expect(await s.t.core.cases.applyDueActions(filed.id)).toEqual([]);
    s.t.clock.advance(2 * DAY);
    expect(await s.t.core.cases.applyDueActions(filed.id)).toEqual([]);

    // Day 10: closed for no response, the customer told.
    s.t.clock.advance(3 * DAY);
    expect(await s.t.core.cases.applyDueActions(filed.id)).toEqual(["AUTO_CLOSE"]);
    const closed = await s.t.core.cases.get(customer, filed.number);
    expect(closed.status).toBe("CLOSED");
    expect(closed.closeReason).toBe("NO_RESPONSE");
    expect(closed.actions).toContain("reopen");

    const notices = await s.t.db.prisma.notification.findMany({ where: { caseId: filed.id }, orderBy: { createdAt: "asc" } });
    expect(notices.filter((n) => n.event === "case.reminder")).toHaveLength(1);
    expect(notices.filter((n) => n.event === "case.closed")).toHaveLength(1);

    // 3 days later the customer replies: the case reopens.
    s.t.clock.advance(3 * DAY);
    const reply = await s.t.core.cases.comment(customer, filed.number, { body: "Sorry, we use player v7.2." });
    expect(reply.reopened).toBe(true);
    expect(reply.case.status).toBe("IN_PROGRESS");

    await s.t.core.cases.close(engineer, filed.number, { reason: "SOLUTION_PROVIDED", note: "Upgrade to v7.3." });

    // 8 days later a reply cannot reopen it: refused with the linked-case offer.
    s.t.clock.advance(8 * DAY);
    const refused = await s.t.core.cases.comment(customer, filed.number, { body: "It broke again." }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CaseError);
    expect((refused as CaseError).code).toBe("REOPEN_WINDOW_PASSED");
    expect((refused as CaseError).details).toMatchObject({ offer: "newLinkedCase", linkedFromCase: filed.number });
    const stillClosed = await s.t.core.cases.get(customer, filed.number);
    expect(stillClosed.status).toBe("CLOSED");
    expect(stillClosed.actions).toContain("newLinkedCase");
    expect(stillClosed.comments.map((c) => c.body)).not.toContain("It broke again.");

    // Taking the offer: a new case that links the old one.
    const { case: linked } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { linkedFromCase: filed.number, subject: "Captions missing again" }));
    expect(linked.linkedFrom).toBe(filed.number);
    expect(linked.number).not.toBe(filed.number);
  });

  it("keeps an audit entry for every change, with who, what, when and from where", async () => {
    const entries = await s.t.db.prisma.auditEntry.findMany({ where: { action: { startsWith: "case." } }, orderBy: { id: "asc" } });
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["case.filed", "case.taken", "case.pending", "case.reminder", "case.closed", "case.reopened", "case.comment"]),
    );
    const reminder = entries.find((e) => e.action === "case.reminder")!;
    expect(reminder.source).toBe("system");
    expect(reminder.actorId).toBeNull();
    const filed = entries.find((e) => e.action === "case.filed")!;
    expect(filed.actorId).toBe(s.w.people.acmeUser.id);
    expect(filed.source).toBe("slack");
    await expect(s.t.db.prisma.auditEntry.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(s.t.db.prisma.auditEntry.updateMany({ data: { action: "forged" } })).rejects.toThrow(/append-only/);
  });
});
