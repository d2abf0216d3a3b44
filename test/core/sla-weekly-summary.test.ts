import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildWeeklySummaryCard } from "../../src/cards/weekly-summary.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { createCore } from "../../src/core/index.ts";
import { weeklySummaryPayloadSchema } from "../../src/core/sla/events.ts";
import { latestSlot, weeklyScheduleSchema } from "../../src/core/sla/weekly-summary.ts";
import { createSweeper } from "../../src/sweeper.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * The weekly service-level summary to management (issue 15), with two instances sweeping
 * the same database on the injected clock: the summary of each week goes out once, at
 * Monday 09:00 in the desk's zone (New York: 14:00Z in winter), whichever instance sweeps
 * first, and not again that week, nor after a restart; a week whose moment passed more
 * than a day ago (the service was down) is skipped. The card reports the week's response
 * times and breaches per severity and account, and satisfaction per engineer, account and
 * severity.
 */
describe("the weekly service-level summary", () => {
  const s = useWorld({ start: "2026-11-24T15:00:00Z" });
  const schedule = weeklyScheduleSchema.parse("Mon 09:00")!;
  const instance = () => createCore({ prisma: s.t.db.prisma, clock: s.t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: s.t.logger });
  const sweepers = () => [s.t.core, instance()].map((core) => createSweeper({ core, logger: s.t.logger, intervalMs: 60_000, weeklySummary: schedule }));
  const summaries = () => s.t.db.prisma.notification.findMany({ where: { event: "sla.weekly_summary" }, orderBy: { createdAt: "asc" } });

  it("reads its schedule as a weekday and a time, or off", () => {
    expect(weeklyScheduleSchema.parse("mon 09:00")).toEqual({ weekday: 1, hour: 9, minute: 0 });
    expect(weeklyScheduleSchema.parse("Friday 16:30")).toEqual({ weekday: 5, hour: 16, minute: 30 });
    expect(weeklyScheduleSchema.parse("off")).toBeNull();
    expect(weeklyScheduleSchema.safeParse("Monday 9am").success).toBe(false);
    expect(weeklyScheduleSchema.safeParse("Xyz 09:00").success).toBe(false);
    // The latest Monday 09:00 in New York before a Sunday evening is the Monday before it.
    expect(latestSlot(new Date("2026-12-06T23:00:00Z"), schedule, "America/New_York")).toEqual({ week: "2026-11-30", at: new Date("2026-11-30T14:00:00Z") });
    // In summer (EDT) 09:00 is 13:00Z.
    expect(latestSlot(new Date("2026-07-06T13:00:00Z"), schedule, "America/New_York").at).toEqual(new Date("2026-07-06T13:00:00Z"));
  });

  it("goes out once a week with two instances sweeping, not again after a restart, and the next Monday again", async () => {
    const { t, w } = s;
    const eve = as(w.people.engineer.id);
    // Tuesday: an Acme S2 case answered, closed and rated 4; a Globex S1 case nobody answers.
    const { case: acme } = await t.core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "Uploads stall", severity: "S2" }));
    await t.core.cases.take(eve, acme.number);
    t.clock.advance(30 * 60_000);
    await t.core.cases.comment(eve, acme.number, { body: "A transcoding profile was wrong; fixed." });
    await t.core.cases.close(eve, acme.number, { reason: "SOLUTION_PROVIDED" });
    await t.core.satisfaction.rate(as(w.people.acmeUser.id), { case: acme.number, score: 4, comment: "Quick." });
    await t.core.cases.file(as(w.people.globexUser.id), filing(w.accounts.globex.id, { subject: "Playback down", severity: "S1" }));

    // Tuesday evening: the breach goes out; Monday 09:00 was more than a day ago, so no summary for that week.
    t.clock.set("2026-11-24T18:00:00Z");
    const [a, b] = sweepers();
    const tuesday = await Promise.all([a!.runOnce(), b!.runOnce()]);
    expect(tuesday.map((r) => r.weeklySummary)).toEqual([null, null]);
    expect(tuesday.reduce((n, r) => n + r.serviceLevels.breaches, 0)).toBe(1);

    // A minute before Monday 09:00 New York: nothing yet.
    t.clock.set("2026-11-30T13:59:00Z");
    expect((await Promise.all([a!.runOnce(), b!.runOnce()])).map((r) => r.weeklySummary)).toEqual([null, null]);
    expect(await summaries()).toHaveLength(0);

    // 09:00: both sweep at once; one of them sends it.
    t.clock.set("2026-11-30T14:00:00Z");
    const monday = await Promise.all([a!.runOnce(), b!.runOnce()]);
    expect(monday.map((r) => r.weeklySummary).sort()).toEqual(["2026-11-30", null].sort());
    expect(await summaries()).toHaveLength(1);

    // Later that day, and after a restart (a new instance), nothing more.
    t.clock.set("2026-11-30T16:00:00Z");
    const [restarted] = sweepers();
    expect((await Promise.all([a!.runOnce(), b!.runOnce(), restarted!.runOnce()])).map((r) => r.weeklySummary)).toEqual([null, null, null]);
    expect(await summaries()).toHaveLength(1);

    // What it says: the past week (Monday 23 to Monday 30, 09:00 New York) per severity and account, and satisfaction.
    const [first] = await summaries();
    expect(first!.caseId).toBeNull();
    const payload = weeklySummaryPayloadSchema.parse(first!.payload);
    expect(payload).toMatchObject({ week: "2026-11-30", from: "2026-11-23T14:00:00.000Z", to: "2026-11-30T14:00:00.000Z", timeZone: "America/New_York", moreRows: 0 });
    expect(payload.rows.map((r) => [r.severity, r.account, r.filed, r.firstResponses, r.medianFirstResponseMinutes, r.firstResponseBreaches])).toEqual([
      ["S1", "Globex Corp", 1, 0, null, 1],
      ["S2", "Acme Media", 1, 1, 30, 0],
    ]);
    expect(payload.satisfaction).toEqual({
      asked: 1,
      answered: 1,
      average: 4,
      byEngineer: [{ name: "Eve Engineer", asked: 1, answered: 1, average: 4 }],
      byAccount: [{ name: "Acme Media", asked: 1, answered: 1, average: 4 }],
      bySeverity: [{ name: "S2", asked: 1, answered: 1, average: 4 }],
    });
    const card = JSON.stringify(buildWeeklySummaryCard(payload));
    for (const text of ["Weekly service levels: 2026-11-23 to 2026-11-30", "S1 · Globex Corp", "1 first response", "Eve Engineer: 4.0 / 5 (1 answered of 1 asked)"]) expect(card).toContain(text);

    // The next Monday, once more.
    t.clock.set("2026-12-07T14:05:00Z");
    expect((await Promise.all([a!.runOnce(), b!.runOnce()])).map((r) => r.weeklySummary).sort()).toEqual(["2026-12-07", null].sort());
    expect((await summaries()).map((n) => (n.payload as { week: string }).week)).toEqual(["2026-11-30", "2026-12-07"]);
  });

  it("is not sent when switched off", async () => {
    s.t.clock.set("2026-12-14T14:00:00Z");
    const off = createSweeper({ core: s.t.core, logger: s.t.logger, intervalMs: 60_000, weeklySummary: weeklyScheduleSchema.parse("off") });
    expect((await off.runOnce()).weeklySummary).toBeNull();
    expect(await s.t.db.prisma.weeklySummary.findUnique({ where: { week: "2026-12-14" } })).toBeNull();
  });
});
