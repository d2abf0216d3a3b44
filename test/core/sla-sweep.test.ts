import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { ManualClock } from "../../src/core/clock.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";
import type { CoreDeps } from "../../src/core/deps.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { sweepServiceLevels, type SlaAlertSent, type SlaAlertSink } from "../../src/core/sla/sweep.ts";
import { createLogger } from "../../src/logger.ts";
import { openTestDatabase } from "../support/test-core.ts";
import { as, buildWorld, filing, type World } from "../support/world.ts";

/**
 * Warnings and breaches, each exactly once: walked through the injected clock, caught
 * up after downtime, and swept by two instances at once (on PostgreSQL, two connection
 * pools to one database; on PGlite, two sets of services over its one connection).
 * The desk is the default one: New York, weekdays 09:00-17:00; Monday 30 November
 * 2026 09:00 in New York is 14:00Z.
 */
const MONDAY_0900 = "2026-11-30T14:00:00Z";
const MINUTE = 60_000;

describe("service-level warnings and breaches", () => {
  let db: Database;
  let second: Database;
  let drop: () => Promise<void>;
  let clock: ManualClock;
  let deps: CoreDeps;
  let other: CoreDeps;
  let core: Core;
  let w: World;
  const sent: SlaAlertSent[] = [];
  const sink: SlaAlertSink = async (_tx, alert) => {
    sent.push(alert);
  };

  beforeAll(async () => {
    const opened = await openTestDatabase();
    ({ db, drop } = opened);
    await applyMigrations(db.migrationTarget);
    clock = new ManualClock(MONDAY_0900);
    deps = { prisma: db.prisma, clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: createLogger({ level: "silent" }) };
    core = createCore(deps);
    w = await buildWorld(core);
    second = opened.url ? await openDatabase({ kind: "postgres", url: opened.url }) : db;
    other = { ...deps, prisma: second.prisma };
  });
  afterAll(async () => {
    if (second && second !== db) await second.close();
    await db?.close();
    await drop?.();
  });

  const alertsOf = (caseId: string) => sent.filter((a) => a.caseId === caseId).map((a) => `${a.clock} ${a.stage} -> ${a.route}`);
  const claimsOf = (caseId: string) => db.prisma.slaAlert.findMany({ where: { caseId }, orderBy: [{ dueAt: "asc" }, { stage: "desc" }] });
  const file = async (subject: string, severity: "S1" | "S2" | "S3" | "S4" = "S2") =>
    (await core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject, severity }))).case;

  it("walking the clock every 5 minutes: one warning to triage at 75% (12:00), one breach to on-call at the target (13:00)", async () => {
    clock.set(MONDAY_0900);
    const c = await file("Walk the service level");
    const start = clock.now().getTime();
    for (let m = 5; m <= 6 * 60; m += 5) {
      clock.set(new Date(start + m * MINUTE));
      await sweepServiceLevels(deps, sink);
      if (m === 175) expect(alertsOf(c.id)).toEqual([]);
      if (m === 180) expect(alertsOf(c.id)).toEqual(["FIRST_RESPONSE WARNING -> triage"]);
      if (m === 235) expect(alertsOf(c.id)).toHaveLength(1);
    }
    expect(alertsOf(c.id)).toEqual(["FIRST_RESPONSE WARNING -> triage", "FIRST_RESPONSE BREACH -> on-call"]);
    const breach = sent.find((a) => a.caseId === c.id && a.stage === "BREACH")!;
    expect(breach).toMatchObject({ dueAt: new Date("2026-11-30T18:00:00Z"), minutesLate: 0, number: c.number, subject: "Walk the service level", severity: "S2" });
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).slaCheckAt).toBeNull();
  });

  it("catching up after downtime sends the breach, and never the late warning", async () => {
    clock.set(MONDAY_0900);
    const c = await file("Down all morning");
    clock.set("2026-11-30T19:30:00Z");
    const result = await sweepServiceLevels(deps, sink);
    expect(result.breaches).toBeGreaterThanOrEqual(1);
    expect(alertsOf(c.id)).toEqual(["FIRST_RESPONSE BREACH -> on-call"]);
    expect(sent.find((a) => a.caseId === c.id)!.minutesLate).toBe(90);
    expect((await claimsOf(c.id)).map((r) => [r.stage, r.sent])).toEqual([["WARNING", false], ["BREACH", true]]);
  });

  it("two instances sweeping at once send each warning and each breach once", async () => {
    clock.set(MONDAY_0900);
    const cases = [];
    for (let i = 0; i < 6; i += 1) cases.push(await file(`Race ${i}`));
    clock.set("2026-11-30T17:10:00Z");
    await Promise.all([sweepServiceLevels(deps, sink), sweepServiceLevels(other, sink), sweepServiceLevels(deps, sink), sweepServiceLevels(other, sink)]);
    clock.set("2026-11-30T18:10:00Z");
    await Promise.all([sweepServiceLevels(deps, sink), sweepServiceLevels(other, sink), sweepServiceLevels(deps, sink), sweepServiceLevels(other, sink)]);
    for (const c of cases) {
      expect(alertsOf(c.id)).toEqual(["FIRST_RESPONSE WARNING -> triage", "FIRST_RESPONSE BREACH -> on-call"]);
      expect(await claimsOf(c.id)).toHaveLength(2);
    }
  });

  it("a restarted instance that looks again (a stale check time) sends nothing twice", async () => {
    clock.set(MONDAY_0900);
    const c = await file("Restart");
    clock.set("2026-11-30T18:30:00Z");
    await sweepServiceLevels(deps, sink);
    expect(alertsOf(c.id)).toHaveLength(1);
    // As if the process died after claiming and a change set the check time back.
    await db.prisma.case.update({ where: { id: c.id }, data: { slaCheckAt: new Date(MONDAY_0900) } });
    await sweepServiceLevels(other, sink);
    expect(alertsOf(c.id)).toHaveLength(1);
  });

  it("warns the owner of an owned case; S1 breaches go to management", async () => {
    clock.set("2026-11-28T08:00:00Z"); // Saturday 03:00: S1 runs around the clock
    const c = await file("Playback down everywhere", "S1");
    await core.cases.take(as(w.people.engineer.id), c.number);
    clock.set("2026-11-28T08:50:00Z");
    await sweepServiceLevels(deps, sink);
    expect(alertsOf(c.id)).toEqual(["FIRST_RESPONSE WARNING -> owner"]);
    expect(sent.find((a) => a.caseId === c.id)!).toMatchObject({ owner: "Eve Engineer", minutesLeft: 10 });
    clock.set("2026-11-28T09:00:00Z");
    await sweepServiceLevels(deps, sink);
    expect(alertsOf(c.id)).toEqual(["FIRST_RESPONSE WARNING -> owner", "FIRST_RESPONSE BREACH -> management"]);
  });

  it("a kept promise raises nothing; a new promise (an escalation asking for management) gets its own alerts, its breach to management", async () => {
    clock.set(MONDAY_0900);
    const c = await file("Escalated");
    clock.set("2026-11-30T15:00:00Z");
    await core.cases.askCustomer(as(w.people.engineer.id), c.number, { body: "Which entries?" });
    clock.set("2026-11-30T19:00:00Z");
    await sweepServiceLevels(deps, sink);
    expect(alertsOf(c.id)).toEqual([]);
    await core.cases.escalate(as(w.people.acmeUser.id), c.number, { reason: "REQUESTING_MANAGEMENT_ATTENTION", description: "No answer to our last escalation." });
    clock.set("2026-11-30T23:01:00Z");
    await sweepServiceLevels(deps, sink);
    expect(alertsOf(c.id)).toEqual(["NEXT_UPDATE BREACH -> management"]);
    expect(sent.find((a) => a.caseId === c.id)).toMatchObject({ promise: "MANAGEMENT_ESCALATION", minutesLate: 1, dueAt: new Date("2026-11-30T23:00:00Z") });
  });
});
