import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { createCore } from "../../src/core/index.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { serviceLevelsSchema } from "../../src/core/sla/targets.ts";
import { randomBytes } from "node:crypto";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * Service-level timers walked through the core on the real database, with the clock
 * injected. The desk is the default one: New York, weekdays 09:00-17:00. Friday
 * 27 November 2026, 16:00 in New York is 21:00Z.
 */
describe("service-level timers on a case", () => {
  const s = useWorld({ start: "2026-11-27T21:00:00Z" });
  const row = (id: string) => s.t.db.prisma.case.findUniqueOrThrow({ where: { id } });
  const iso = (d: Date | null) => d?.toISOString() ?? null;

  it("an S2 filed Friday 16:00 is due Monday 12:00; kept by a reply Monday 10:00; then updates run, pause and restart", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    s.t.clock.set("2026-11-27T21:00:00Z");
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { severity: "S2", subject: "Uploads fail" }));
    expect(await row(c.id)).toMatchObject({
      firstResponseDueAt: new Date("2026-11-30T17:00:00Z"),
      firstResponseWarnAt: new Date("2026-11-30T16:00:00Z"),
      slaCheckAt: new Date("2026-11-30T16:00:00Z"),
      nextUpdateDueAt: null,
    });

    // An internal note is no response.
    s.t.clock.set("2026-11-30T14:30:00Z");
    await s.t.core.cases.comment(engineer, c.number, { body: "Looking at the transcoder logs.", internal: true });
    expect((await row(c.id)).firstRespondedAt).toBeNull();

    // Monday 10:00: the first public staff reply keeps the promise; In Progress owes an update a business day later.
    await s.t.core.cases.take(engineer, c.number);
    s.t.clock.set("2026-11-30T15:00:00Z");
    await s.t.core.cases.comment(engineer, c.number, { body: "We are looking at it." });
    let r = await row(c.id);
    expect(r).toMatchObject({ firstRespondedAt: new Date("2026-11-30T15:00:00Z"), firstResponseDueAt: null, nextUpdateKind: "IN_PROGRESS" });
    expect(iso(r.nextUpdateDueAt)).toBe("2026-12-01T15:00:00.000Z");

    // Asking the customer pauses: nothing is owed while Pending.
    s.t.clock.set("2026-11-30T16:00:00Z");
    await s.t.core.cases.askCustomer(engineer, c.number, { body: "Which entry ids fail?" });
    expect(await row(c.id)).toMatchObject({ status: "PENDING", nextUpdateDueAt: null, slaCheckAt: null });

    // The customer answers Tuesday 15:00: 4 business hours, 2 on Tuesday and 2 on Wednesday.
    s.t.clock.set("2026-12-01T20:00:00Z");
    await s.t.core.cases.comment(customer, c.number, { body: "Entries 1_a and 1_b." });
    r = await row(c.id);
    expect(r).toMatchObject({ status: "IN_PROGRESS", nextUpdateKind: "REPLY" });
    expect(iso(r.nextUpdateDueAt)).toBe("2026-12-02T16:00:00.000Z");

    // An escalation's "Within the upcoming hours" becomes a due time 4 hours out, sooner than the reply's.
    s.t.clock.set("2026-12-01T20:30:00Z");
    const escalation = await s.t.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "Our event starts tomorrow." });
    expect(escalation.acknowledgement).toBe("Within the upcoming hours");
    r = await row(c.id);
    expect(r).toMatchObject({ nextUpdateKind: "ESCALATION" });
    expect(iso(r.nextUpdateDueAt)).toBe("2026-12-02T00:30:00.000Z");

    // Raised to S1 after review: the escalation's promise is recomputed with S1's 15 minutes.
    await s.t.core.cases.changeSeverity(engineer, c.number, { severity: "S1", reason: "All uploads fail." });
    expect(iso((await row(c.id)).nextUpdateDueAt)).toBe("2026-12-01T20:45:00.000Z");

    // Closed: every clock stops; the first response stays on record.
    await s.t.core.cases.close(engineer, c.number, { reason: "SOLUTION_PROVIDED" });
    expect(await row(c.id)).toMatchObject({ firstRespondedAt: new Date("2026-11-30T15:00:00Z"), nextUpdateDueAt: null, firstResponseDueAt: null, slaCheckAt: null });
  });

  it("staff see the running clocks with the time to target; the customer sees only the promise", async () => {
    s.t.clock.set("2026-11-30T14:00:00Z"); // Monday 09:00
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { severity: "S2" }));
    s.t.clock.set("2026-11-30T17:10:00Z"); // 12:10, past the 75% warning
    let staffView = await s.t.core.cases.get(engineer, c.number);
    expect(staffView.serviceLevel).toEqual([{ clock: "FIRST_RESPONSE", promise: null, dueAt: new Date("2026-11-30T18:00:00Z"), minutesToTarget: 50, state: "warning", paused: false }]);
    let customerView = await s.t.core.cases.get(customer, c.number);
    expect(customerView.serviceLevel).toBeUndefined();
    expect(customerView.promise).toBeNull();

    await s.t.core.cases.comment(engineer, c.number, { body: "On it." });
    await s.t.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "Need news by tonight." });
    customerView = await s.t.core.cases.get(customer, c.number);
    expect(customerView.promise).toEqual({ nextUpdateBy: new Date("2026-11-30T21:10:00Z") });
    expect(JSON.stringify(customerView)).not.toMatch(/warnAt|FIRST_RESPONSE|minutesToTarget/);
    // What delivery draws for each audience: the customer's cards never carry the internal clocks.
    expect((await s.t.core.cases.viewForAudience(c.id, "CUSTOMER")).serviceLevel).toBeUndefined();
    expect((await s.t.core.cases.viewForAudience(c.id, "PARTNER")).serviceLevel).toBeUndefined();
    expect((await s.t.core.cases.viewForAudience(c.id, "STAFF")).serviceLevel).toHaveLength(1);
    s.t.clock.set("2026-11-30T21:40:00Z");
    staffView = await s.t.core.cases.get(engineer, c.number);
    expect(staffView.serviceLevel).toEqual([{ clock: "NEXT_UPDATE", promise: "ESCALATION", dueAt: new Date("2026-11-30T21:10:00Z"), minutesToTarget: -30, state: "breached", paused: false }]);
  });

  it("a feature request has no response clock", async () => {
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { caseType: "FEATURE_REQUEST", severity: "S4" }));
    expect(await row(c.id)).toMatchObject({ firstResponseDueAt: null, slaCheckAt: null });
  });

  it("a first response frozen while Pending resumes with the time it had left", async () => {
    s.t.clock.set("2026-11-30T14:00:00Z"); // Monday 09:00
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { severity: "S2" }));
    s.t.clock.set("2026-11-30T15:00:00Z");
    await s.t.core.cases.setStatus(engineer, c.number, { status: "PENDING" });
    expect((await row(c.id)).slaCheckAt).toBeNull();
    s.t.clock.set("2026-12-01T21:00:00Z"); // Tuesday 16:00
    await s.t.core.cases.setStatus(engineer, c.number, { status: "IN_PROGRESS" });
    expect(iso((await row(c.id)).firstResponseDueAt)).toBe("2026-12-02T16:00:00.000Z");
  });

  it("a case closed automatically for no response has no clock left", async () => {
    s.t.clock.set("2026-11-30T14:00:00Z");
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { severity: "S2" }));
    await s.t.core.cases.askCustomer(engineer, c.number, { body: "Logs, please." });
    await s.t.core.cases.escalate(as(s.w.people.acmeUser.id), c.number, { reason: "CASE_UPDATE_NEEDED", description: "Any news?" });
    s.t.clock.set("2026-12-11T14:00:00Z");
    await s.t.core.cases.applyDueActions(c.id);
    expect(await row(c.id)).toMatchObject({ status: "CLOSED", nextUpdateDueAt: null, slaCheckAt: null });
  });

  it("an account on a service package gets its targets (a second core reading a catalog that lists it)", async () => {
    const serviceLevels = serviceLevelsSchema.parse({
      packages: { gold: { accounts: [s.w.accounts.globex.id], targets: { all: { hours: "calendar", firstResponseMinutes: 30 } } } },
    });
    const gold = createCore({ prisma: s.t.db.prisma, clock: s.t.clock, catalog: { ...DEFAULT_CATALOG, serviceLevels }, vault: new CredentialVault(randomBytes(32)), logger: s.t.logger });
    s.t.clock.set("2026-11-28T15:00:00Z"); // Saturday
    const { case: goldCase } = await gold.cases.file(as(s.w.people.globexUser.id), filing(s.w.accounts.globex.id, { severity: "S3" }));
    expect(iso((await row(goldCase.id)).firstResponseDueAt)).toBe("2026-11-28T15:30:00.000Z");
    const { case: plain } = await gold.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { severity: "S3" }));
    // Not on the package: one business day from Monday's opening.
    expect(iso((await row(plain.id)).firstResponseDueAt)).toBe("2026-11-30T22:00:00.000Z");
  });
});
