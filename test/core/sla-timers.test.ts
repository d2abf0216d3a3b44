import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/core/catalog.ts";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { slaAlertsDue } from "../../src/core/sla/alerts.ts";
import { DEFAULT_SERVICE_LEVELS, serviceLevelsSchema, targetsFor, type ServiceLevels } from "../../src/core/sla/targets.ts";
import { NO_CLOCKS, slaAfter, type SlaCase, type SlaChange } from "../../src/core/sla/timers.ts";
import { customerPromise, staffServiceLevel } from "../../src/core/sla/view.ts";

const at = (iso: string) => new Date(iso);
const ACME = "6f1c1e4e-0000-4000-8000-000000000001";
const GOLD = "6f1c1e4e-0000-4000-8000-000000000002";

/** A case walked through changes, as the core stores it after each one. */
class Walk {
  c: SlaCase;
  constructor(
    filedAt: string,
    init: Partial<SlaCase> = {},
    readonly levels: ServiceLevels = DEFAULT_SERVICE_LEVELS,
  ) {
    this.c = { ...NO_CLOCKS, accountId: ACME, caseType: "TECHNICAL_ISSUE", severity: "S2", status: "NEW", statusChangedAt: at(filedAt), createdAt: at(filedAt), ...init };
    this.apply(filedAt, { kind: "filed" });
  }
  apply(when: string, change: SlaChange): this {
    const cols = slaAfter(this.c, change, at(when), this.levels);
    const status = change.kind === "status" ? change.to : change.kind === "reply" ? change.status : this.c.status;
    const severity = change.kind === "severity" ? change.to : this.c.severity;
    this.c = { ...this.c, ...cols, severity, status, statusChangedAt: status !== this.c.status ? at(when) : this.c.statusChangedAt };
    return this;
  }
  iso(d: Date | null) {
    return d?.toISOString() ?? null;
  }
  get firstResponseDue() {
    return this.iso(this.c.firstResponseDueAt);
  }
  get nextUpdateDue() {
    return this.iso(this.c.nextUpdateDueAt);
  }
}

describe("targets from the catalog", () => {
  it("ship the documented defaults: S1 1h around the clock, S2 4 business hours, S3 1 business day, S4 2", () => {
    const s = DEFAULT_SERVICE_LEVELS.severities;
    expect([s.S1.hours, s.S1.firstResponseMinutes, s.S1.inProgressUpdateMinutes]).toEqual(["calendar", 60, 120]);
    expect([s.S2.hours, s.S2.firstResponseMinutes, s.S2.inProgressUpdateMinutes]).toEqual(["business", 240, 480]);
    expect([s.S3.hours, s.S3.firstResponseMinutes]).toEqual(["business", 480]);
    expect([s.S4.hours, s.S4.firstResponseMinutes]).toEqual(["business", 960]);
    expect(DEFAULT_SERVICE_LEVELS.warnAtShare).toBe(0.75);
  });

  it("give a feature request no response clock, but keep an escalation's promise", () => {
    const t = targetsFor(DEFAULT_SERVICE_LEVELS, { accountId: ACME, caseType: "FEATURE_REQUEST", severity: "S2" });
    expect([t.firstResponseMinutes, t.nextUpdateMinutes, t.inProgressUpdateMinutes]).toEqual([null, null, null]);
    expect(t.escalationAcknowledgement).toEqual({ minutes: 240, hours: "calendar" });
  });

  it("let a service package override targets for the accounts it lists, single severities winning over `all`", () => {
    const levels = serviceLevelsSchema.parse({
      packages: { gold: { accounts: [GOLD], targets: { all: { hours: "calendar", firstResponseMinutes: 120 }, S1: { firstResponseMinutes: 30 } } } },
    });
    expect(targetsFor(levels, { accountId: GOLD, caseType: "HOW_TO", severity: "S3" })).toMatchObject({ hours: "calendar", firstResponseMinutes: 120, nextUpdateMinutes: 480 });
    expect(targetsFor(levels, { accountId: GOLD, caseType: "HOW_TO", severity: "S1" }).firstResponseMinutes).toBe(30);
    expect(targetsFor(levels, { accountId: ACME, caseType: "HOW_TO", severity: "S3" })).toMatchObject({ hours: "business", firstResponseMinutes: 480 });
  });

  it("are read from a catalog file, key by key, and a bad one names the key", () => {
    const dir = mkdtempSync(join(tmpdir(), "carebot-sla-"));
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ serviceLevels: { businessHours: { timeZone: "Europe/Berlin" }, holidays: ["2026-12-24"], warnAtShare: 0.5 } }));
    const levels = loadCatalog(good).serviceLevels!;
    expect(levels.businessHours).toEqual({ timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" });
    expect(levels.severities.S1.firstResponseMinutes).toBe(60);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ serviceLevels: { businessHours: { timeZone: "Mars/Olympus" } } }));
    expect(() => loadCatalog(bad)).toThrow(/serviceLevels\.businessHours\.timeZone/);
    writeFileSync(bad, JSON.stringify({ serviceLevels: { packages: { a: { accounts: [GOLD], targets: {} }, b: { accounts: [GOLD], targets: {} } } } }));
    expect(() => loadCatalog(bad)).toThrow(/at most one service package/);
  });
});

