import { describe, expect, it } from "vitest";
import { as, filing, useWorld } from "../support/world.ts";

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

describe("the clock's sweeps", () => {
  const s = useWorld({ start: "2026-05-04T08:00:00Z" });

  async function pendingCase(subject: string) {
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject }));
    await s.t.core.cases.askCustomer(as(s.w.people.engineer.id), c.number, { body: "Can you send the player logs?" });
    return c;
  }
  const notices = (caseId: string, event: string) => s.t.db.prisma.notification.count({ where: { caseId, event } });

  it("walking the clock hour by hour: one reminder on day 5, closed for no response on day 10, one notice each", async () => {
    const c = await pendingCase("Walk the clock");
    const started = s.t.clock.now().getTime();
    for (let hours = 1; hours <= 12 * 24; hours += 6) {
      s.t.clock.set(new Date(started + hours * HOUR));
      await s.t.core.cases.sweep();
      const row = await s.t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
      const day = hours / 24;
      if (day < 5) expect(await notices(c.id, "case.reminder")).toBe(0);
      if (day >= 5) expect(await notices(c.id, "case.reminder")).toBe(1);
      if (day < 10) expect(row.status).toBe("PENDING");
      if (day >= 10) expect(row).toMatchObject({ status: "CLOSED", closeReason: "NO_RESPONSE" });
    }
    expect(await notices(c.id, "case.reminder")).toBe(1);
    expect(await notices(c.id, "case.closed")).toBe(1);
  });

  it("catches up after downtime: cases overdue for closing close without a late reminder", async () => {
    const overdue = [await pendingCase("down 1"), await pendingCase("down 2"), await pendingCase("down 3")];
    s.t.clock.advance(20 * DAY);
    const result = await s.t.core.cases.sweep();
    expect(result.actions.AUTO_CLOSE).toBeGreaterThanOrEqual(3);
    for (const c of overdue) {
      expect(await notices(c.id, "case.reminder")).toBe(0);
      expect(await notices(c.id, "case.closed")).toBe(1);
    }
  });

  it("several sweeps at once (several instances) still remind each case once", async () => {
    const cases = await Promise.all(Array.from({ length: 6 }, (_, i) => pendingCase(`race ${i}`)));
    s.t.clock.advance(5 * DAY + HOUR);
    await Promise.all([s.t.core.cases.sweep(), s.t.core.cases.sweep(), s.t.core.cases.sweep()]);
    for (const c of cases) expect(await notices(c.id, "case.reminder")).toBe(1);
  });

  it("forgets platform delivery ids older than a day, and only those", async () => {
    expect(await s.t.core.firstDelivery("slack", "Ev-old")).toBe(true);
    s.t.clock.advance(2 * DAY);
    expect(await s.t.core.firstDelivery("slack", "Ev-new")).toBe(true);
    const result = await s.t.core.cases.sweep();
    expect(result.prunedEvents).toBeGreaterThanOrEqual(1);
    expect(await s.t.core.firstDelivery("slack", "Ev-new")).toBe(false); // still remembered
    expect(await s.t.db.prisma.inboundEvent.count({ where: { eventId: "Ev-old" } })).toBe(0);
  });

  it("tells the operator what is due next", async () => {
    const c = await pendingCase("Upcoming");
    const next = await s.t.core.cases.upcomingActions(100);
    const mine = next.filter((a) => a.number === c.number);
    expect(mine.map((a) => a.action)).toEqual(["REMIND", "AUTO_CLOSE"]);
    expect(mine[0]!.dueAt.getTime() - s.t.clock.now().getTime()).toBe(5 * DAY);
  });
});
