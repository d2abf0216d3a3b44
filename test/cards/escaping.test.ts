import { describe, expect, it } from "vitest";
import { buildCaseCard, renderAdaptiveCard, renderSlackMessage } from "../../src/cards/index.ts";
import { catalog, caseView, comment } from "./fixtures.ts";

describe("text a customer typed never pings, mentions or disguises a link", () => {
  const hostile = "Urgent <!channel> <!here> <@U0BOSS> see <https://evil.example|your bank> & [click](https://evil.example) **now**";
  const view = caseView({ subject: hostile, comments: [comment(1, hostile)] });
  const slack = renderSlackMessage(buildCaseCard(view, catalog));
  const teams = renderAdaptiveCard(buildCaseCard(view, catalog));

  it("in Slack: plain_text (never parsed) or mrkdwn with &, < and > escaped", () => {
    const texts: { type: string; text: string }[] = [];
    JSON.stringify(slack.blocks, (_key, value: unknown) => {
      const o = value as { type?: string; text?: unknown };
      if (o && typeof o === "object" && (o.type === "mrkdwn" || o.type === "plain_text") && typeof o.text === "string") texts.push(o as { type: string; text: string });
      return value;
    });
    const mrkdwn = texts.filter((t) => t.type === "mrkdwn");
    expect(mrkdwn.some((t) => t.text.includes("&lt;!channel&gt;"))).toBe(true); // the comment, escaped
    for (const t of mrkdwn) expect(t.text).not.toMatch(/<!|<@|<https?:/);
    // The fallback text is read as mrkdwn too (and is the notification).
    expect(slack.text).not.toMatch(/<!|<@|<https?:/);
    const header = slack.blocks[0] as { text: { type: string; text: string } };
    expect(header.text.type).toBe("plain_text");
  });

  it("in Teams: only inside TextRuns, which are never read as markdown", () => {
    const json = JSON.stringify(teams);
    const textBlocks = (json.match(/"type":"TextBlock"/g) ?? []).length;
    expect(textBlocks).toBe(0);
    expect(json).toContain('"type":"TextRun","text":"Case 00010042: Urgent <!channel>');
  });
});
