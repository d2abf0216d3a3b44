import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { serviceLevelCommand, serviceLevelQueueCommand } from "../../src/cli/service-levels.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import type { CoreDeps } from "../../src/core/deps.ts";
import { sweepServiceLevels } from "../../src/core/sla/sweep.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

/**
 * The operator's service-level report: response times and breaches per severity and
 * account, from cases walked through the injected clock on the real database. The desk
 * is New York, weekdays 09:00-17:00; Monday 30 November 2026 09:00 there is 14:00Z.
 */
describe("the service-level report", () => {
  const s = useWorld({ start: "2026-11-30T14:00:00Z" });

  beforeAll(async () => {
    const { t, w } = s;
    const deps: CoreDeps = { prisma: t.db.prisma, clock: t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: t.logger };
    const engineer = as(w.people.engineer.id);
    const acme = (subject: string) => t.core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { severity: "S2", subject }));
    // Monday 09:00: two Acme S2 cases and a Globex S1.
    const answered = (await acme("Answered in two hours")).case;
    const ignored = (await acme("Never answered")).case;
    const globex = (await t.core.cases.file(as(w.people.globexUser.id), filing(w.accounts.globex.id, { severity: "S1" }))).case;
    t.clock.set("2026-11-30T14:30:00Z");
    await t.core.cases.askCustomer(engineer, globex.number, { body: "Which player version?" });
    t.clock.set("2026-11-30T16:00:00Z");
    await t.core.cases.askCustomer(engineer, answered.number, { body: "Which entries fail?" });
    // The unanswered case is warned at 12:00 and breached at 13:00 (New York).
    t.clock.set("2026-11-30T17:00:00Z");
    await sweepServiceLevels(deps, async () => undefined);
    t.clock.set("2026-11-30T18:00:00Z");
    await sweepServiceLevels(deps, async () => undefined);
    // Monday 16:00 another Acme S2, answered Tuesday 11:00: 1 business hour Monday, 2 Tuesday.
    t.clock.set("2026-11-30T21:00:00Z");
    const late = (await acme("Filed late in the day")).case;
    t.clock.set("2026-12-01T16:00:00Z");
    await t.core.cases.comment(engineer, late.number, { body: "Found it: a transcoding profile." });
    expect(ignored.number).toBeDefined();
    t.clock.set("2026-12-01T17:00:00Z");
  });

  it("shows filings, the median first response in business minutes, breaches, warnings and what is overdue now", async () => {
    const { rows } = await s.t.core.serviceLevels.report(operator, { days: 7 });
    expect(rows).toEqual([
      {
        severity: "S1", accountId: s.w.accounts.globex.id, account: "Globex Corp", filed: 1, firstResponses: 1, medianFirstResponseMinutes: 30, hours: "calendar",
        firstResponseBreaches: 0, nextUpdateBreaches: 0, warnings: 0, overdueNow: 0,
      },
      {
        severity: "S2", accountId: s.w.accounts.acme.id, account: "Acme Media", filed: 3, firstResponses: 2, medianFirstResponseMinutes: 150, hours: "business",
        firstResponseBreaches: 1, nextUpdateBreaches: 0, warnings: 1, overdueNow: 1,
      },
    ]);
  });

  it("narrows to a severity or an account, and to a period", async () => {
    expect((await s.t.core.serviceLevels.report(operator, { severity: "S1" })).rows.map((r) => r.account)).toEqual(["Globex Corp"]);
    expect((await s.t.core.serviceLevels.report(operator, { accountId: s.w.accounts.acme.id })).rows.map((r) => r.severity)).toEqual(["S2"]);
    // The last 24 hours (since Monday 12:00 New York): the late filing and the 13:00 breach, not the morning's filings.
    const today = await s.t.core.serviceLevels.report(operator, { days: 1 });
    expect(today.rows.map((r) => [r.account, r.filed, r.firstResponseBreaches, r.overdueNow])).toEqual([["Acme Media", 1, 1, 1]]);
  });

  it("is for staff only: a customer is refused, and a bad period is named", async () => {
    await expect(s.t.core.serviceLevels.report(as(s.w.people.acmeUser.id))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(s.t.core.serviceLevels.report(operator, { days: 0 })).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { days: "At least 1 day." } });
    await expect(s.t.core.serviceLevels.report(as(s.w.people.manager.id), { days: 7 })).resolves.toMatchObject({ rows: expect.any(Array) });
  });

  it("reads as a table in the operator CLI (sla report)", async () => {
    const { text } = await serviceLevelCommand(s.t.core, operator, ["7"], {});
    expect(text).toContain("Service levels, 2026-11-24T17:00Z to 2026-12-01T17:00Z");
    const acmeLine = text.split("\n").find((l) => l.includes("Acme Media"))!;
    expect(acmeLine.split(/\s{2,}/)).toEqual(["S2", "Acme Media", "3", "2", "150 min (business)", "1", "0", "1", "1"]);
  });

  it("lists the open cases by time to breach for triage: the breached one first, the one answered and updated later after", async () => {
    const queue = await s.t.core.serviceLevels.queue(operator);
    expect(queue.map((c) => [c.subject, c.serviceLevel[0]!.clock, c.serviceLevel[0]!.state])).toEqual([
      ["Never answered", "FIRST_RESPONSE", "breached"],
      ["Filed late in the day", "NEXT_UPDATE", "ok"],
    ]);
    await expect(s.t.core.serviceLevels.queue(as(s.w.people.acmeUser.id))).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { text } = await serviceLevelQueueCommand(s.t.core, operator, {});
    const lines = text.split("\n").slice(2).map((l) => l.split(/\s{2,}/).slice(1, 7));
    expect(lines).toEqual([
      ["S2", "Acme Media", "-", "first response", "2026-11-30T18:00Z", "1380 min late"],
      ["S2", "Acme Media", "-", "update (in progress)", "2026-12-02T16:00Z", "1380 min"],
    ]);
  });
});