describe("first response", () => {
  it("runs from filing in business hours for S2 and stops at the first public staff reply", () => {
    // Friday 27 November 2026, 16:00 New York.
    const w = new Walk("2026-11-27T21:00:00Z");
    expect(w.firstResponseDue).toBe("2026-11-30T17:00:00.000Z");
    expect(w.iso(w.c.firstResponseWarnAt)).toBe("2026-11-30T16:00:00.000Z"); // 3 of 4 hours
    expect(w.iso(w.c.slaCheckAt)).toBe("2026-11-30T16:00:00.000Z");
    w.apply("2026-11-30T15:00:00Z", { kind: "reply", by: "staff", status: "IN_PROGRESS" });
    expect(w.firstResponseDue).toBeNull();
    expect(w.iso(w.c.firstRespondedAt)).toBe("2026-11-30T15:00:00.000Z");
    // In Progress now: the next update is due one business day after the staff update.
    expect(w.nextUpdateDue).toBe("2026-12-01T15:00:00.000Z");
    expect(w.c.nextUpdateKind).toBe("IN_PROGRESS");
  });

  it("runs around the clock for S1: filed Saturday 03:00, due 04:00", () => {
    const w = new Walk("2026-11-28T08:00:00Z", { severity: "S1" });
    expect(w.firstResponseDue).toBe("2026-11-28T09:00:00.000Z");
    expect(w.iso(w.c.firstResponseWarnAt)).toBe("2026-11-28T08:45:00.000Z");
  });

  it("does not run for a feature request", () => {
    const w = new Walk("2026-11-27T15:00:00Z", { caseType: "FEATURE_REQUEST" });
    expect(w.c).toMatchObject({ firstResponseDueAt: null, slaCheckAt: null });
  });

  it("is not stopped by a customer's reply, and a customer reply before it starts no next-update clock", () => {
    const w = new Walk("2026-11-30T14:00:00Z").apply("2026-11-30T15:00:00Z", { kind: "reply", by: "customer", status: "NEW" });
    expect(w.firstResponseDue).toBe("2026-11-30T18:00:00.000Z");
    expect(w.nextUpdateDue).toBeNull();
  });

  it("is frozen while Pending and resumes with the business time it had left", () => {
    // Monday 09:00 filed (due 13:00); set Pending at 10:00 without a reply (3h left); the customer answers Tuesday 16:00.
    const w = new Walk("2026-11-30T14:00:00Z").apply("2026-11-30T15:00:00Z", { kind: "status", to: "PENDING" });
    expect(w.c.slaCheckAt).toBeNull();
    w.apply("2026-12-01T21:00:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" });
    // 1h Tuesday until 17:00, 2h Wednesday from 09:00.
    expect(w.firstResponseDue).toBe("2026-12-02T16:00:00.000Z");
  });

  it("is recomputed from filing when the severity changes", () => {
    const w = new Walk("2026-11-30T14:00:00Z", { severity: "S3" });
    expect(w.firstResponseDue).toBe("2026-11-30T22:00:00.000Z");
    w.apply("2026-11-30T14:30:00Z", { kind: "severity", to: "S1" });
    expect(w.firstResponseDue).toBe("2026-11-30T15:00:00.000Z");
    expect(w.iso(w.c.slaCheckAt)).toBe("2026-11-30T14:45:00.000Z");
  });
});

