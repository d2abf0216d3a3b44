import { describe, expect, it } from "vitest";
import { buildCaseCard, buildCaseList, buildSearchResults, buildTriageCard, renderAdaptiveCard, renderSlackMessage, type Card } from "../../src/cards/index.ts";
import { allCards, catalog, caseView, comment, staffActions } from "./fixtures.ts";
import { renderBoth } from "./render-helpers.ts";

interface SlackText {
  /** The type of the top-level block it sits in: header, section, context, … */
  block: string;
  type: string;
  text: string;
}

/** Every text object of a rendered Slack payload, with the block it sits in. */
function slackTexts(payload: Record<string, unknown>): SlackText[] {
  const texts: SlackText[] = [];
  for (const block of (payload.blocks as { type: string }[] | undefined) ?? []) {
    JSON.stringify(block, (_key, value: unknown) => {
      const o = value as { type?: unknown; text?: unknown };
      if (o && typeof o === "object" && typeof o.type === "string" && typeof o.text === "string") texts.push({ block: block.type, type: o.type, text: o.text });
      return value;
    });
  }
  return texts;
}

const MARKUP = ["*bold*", "_italic_", "~struck~", "`code`", "```\nblock\n```", "> quoted", "<!channel>", "<@U0BOSS>", "<https://evil.example|your bank>", "&amp;"];
/** A reply dressed as a staff member's comment: mrkdwn's bold would make it look like one. */
const FAKE_HEADER = "*Eve Martinez* · 4 Mar 2026, 15:30 UTC\nWe have fixed this on our side; please close the case.";

describe("text a customer typed never formats, pings, mentions or disguises a link", () => {
  const hostile = "Urgent <!channel> <!here> <@U0BOSS> see <https://evil.example|your bank> & [click](https://evil.example) **now** *bold* _x_ ~x~ `x`";
  const view = caseView({
    subject: hostile,
    description: MARKUP.join(" "),
    account: { id: "a1", name: "*Acme* _Media_" },
    contact: { id: "p1", name: "~Ada~ `Lovelace`", email: "ada@acme-media.example" },
    partner: { id: "x", name: "*CaptionCo*" },
    comments: [
      comment(1, hostile),
      comment(2, MARKUP.join("\n")),
      comment(3, FAKE_HEADER, { author: { id: "p9", name: "*Mallory* _the_ ~customer~", staff: false } }),
    ],
  });
  const caseCard = buildCaseCard(view, catalog);
  const hostileCards: Record<string, Card> = {
    "case card": caseCard,
    "triage card": buildTriageCard({ ...view, actions: staffActions }, catalog),
    "case list": buildCaseList({ items: [{ ...view, number: "00010042" }], total: 1, page: 1, pageSize: 10, hasMore: false }, "open"),
    "search results": buildSearchResults({ query: hostile, cases: [view], accounts: [{ id: "a1", name: "*Acme*", type: "STANDARD" }], contacts: [{ id: "p1", name: "_Ada_", email: "ada@acme.test", account: { id: "a1", name: "~Acme~" } }] }),
  };

  it("in Slack: no card, ours or a customer's, holds a single mrkdwn text object", () => {
    const cardsToCheck = { ...allCards(), ...hostileCards };
    for (const [name, card] of Object.entries(cardsToCheck)) {
      const { slackPayload } = renderBoth(card);
      const mrkdwn = slackTexts(slackPayload).filter((t) => t.type !== "plain_text");
      expect([name, mrkdwn]).toEqual([name, []]);
      expect([name, JSON.stringify(slackPayload)]).not.toEqual([name, expect.stringContaining('"mrkdwn"')]);
    }
  });

  it("in Slack: *bold*, _x_, ~x~, backticks, quotes, mentions and links in a comment arrive exactly as typed, in plain_text", () => {
    const texts = slackTexts(renderSlackMessage(caseCard) as unknown as Record<string, unknown>);
    const reply = texts.find((t) => t.text === MARKUP.join("\n"));
    expect(reply).toEqual({ block: "section", type: "plain_text", text: MARKUP.join("\n") });
    const subject = texts.find((t) => t.block === "header");
    expect(subject).toEqual({ block: "header", type: "plain_text", text: `Case 00010042: ${hostile}` });
    // Names are customers' text too: shown as typed, never bold or struck through.
    expect(texts).toContainEqual({ block: "section", type: "plain_text", text: "Account: *Acme* _Media_" });
    expect(texts).toContainEqual({ block: "context", type: "plain_text", text: "Handed to certified partner *CaptionCo*, who answers on this case." });
  });

  it("in Slack: a fake author line inside a comment stays body text; only real author lines are small print", () => {
    const texts = slackTexts(renderSlackMessage(caseCard) as unknown as Record<string, unknown>);
    expect(texts).toContainEqual({ block: "section", type: "plain_text", text: FAKE_HEADER });
    const authorLines = texts.filter((t) => t.block === "context" && / · \d+ \w+ \d{4}, /.test(t.text)).map((t) => t.text);
    expect(authorLines).toEqual([
      "Ada Lovelace · 2 Mar 2026, 10:01 UTC",
      "Ada Lovelace · 3 Mar 2026, 10:02 UTC",
      "*Mallory* _the_ ~customer~ · 4 Mar 2026, 10:03 UTC",
    ]);
    expect(texts.filter((t) => t.block === "context" && t.text.includes("Eve Martinez"))).toEqual([]);
  });

  it("in Slack: the notification text (read as mrkdwn) cannot ping or link", () => {
    for (const card of Object.values(hostileCards)) {
      if (card.surface !== "message") continue;
      expect(renderSlackMessage(card).text).not.toMatch(/<!|<@|<https?:/);
    }
  });

  it("in Teams: only inside TextRuns, which are never read as markdown", () => {
    for (const card of Object.values(hostileCards)) {
      const json = JSON.stringify(renderAdaptiveCard(card));
      expect((json.match(/"type":"TextBlock"/g) ?? []).length).toBe(0);
    }
    const json = JSON.stringify(renderAdaptiveCard(caseCard));
    expect(json).toContain(`"type":"TextRun","text":${JSON.stringify(`Case 00010042: ${hostile}`)}`);
    expect(json).toContain(`"type":"TextRun","text":${JSON.stringify(FAKE_HEADER)}`);
  });
});
