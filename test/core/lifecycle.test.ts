import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { canReopen, dueActions, statusAfterCustomerReply, type ClockState } from "../../src/core/cases/lifecycle.ts";

const timers = DEFAULT_CATALOG.timers;
const at = (iso: string) => new Date(iso);
const pending = (since: string, reminded: string | null = null): ClockState => ({
  status: "PENDING",
  statusChangedAt: at(since),
  reminderSentAt: reminded ? at(reminded) : null,
  closedAt: null,
  hasCredentials: false,
});

describe("the case clock (pure rules)", () => {
  it("is quiet before day 5 of Pending, reminds on day 5, and only once", () => {
    const since = "2026-01-01T12:00:00Z";
    expect(dueActions(pending(since), at("2026-01-06T11:59:59Z"), timers)).toEqual([]);
    expect(dueActions(pending(since), at("2026-01-06T12:00:00Z"), timers)).toEqual(["REMIND"]);
    expect(dueActions(pending(since, "2026-01-06T12:00:00Z"), at("2026-01-08T00:00:00Z"), timers)).toEqual([]);
  });

  it("closes on day 10 without sending a late reminder first (a sweep catching up after downtime)", () => {
    expect(dueActions(pending("2026-01-01T12:00:00Z"), at("2026-01-11T12:00:00Z"), timers)).toEqual(["AUTO_CLOSE"]);
    expect(dueActions(pending("2026-01-01T12:00:00Z"), at("2026-02-20T00:00:00Z"), timers)).toEqual(["AUTO_CLOSE"]);
  });

  it("has nothing due for open cases that are not Pending", () => {
    for (const status of ["NEW", "IN_PROGRESS"] as const) {
      expect(dueActions({ ...pending("2026-01-01T00:00:00Z"), status }, at("2026-03-01T00:00:00Z"), timers)).toEqual([]);
    }
  });

  it("reopens within 7 days of closing and not after", () => {
    const closed = { status: "CLOSED" as const, closedAt: at("2026-01-10T09:00:00Z") };
    expect(canReopen(closed, at("2026-01-17T08:59:59Z"), timers)).toBe(true);
    expect(canReopen(closed, at("2026-01-17T09:00:00Z"), timers)).toBe(false);
    expect(statusAfterCustomerReply(closed, at("2026-01-13T09:00:00Z"), timers)).toBe("IN_PROGRESS");
    expect(statusAfterCustomerReply(closed, at("2026-01-18T09:00:00Z"), timers)).toBeNull();
  });

  it("moves a Pending case to In Progress on a customer reply and leaves others as they are", () => {
    expect(statusAfterCustomerReply({ status: "PENDING", closedAt: null }, new Date(), timers)).toBe("IN_PROGRESS");
    expect(statusAfterCustomerReply({ status: "NEW", closedAt: null }, new Date(), timers)).toBe("NEW");
  });

  it("purges credentials a configurable number of days after closing", () => {
    const closed: ClockState = { status: "CLOSED", statusChangedAt: at("2026-01-10T00:00:00Z"), reminderSentAt: null, closedAt: at("2026-01-10T00:00:00Z"), hasCredentials: true };
    expect(dueActions(closed, at("2026-01-16T23:59:59Z"), timers)).toEqual([]);
    expect(dueActions(closed, at("2026-01-17T00:00:00Z"), timers)).toEqual(["PURGE_CREDENTIALS"]);
    expect(dueActions(closed, at("2026-01-17T00:00:00Z"), { ...timers, credentialsPurgeAfterDays: 30 })).toEqual([]);
    expect(dueActions({ ...closed, hasCredentials: false }, at("2026-03-01T00:00:00Z"), timers)).toEqual([]);
  });
});