describe("next update", () => {
  const answered = () => new Walk("2026-11-30T14:00:00Z").apply("2026-11-30T15:00:00Z", { kind: "reply", by: "staff", status: "PENDING" });

  it("is owed nothing while Pending, and restarts on the customer's reply", () => {
    const w = answered();
    expect(w.nextUpdateDue).toBeNull();
    expect(w.c.slaCheckAt).toBeNull();
    // Tuesday 15:00: 2h Tuesday, 2h Wednesday.
    w.apply("2026-12-01T20:00:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" });
    expect(w.nextUpdateDue).toBe("2026-12-02T16:00:00.000Z");
    expect(w.c.nextUpdateKind).toBe("REPLY");
  });

  it("becomes the escalation's promise: S2 'within the upcoming hours' is due 4 hours later, whatever the day", () => {
    const w = answered().apply("2026-12-05T15:00:00Z", { kind: "escalated", management: false });
    expect(w.nextUpdateDue).toBe("2026-12-05T19:00:00.000Z");
    expect(w.c.nextUpdateKind).toBe("ESCALATION");
    expect(w.iso(w.c.slaCheckAt)).toBe("2026-12-05T18:00:00.000Z");
  });

  it("keeps an escalation's sooner promise when the customer replies after it", () => {
    const w = answered()
      .apply("2026-12-01T20:00:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" })
      .apply("2026-12-01T20:05:00Z", { kind: "escalated", management: true });
    expect(w.nextUpdateDue).toBe("2026-12-02T00:05:00.000Z");
    w.apply("2026-12-01T20:10:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" });
    expect(w.nextUpdateDue).toBe("2026-12-02T00:05:00.000Z");
    expect(w.c.nextUpdateKind).toBe("MANAGEMENT_ESCALATION");
  });

  it("keeps a sooner running promise when escalated, but makes it the escalation's (its breach goes to management)", () => {
    // Monday 10:00 New York the customer replies (due 14:00); at 10:30 they ask for management (4 hours: 14:30).
    const w = answered()
      .apply("2026-11-30T15:00:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" })
      .apply("2026-11-30T15:30:00Z", { kind: "escalated", management: true });
    expect(w.nextUpdateDue).toBe("2026-11-30T19:00:00.000Z");
    expect(w.c.nextUpdateKind).toBe("MANAGEMENT_ESCALATION");
  });

  it("runs every 2 hours around the clock for an S1 in progress, after each public staff update", () => {
    const w = new Walk("2026-11-28T08:00:00Z", { severity: "S1" }).apply("2026-11-28T08:20:00Z", { kind: "reply", by: "staff", status: "IN_PROGRESS" });
    expect(w.nextUpdateDue).toBe("2026-11-28T10:20:00.000Z");
    w.apply("2026-11-28T10:00:00Z", { kind: "reply", by: "staff", status: "IN_PROGRESS" });
    expect(w.nextUpdateDue).toBe("2026-11-28T12:00:00.000Z");
  });

  it("is recomputed with the new severity from when the promise started", () => {
    const w = answered().apply("2026-12-01T20:00:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" });
    w.apply("2026-12-01T20:30:00Z", { kind: "severity", to: "S1" });
    expect(w.nextUpdateDue).toBe("2026-12-01T21:00:00.000Z");
  });

  it("stops with every clock when the case closes, and restarts on a reopening reply", () => {
    const w = answered().apply("2026-12-01T20:00:00Z", { kind: "status", to: "CLOSED" });
    expect(w.c).toMatchObject({ ...NO_CLOCKS, firstRespondedAt: at("2026-11-30T15:00:00Z") });
    w.apply("2026-12-02T15:00:00Z", { kind: "reply", by: "customer", status: "IN_PROGRESS" });
    expect(w.nextUpdateDue).toBe("2026-12-02T19:00:00.000Z");
  });

  it("resumes the in-progress cadence when staff move a Pending case back to In Progress", () => {
    const w = answered().apply("2026-12-01T15:00:00Z", { kind: "status", to: "IN_PROGRESS" });
    expect(w.nextUpdateDue).toBe("2026-12-02T15:00:00.000Z");
  });
});

