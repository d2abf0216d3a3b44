import { describe, expect, it } from "vitest";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { blockKitProblems } from "../support/block-kit-check.ts";
import { allCards } from "./fixtures.ts";
import { renderBoth } from "./render-helpers.ts";

/**
 * Card output is golden: each card renders to committed Block Kit and Adaptive Card
 * JSON (test/cards/__golden__), reviewed like code. A change to a card shows up as a
 * diff of these files; regenerate them with `npx vitest run test/cards -u` and review.
 */
describe("every card, in both renderers", () => {
  for (const [name, card] of Object.entries(allCards())) {
    it(`${name}: within Slack's limits, valid for Teams, and as committed`, async () => {
      const { slack, slackPayload, surface, teams } = renderBoth(card);
      expect(blockKitProblems(slackPayload, surface)).toEqual([]);
      expect(adaptiveCardProblems(teams)).toEqual([]);
      await expect(JSON.stringify(slack, null, 2) + "\n").toMatchFileSnapshot(`./__golden__/${name}.slack.json`);
      await expect(JSON.stringify(teams, null, 2) + "\n").toMatchFileSnapshot(`./__golden__/${name}.teams.json`);
    });
  }
});
