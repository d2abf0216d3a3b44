import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allCards } from "../cards/fixtures.ts";
import { cardHash, PICTURES_INDEX, pictureFile, renderedCards, ROOT, SCREENS_PAGE, screensPage, SECTIONS } from "../../scripts/docs-screens.ts";

/**
 * docs/screens.md shows every card as a picture drawn in Chromium (`npm run docs:cards`,
 * too slow for `npm test`). These quick checks fail when a card is added without a
 * description, when the page is out of date, or when a card changed since its picture
 * was drawn: then run `npm run docs:cards` and commit the pictures and the page.
 */
describe("the screens page", () => {
  it("describes every card of the card tests' fixtures, each once", () => {
    const described = SECTIONS.flatMap((s) => s.screens.map((screen) => screen.card));
    expect([...described].sort()).toEqual(Object.keys(allCards()).sort());
    expect(new Set(described).size).toBe(described.length);
  });

  it("is the page the generator writes today", () => {
    expect(readFileSync(`${ROOT}/${SCREENS_PAGE}`, "utf8")).toBe(screensPage());
  });

  it("has a picture of each card, drawn from the card as it renders today (else run npm run docs:cards)", () => {
    const drawnFrom = JSON.parse(readFileSync(`${ROOT}/${PICTURES_INDEX}`, "utf8")) as Record<string, string>;
    const stale = Object.entries(renderedCards())
      .filter(([name, both]) => !existsSync(`${ROOT}/${pictureFile(name)}`) || drawnFrom[name] !== cardHash(both.teams))
      .map(([name]) => name);
    expect(stale).toEqual([]);
  });

  it("links each card's Slack JSON so it opens in Block Kit Builder", () => {
    const page = screensPage();
    const links = [...page.matchAll(/\(https:\/\/app\.slack\.com\/block-kit-builder\/#([^)]+)\)/g)].map((m) => JSON.parse(decodeURIComponent(m[1]!)) as { blocks?: unknown[]; type?: string });
    expect(links).toHaveLength(Object.keys(allCards()).length);
    for (const payload of links) expect(Array.isArray(payload.blocks) && payload.blocks.length > 0).toBe(true);
    expect(links.filter((p) => p.type === "modal").length).toBeGreaterThan(5);
  });
});