describe("what a sweep owes (warnings and breaches)", () => {
  const s2 = () => new Walk("2026-11-30T14:00:00Z"); // due 18:00Z, warn 17:00Z

  it("owes nothing before the warning, a warning to triage at 75%, a breach to on-call at the target", () => {
    const c = { ...s2().c, ownerId: null };
    expect(slaAlertsDue(c, at("2026-11-30T16:59:59Z"))).toEqual({ alerts: [], nextCheckAt: at("2026-11-30T17:00:00Z") });
    const warn = slaAlertsDue(c, at("2026-11-30T17:00:00Z"));
    expect(warn.alerts).toEqual([{ clock: "FIRST_RESPONSE", stage: "WARNING", dueAt: at("2026-11-30T18:00:00Z"), promise: null, route: "triage", send: true }]);
    expect(warn.nextCheckAt).toEqual(at("2026-11-30T18:00:00Z"));
    const breach = slaAlertsDue(c, at("2026-11-30T18:00:00Z"));
    expect(breach.alerts.map((a) => [a.stage, a.route, a.send])).toEqual([["WARNING", "triage", false], ["BREACH", "on-call", true]]);
    expect(breach.nextCheckAt).toBeNull();
  });

  it("warns the owner when there is one, and sends S1 breaches and management escalations to management", () => {
    expect(slaAlertsDue({ ...s2().c, ownerId: "someone" }, at("2026-11-30T17:30:00Z")).alerts[0]!.route).toBe("owner");
    const s1 = new Walk("2026-11-28T08:00:00Z", { severity: "S1" });
    expect(slaAlertsDue({ ...s1.c, ownerId: null }, at("2026-11-28T09:00:00Z")).alerts.at(-1)!.route).toBe("management");
    const mgmt = s2().apply("2026-11-30T15:00:00Z", { kind: "reply", by: "staff", status: "PENDING" }).apply("2026-11-30T15:10:00Z", { kind: "escalated", management: true });
    expect(slaAlertsDue({ ...mgmt.c, ownerId: "x" }, at("2026-11-30T19:10:00Z")).alerts.at(-1)).toMatchObject({ clock: "NEXT_UPDATE", stage: "BREACH", route: "management", promise: "MANAGEMENT_ESCALATION" });
  });

  it("owes no first-response alert while the case waits on the customer", () => {
    const c = s2().apply("2026-11-30T15:00:00Z", { kind: "status", to: "PENDING" }).c;
    expect(slaAlertsDue({ ...c, ownerId: null }, at("2026-12-30T00:00:00Z")).alerts).toEqual([]);
  });
});

describe("what readers see", () => {
  it("shows a first response frozen while Pending as paused (never warning or breached), and promises the customer nothing then", () => {
    const c = new Walk("2026-11-30T14:00:00Z").apply("2026-11-30T15:00:00Z", { kind: "status", to: "PENDING" }).c;
    expect(staffServiceLevel(c, at("2026-12-09T00:00:00Z"))).toEqual([
      { clock: "FIRST_RESPONSE", promise: null, dueAt: at("2026-11-30T18:00:00Z"), minutesToTarget: expect.any(Number), state: "ok", paused: true },
    ]);
    expect(customerPromise(c)).toBeNull();
  });

  it("lists both clocks soonest first, and nothing once closed", () => {
    const c = new Walk("2026-11-30T14:00:00Z").apply("2026-11-30T14:10:00Z", { kind: "escalated", management: false }).c;
    expect(staffServiceLevel(c, at("2026-11-30T14:20:00Z")).map((x) => [x.clock, x.minutesToTarget])).toEqual([["FIRST_RESPONSE", 220], ["NEXT_UPDATE", 230]]);
    const closed = new Walk("2026-11-30T14:00:00Z").apply("2026-11-30T15:00:00Z", { kind: "status", to: "CLOSED" }).c;
    expect(staffServiceLevel(closed, at("2026-11-30T15:00:00Z"))).toEqual([]);
  });
});

