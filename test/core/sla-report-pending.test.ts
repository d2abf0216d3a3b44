import { describe, expect, it } from "vitest";
import { as, filing, operator, useWorld } from "../support/world.ts";

/**
 * The report's first-response time counts what the timer counts: the time a case spent
 * Pending Your Response before its first public staff reply is not the desk's (the
 * first-response timer is frozen meanwhile), so it is subtracted. An S1 runs around the
 * clock, so the minutes here are plain calendar minutes.
 */
describe("the service-level report and time spent Pending before the first response", () => {
  const s = useWorld({ start: "2026-11-30T14:00:00Z" });

  it("subtracts the Pending periods before the first response, and only those", async () => {
    const { t, w } = s;
    const eve = as(w.people.engineer.id);
    const ada = as(w.people.acmeUser.id);
    // Filed at 14:00; at 14:10 staff set it Pending (no reply yet); Ada answers at 15:10; staff reply at 15:30.
    const { case: c } = await t.core.cases.file(ada, filing(w.accounts.acme.id, { subject: "Playback down", severity: "S1" }));
    t.clock.set("2026-11-30T14:10:00Z");
    await t.core.cases.setStatus(eve, c.number, { status: "PENDING" });
    t.clock.set("2026-11-30T15:10:00Z");
    await t.core.cases.comment(ada, c.number, { body: "It happens on every player." });
    t.clock.set("2026-11-30T15:30:00Z");
    await t.core.cases.comment(eve, c.number, { body: "We are rolling back the player release." });
    // Pending again after the first response changes nothing.
    t.clock.set("2026-11-30T16:00:00Z");
    await t.core.cases.setStatus(eve, c.number, { status: "PENDING" });

    // Another, set Pending and answered by staff while still Pending: the pause ends at that reply.
    const { case: d } = await t.core.cases.file(as(w.people.globexUser.id), filing(w.accounts.globex.id, { subject: "Live stream down", severity: "S1" }));
    t.clock.set("2026-11-30T16:20:00Z");
    await t.core.cases.setStatus(eve, d.number, { status: "PENDING" });
    t.clock.set("2026-11-30T17:00:00Z");
    await t.core.cases.comment(eve, d.number, { body: "Restarting the encoder." });

    t.clock.set("2026-11-30T18:00:00Z");
    const { rows } = await t.core.serviceLevels.report(operator, { days: 1 });
    // 90 minutes from filing to the reply, 60 of them Pending: 30. And 60 minutes, 40 of them Pending: 20.
    expect(rows.map((r) => [r.account, r.firstResponses, r.medianFirstResponseMinutes])).toEqual([
      ["Acme Media", 1, 30],
      ["Globex Corp", 1, 20],
    ]);
    // The timer agreed: no first-response breach (S1: 1 hour), though 90 minutes passed.
    await t.core.cases.sweep();
    expect(await t.db.prisma.slaAlert.count({ where: { caseId: c.id, clock: "FIRST_RESPONSE", stage: "BREACH" } })).toBe(0);
  });
});
