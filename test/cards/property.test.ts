import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCaseCard, buildTriageCard, renderAdaptiveCard, renderSlackMessage } from "../../src/cards/index.ts";
import { caseActions } from "../../src/cards/case-card.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { blockKitProblems } from "../support/block-kit-check.ts";
import { catalog, caseView, comment, staffActions } from "./fixtures.ts";

/** Text as customers write it: many scripts, emoji (with joiners and flags), markup, newlines. */
const piece = fc.constantFrom(
  "Ünïcödé ", "漢字かなカナ", "العربية ", "עברית", "हिन्दी ", "ไทย", "😀", "👩‍👩‍👧‍👦", "🇯🇵", "e\u0301", "\n", "  ",
  "<!channel>", "<@U123ABC>", "<https://evil.example|bank>", "&amp;", "*bold*", "[link](http://x.example)", "**", "a",
);
const text = (min: number, max: number) =>
  fc.oneof(fc.array(piece, { minLength: 1, maxLength: 400 }).map((p) => p.join("")), fc.string({ unit: "grapheme", minLength: min, maxLength: max }))
    .map((s) => (s.trim() === "" ? "x" : s));

const caseArb = fc.record({
  subject: fc.oneof(text(2500, 3000), fc.string({ unit: "grapheme", minLength: 3000, maxLength: 3000 })),
  body: text(0, 3000),
  description: text(1, 3000),
  cc: fc.uniqueArray(fc.emailAddress(), { minLength: 5, maxLength: 5 }),
  staff: fc.boolean(),
});

describe("cards under stress keep within limits and keep the case number and actions", () => {
  it("holds for both renderers", () => {
    fc.assert(
      fc.property(caseArb, ({ subject, body, description, cc, staff }) => {
        const view = caseView({
          subject,
          description,
          cc,
          comments: Array.from({ length: 100 }, (_, i) => comment(i, `${i}: ${body}`)),
          actions: staff ? staffActions : ["details", "reply", "escalate", "recommendClose"],
        });
        const card = staff ? buildTriageCard(view, catalog) : buildCaseCard(view, catalog);
        const expectedActions = caseActions(view, staff ? ["take", "reply", "askCustomer", "internalNote", "changeSeverity", "setPriority", "setStatus", "assign", "handToPartner", "close", "revealCredentials", "details"] : ["reply", "escalate", "recommendClose", "details"]).map((a) => a.id);

        const slack = renderSlackMessage(card);
        expect(blockKitProblems(slack as unknown as Record<string, unknown>, "message")).toEqual([]);
        const header = slack.blocks[0] as { type: string; text: { text: string } };
        expect(header.type).toBe("header");
        expect(header.text.text.startsWith(`Case ${view.number}: `)).toBe(true);
        expect(JSON.stringify(slack.blocks)).toContain("Status: In Progress");
        const last = slack.blocks.at(-1) as { type: string; elements: { action_id: string }[] };
        expect(last.type).toBe("actions");
        expect(last.elements.map((e) => e.action_id)).toEqual(expectedActions);

        const teams = renderAdaptiveCard(card);
        expect(adaptiveCardProblems(teams)).toEqual([]);
        const first = JSON.stringify(teams.body[0]);
        expect(first).toContain(`Case ${view.number}: `);
        const verbs = JSON.stringify(teams.body).match(/"verb":"[^"]+"/g) ?? [];
        expect(verbs.map((v) => v.slice(8, -1))).toEqual(expectedActions);
        for (const t of JSON.stringify(teams).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? []) {
          expect(t).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half of an emoji left by truncation
        }
      }),
      { numRuns: 60 },
    );
  });
});