describe("whatever happens to a case (random walks)", () => {
  const change = fc.oneof(
    fc.record({ kind: fc.constant("reply" as const), by: fc.constantFrom("staff" as const, "customer" as const), status: fc.constantFrom("IN_PROGRESS" as const, "PENDING" as const, "NEW" as const) }),
    fc.record({ kind: fc.constant("escalated" as const), management: fc.boolean() }),
    fc.record({ kind: fc.constant("status" as const), to: fc.constantFrom("IN_PROGRESS" as const, "PENDING" as const, "CLOSED" as const) }),
    fc.record({ kind: fc.constant("severity" as const), to: fc.constantFrom("S1" as const, "S2" as const, "S3" as const, "S4" as const) }),
  );
  const step = fc.record({ afterMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }), change });

  it("keeps every promise after its start, warns no later than it is due, stops at closing, and checks at the earliest running time", () => {
    fc.assert(
      fc.property(fc.constantFrom("S1" as const, "S2" as const, "S3" as const, "S4" as const), fc.constantFrom("FEATURE_REQUEST" as const, "HOW_TO" as const), fc.array(step, { maxLength: 12 }), (severity, caseType, steps) => {
        let when = at("2026-11-27T21:00:00Z").getTime();
        const w = new Walk(new Date(when).toISOString(), { severity, caseType });
        for (const { afterMinutes, change: ch } of steps) {
          // A customer reply is what moves a Pending or closed case; staff replies keep their own status.
          if (w.c.status === "CLOSED" && !(ch.kind === "reply" && ch.by === "customer")) continue;
          when += afterMinutes * 60_000;
          const now = new Date(when);
          const applied: SlaChange = ch.kind === "reply" && ch.by === "customer" ? { ...ch, status: "IN_PROGRESS" } : ch;
          w.apply(now.toISOString(), applied);
          const c = w.c;
          if (c.firstResponseDueAt) expect(c.firstResponseWarnAt!.getTime()).toBeLessThanOrEqual(c.firstResponseDueAt.getTime());
          if (c.nextUpdateDueAt) {
            expect(c.nextUpdateWarnAt!.getTime()).toBeLessThanOrEqual(c.nextUpdateDueAt.getTime());
            expect(c.nextUpdateDueAt.getTime()).toBeGreaterThanOrEqual(c.nextUpdateFrom!.getTime());
            expect(c.nextUpdateKind).not.toBeNull();
          }
          if (c.firstRespondedAt) expect(c.firstResponseDueAt).toBeNull();
          if (c.status === "CLOSED") expect(c.slaCheckAt).toBeNull();
          const running = [c.nextUpdateWarnAt, c.nextUpdateDueAt, ...(c.status === "PENDING" || c.status === "CLOSED" ? [] : [c.firstResponseWarnAt, c.firstResponseDueAt])]
            .filter((d): d is Date => d !== null)
            .map((d) => d.getTime());
          expect(c.slaCheckAt?.getTime() ?? null).toBe(c.status === "CLOSED" || running.length === 0 ? null : Math.min(...running));
          // A feature request never gets a first-response or reply clock; only an escalation's promise.
          if (caseType === "FEATURE_REQUEST") {
            expect(c.firstResponseDueAt).toBeNull();
            if (c.nextUpdateKind) expect(["ESCALATION", "MANAGEMENT_ESCALATION"]).toContain(c.nextUpdateKind);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
