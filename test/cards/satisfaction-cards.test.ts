import { describe, expect, it } from "vitest";
import { buildSatisfactionCommentForm, buildSatisfactionSurvey, buildSatisfactionThanks } from "../../src/cards/satisfaction.ts";
import { buildWeeklySummaryCard } from "../../src/cards/weekly-summary.ts";
import type { WeeklySummaryPayload } from "../../src/core/sla/events.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { blockKitProblems } from "../support/block-kit-check.ts";
import { renderBoth } from "./render-helpers.ts";

/**
 * The cards of issue 15 render within both platforms' limits, also at their largest (a
 * weekly summary with the most rows and groups its payload allows, long account names),
 * and say what they promise: five scores, the comment form, the week's numbers.
 */
const valid = (card: Parameters<typeof renderBoth>[0]) => {
  const r = renderBoth(card);
  expect(blockKitProblems(r.slackPayload as never, r.surface)).toEqual([]);
  expect(adaptiveCardProblems(r.teams)).toEqual([]);
  return `${JSON.stringify(r.slack)}\n${JSON.stringify(r.teams)}`;
};

describe("the satisfaction and weekly summary cards", () => {
  it("the survey offers five scores for the case, the comment form keeps the score in its state", () => {
    const survey = valid(buildSatisfactionSurvey({ number: "00010042", subject: "Captions <drift> & stall" }));
    for (const label of ["1 Very poor", "2 Poor", "3 OK", "4 Good", "5 Excellent"]) expect(survey).toContain(label);
    expect(survey).toContain("00010042:5");
    const form = buildSatisfactionCommentForm("00010042", 4, { values: { comment: "typed" }, errors: { comment: "at most 2,000 characters." } });
    expect(form.state).toEqual({ case: "00010042", score: "4" });
    expect(valid(form)).toContain("at most 2,000 characters.");
    expect(valid(buildSatisfactionThanks("00010042", 4))).toContain("4 Good");
  });

  it("the weekly summary stays within the limits at its largest, and says so when the week was quiet", () => {
    const group = (i: number) => ({ name: `${"Very Long Account Name Incorporated ".repeat(3)}${i}`, asked: 120, answered: 99, average: 4.3 });
    const full: WeeklySummaryPayload = {
      week: "2026-11-30",
      from: "2026-11-23T14:00:00.000Z",
      to: "2026-11-30T14:00:00.000Z",
      timeZone: "America/New_York",
      rows: Array.from({ length: 100 }, (_, i) => ({
        severity: (["S1", "S2", "S3", "S4"] as const)[i % 4]!,
        account: `${"Northwind University Physics Department ".repeat(2)}${i}`,
        filed: 12,
        firstResponses: 11,
        medianFirstResponseMinutes: 95,
        hours: "business",
        firstResponseBreaches: 2,
        nextUpdateBreaches: 3,
        warnings: 4,
        overdueNow: 1,
      })),
      moreRows: 17,
      satisfaction: { asked: 500, answered: 410, average: 4.1, byEngineer: Array.from({ length: 50 }, (_, i) => group(i)), byAccount: Array.from({ length: 50 }, (_, i) => group(i)), bySeverity: [group(1)] },
    };
    const card = valid(buildWeeklySummaryCard(full));
    expect(card).toContain("Weekly service levels: 2026-11-23 to 2026-11-30");
    // The first 20 rows are shown; the other 80 and the 17 the payload left out are counted.
    expect(card).toContain("97 more rows: npm run cli -- sla report 7");
    expect(card).toContain("and 35 more");
    const quiet = valid(buildWeeklySummaryCard({ ...full, rows: [], moreRows: 0, satisfaction: { asked: 0, answered: 0, average: null, byEngineer: [], byAccount: [], bySeverity: [] } }));
    expect(quiet).toContain("No cases were filed and no promise was breached this week.");
    expect(quiet).toContain("No surveys were sent or answered this week.");
  });
});
