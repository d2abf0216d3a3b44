import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addServiceTime, isBusinessTime, serviceMinutesBetween, type BusinessCalendar } from "../../src/core/sla/business-time.ts";

/** The vendor's desk in New York, weekdays 09:00-17:00, closed on Christmas Day. */
const newYork: BusinessCalendar = { timeZone: "America/New_York", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", holidays: ["2026-12-25"] };
const at = (iso: string) => new Date(iso);
const business = (from: string, minutes: number, cal = newYork) => addServiceTime(at(from), minutes, "business", cal).toISOString();

describe("service time in business hours (New York desk)", () => {
  it("counts 4 business hours from a Friday afternoon into Monday morning, skipping the weekend", () => {
    // Friday 27 November 2026, 16:00 EST (21:00Z): one hour left on Friday, three on Monday.
    expect(business("2026-11-27T21:00:00Z", 240)).toBe("2026-11-30T17:00:00.000Z");
  });

  it("skips a holiday: Christmas Eve 15:00 plus 4 business hours is the Monday after Christmas, 11:00", () => {
    expect(business("2026-12-24T20:00:00Z", 240)).toBe("2026-12-28T16:00:00.000Z");
  });

  it("starts a clock filed at night at the next opening", () => {
    // Tuesday 23:30 EST: one business day (8 hours) runs Wednesday 09:00-17:00.
    expect(business("2026-12-02T04:30:00Z", 480)).toBe("2026-12-02T22:00:00.000Z");
    // Saturday: Monday 09:00 + 1h.
    expect(business("2026-11-28T15:00:00Z", 60)).toBe("2026-11-30T15:00:00.000Z");
  });

  it("is due at closing when the target ends exactly then, not the next morning", () => {
    // Monday 13:00 EST + 4h = 17:00 EST.
    expect(business("2026-11-30T18:00:00Z", 240)).toBe("2026-11-30T22:00:00.000Z");
  });

  it("makes zero minutes outside business hours the next opening ('immediately' when the desk opens)", () => {
    expect(business("2026-11-28T15:00:00Z", 0)).toBe("2026-11-30T14:00:00.000Z");
    expect(business("2026-11-30T15:00:00Z", 0)).toBe("2026-11-30T15:00:00.000Z");
  });

  it("keeps opening at 09:00 local across the autumn daylight-saving change", () => {
    // Friday 30 October 2026 16:00 EDT (20:00Z) + 2h: 1h Friday, 1h Monday 2 November from 09:00 EST (14:00Z).
    expect(business("2026-10-30T20:00:00Z", 120)).toBe("2026-11-02T15:00:00.000Z");
  });

  it("keeps opening at 09:00 local across the spring daylight-saving change", () => {
    // Friday 6 March 2026 16:00 EST (21:00Z) + 2h: Monday 9 March opens 09:00 EDT (13:00Z).
    expect(business("2026-03-06T21:00:00Z", 120)).toBe("2026-03-09T14:00:00.000Z");
  });

  it("counts two business days (S4) across a weekend and a holiday", () => {
    // Thursday 24 December 10:00 EST: 7h that day, Christmas closed, weekend closed, 8h Monday, 1h Tuesday.
    expect(business("2026-12-24T15:00:00Z", 960)).toBe("2026-12-29T15:00:00.000Z");
  });

  it("works in any zone: a Tokyo desk opens at 09:00 JST (00:00Z)", () => {
    const tokyo: BusinessCalendar = { ...newYork, timeZone: "Asia/Tokyo", holidays: [] };
    // Friday 18:00 JST (09:00Z) + 1h: Monday 09:00-10:00 JST.
    expect(business("2026-11-27T09:00:00Z", 60, tokyo)).toBe("2026-11-30T01:00:00.000Z");
  });

  it("honours a desk open on Saturdays with other hours", () => {
    const shop: BusinessCalendar = { ...newYork, days: [1, 2, 3, 4, 5, 6], start: "08:30", end: "12:00", holidays: [] };
    // Friday 11:00 EST + 2h: 1h Friday, 1h Saturday from 08:30.
    expect(business("2026-11-27T16:00:00Z", 120, shop)).toBe("2026-11-28T14:30:00.000Z");
  });

  it("counts the business minutes between two moments (a response-time report)", () => {
    expect(serviceMinutesBetween(at("2026-11-27T21:00:00Z"), at("2026-11-30T15:00:00Z"), "business", newYork)).toBe(120);
    expect(serviceMinutesBetween(at("2026-11-28T10:00:00Z"), at("2026-11-29T10:00:00Z"), "business", newYork)).toBe(0);
    expect(serviceMinutesBetween(at("2026-11-30T15:00:00Z"), at("2026-11-27T21:00:00Z"), "business", newYork)).toBe(0);
  });

  it("knows when the desk is open", () => {
    expect(isBusinessTime(at("2026-11-30T15:00:00Z"), newYork)).toBe(true);
    expect(isBusinessTime(at("2026-11-30T22:00:00Z"), newYork)).toBe(false);
    expect(isBusinessTime(at("2026-12-25T15:00:00Z"), newYork)).toBe(false);
  });

  it("for any start and target, the business minutes to the due time are the target, and it falls in business hours", () => {
    fc.assert(
      fc.property(
        fc.date({ min: at("2026-01-01T00:00:00Z"), max: at("2027-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 5_000 }),
        (start, minutes) => {
          const due = addServiceTime(start, minutes, "business", newYork);
          expect(serviceMinutesBetween(start, due, "business", newYork)).toBeCloseTo(minutes, 6);
          // Due inside business hours, or exactly at a closing (the last business minute ends there).
          expect(isBusinessTime(new Date(due.getTime() - 1), newYork)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("service time around the clock (S1)", () => {
  it("counts real minutes through nights, weekends and the daylight-saving change", () => {
    expect(addServiceTime(at("2026-11-28T08:00:00Z"), 60, "calendar", newYork).toISOString()).toBe("2026-11-28T09:00:00.000Z");
    // 01:30 EDT on 1 November 2026 + 1h is 01:30 EST: one real hour later.
    expect(addServiceTime(at("2026-11-01T05:30:00Z"), 60, "calendar", newYork).toISOString()).toBe("2026-11-01T06:30:00.000Z");
    expect(serviceMinutesBetween(at("2026-11-01T05:30:00Z"), at("2026-11-01T06:30:00Z"), "calendar", newYork)).toBe(60);
  });
});
