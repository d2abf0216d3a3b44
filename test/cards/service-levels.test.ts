import { describe, expect, it } from "vitest";
import { buildCaseCard, buildEscalationAck, buildTriageCard, buildTriageQueue, formatDuration } from "../../src/cards/index.ts";
import type { Block } from "../../src/cards/index.ts";
import type { Catalog } from "../../src/core/catalog.ts";
import { serviceLevelsOf } from "../../src/core/sla/targets.ts";
import { catalog, caseView, clocks, escalationResult, promise, staffActions } from "./fixtures.ts";
import { renderBoth } from "./render-helpers.ts";

/** Everything a card shows, on both platforms, as one string. */
const shown = (card: Parameters<typeof renderBoth>[0]) => {
  const { slack, teams } = renderBoth(card);
  return `${JSON.stringify(slack)}\n${JSON.stringify(teams)}`;
};

/** Words that only the staff clocks use: none may reach a customer. */
const INTERNAL = [/due in/i, /target/i, /\blate\b/i, /\d+ (?:min|h|d)\b/, /first response/i, /breach/i, /warning/i, /on time/i, /paused/i, /waits on the customer/i];

describe("the customer card tells the promise, never the internal targets", () => {
  it("a case whose view carries every kind of staff clock shows the customer only 'Next update by 14:30' in the vendor's zone", () => {
    const view = caseView({ promise, serviceLevel: [clocks.nextUpdateBreached, clocks.firstResponseWarning, clocks.firstResponsePaused, clocks.nextUpdateOk] });
    const text = shown(buildCaseCard(view, catalog));
    expect(text).toContain("Next update by 14:30 on Thu 5 Mar, America/New_York time.");
    for (const words of INTERNAL) expect(text, String(words)).not.toMatch(words);
  });

  it("in the reader's own time zone when the platform gave one", () => {
    const card = buildCaseCard(caseView({ promise }), catalog, { timeZone: "Europe/Zurich" });
    expect(shown(card)).toContain("Next update by 20:30 on Thu 5 Mar, Europe/Zurich time.");
  });

  it("a zone the client sent that is no time zone falls back to the vendor's", () => {
    const card = buildCaseCard(caseView({ promise }), catalog, { timeZone: "Not/AZone" });
    expect(shown(card)).toContain("Next update by 14:30 on Thu 5 Mar, America/New_York time.");
  });

  it("else in the vendor's business-hours zone from the catalog", () => {
    const levels = serviceLevelsOf(catalog);
    const tokyo: Catalog = { ...catalog, serviceLevels: { ...levels, businessHours: { ...levels.businessHours, timeZone: "Asia/Tokyo" } } };
    expect(shown(buildCaseCard(caseView({ promise }), tokyo))).toContain("Next update by 04:30 on Fri 6 Mar, Asia/Tokyo time.");
  });

  it("no promise line when no update is owed (closed, or nothing promised)", () => {
    expect(shown(buildCaseCard(caseView({ promise: null, serviceLevel: [clocks.firstResponseWarning] }), catalog))).not.toContain("Next update by");
  });

  it("the escalation acknowledgement adds the due time to the promised timeframe", () => {
    expect(shown(buildEscalationAck(escalationResult, catalog))).toContain("Within the upcoming hours, by 14:30 on Thu 5 Mar, America/New_York time");
    const noPromise = { ...escalationResult, case: { ...escalationResult.case, promise: null } };
    expect(shown(buildEscalationAck(noPromise, catalog))).not.toContain(", by ");
  });
});

describe("the staff card shows time to the soonest target, with its state", () => {
  const line = (blocks: Block[]) => blocks.find((b): b is Extract<Block, { type: "text" }> => b.type === "text" && /First response|Next update/.test(b.text));

  it("due soon: 'First response due in 42 min', toned as a warning, with the target's time (a channel card's minutes are as of its drawing)", () => {
    const card = buildTriageCard(caseView({ priority: "S2", actions: staffActions, serviceLevel: [clocks.firstResponseWarning, clocks.nextUpdateOk] }), catalog);
    expect(line(card.blocks)).toEqual({ type: "text", text: "First response due in 42 min (warning) · target 4 Mar 2026, 16:12 UTC", tone: "warning" });
  });

  it("past its target: 'Next update 1 h 10 min late', toned for attention", () => {
    const card = buildTriageCard(caseView({ priority: "S2", actions: staffActions, serviceLevel: [clocks.nextUpdateBreached] }), catalog);
    expect(line(card.blocks)).toEqual({ type: "text", text: "Next update 1 h 10 min late (breached) · target 4 Mar 2026, 14:20 UTC", tone: "attention" });
  });

  it("paused while the case waits on the customer", () => {
    const card = buildTriageCard(caseView({ status: "PENDING", priority: "S2", actions: staffActions, serviceLevel: [clocks.firstResponsePaused] }), catalog);
    expect(line(card.blocks)?.text).toBe("First response paused while the case waits on the customer");
  });

  it("no line when no clock runs", () => {
    const card = buildTriageCard(caseView({ priority: "S2", actions: staffActions, serviceLevel: [] }), catalog);
    expect(line(card.blocks)).toBeUndefined();
  });

  it("durations read in the two largest units", () => {
    expect([0, 42, 60, 70, -70, 1_440, 1_650, 3_000].map(formatDuration)).toEqual(["0 min", "42 min", "1 h", "1 h 10 min", "1 h 10 min", "1 d", "1 d 3 h", "2 d 2 h"]);
  });
});

describe("the triage queue card", () => {
  it("lists cases in the core's order, each with its soonest clock and an Open button", () => {
    const base = { id: "x", status: "NEW" as const, severity: "S2" as const, account: { id: "a1", name: "Acme Media" }, product: { key: "player", name: "Video Player" }, owner: null, updatedAt: new Date("2026-03-05T08:00:00Z") };
    const card = buildTriageQueue([
      { ...base, number: "00010001", subject: "Late one", serviceLevel: [clocks.nextUpdateBreached] },
      { ...base, number: "00010002", subject: "Soon one", serviceLevel: [clocks.firstResponseWarning] },
    ]);
    const items = card.blocks.filter((b) => b.type === "item");
    expect(items.map((b) => [b.title, b.subtitle?.split(" · ")[0], b.action?.id, b.action?.value])).toEqual([
      ["00010001 · Late one", "Next update 1 h 10 min late (breached)", "case.open", "00010001"],
      ["00010002 · Soon one", "First response due in 42 min (warning)", "case.open", "00010002"],
    ]);
  });
});
