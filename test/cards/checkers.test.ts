import { describe, expect, it } from "vitest";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { blockKitProblems } from "../support/block-kit-check.ts";

/** The checkers used by every card test must themselves catch what they claim to. */
describe("the limit checkers", () => {
  const button = (text: string, id = "a") => ({ type: "button", action_id: id, text: { type: "plain_text", text }, value: "v" });

  it("catch Block Kit violations", () => {
    const section = { type: "section", text: { type: "mrkdwn", text: "x" } };
    expect(blockKitProblems({ text: "t", blocks: Array(51).fill(section) }, "message")[0]).toMatch(/51 blocks > 50/);
    expect(blockKitProblems({ text: "t", blocks: [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }] }, "message")[0]).toMatch(/3001 > 3000/);
    expect(blockKitProblems({ text: "t", blocks: [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }] }, "message")[0]).toMatch(/151 > 150/);
    expect(blockKitProblems({ text: "t", blocks: [{ type: "actions", elements: [button("x".repeat(76))] }] }, "message")[0]).toMatch(/76 > 75/);
    expect(blockKitProblems({ text: "t", blocks: [{ type: "actions", elements: [button("a"), button("b")] }] }, "message")[0]).toMatch(/duplicate action_id/);
    expect(blockKitProblems({ type: "modal", title: { type: "plain_text", text: "x".repeat(25) }, blocks: [] }, "modal")[0]).toMatch(/25 > 24/);
    expect(blockKitProblems({ type: "modal", title: { type: "plain_text", text: "t" }, private_metadata: "x".repeat(3001), blocks: [] }, "modal")[0]).toMatch(/private_metadata/);
    const options = Array.from({ length: 101 }, (_, i) => ({ text: { type: "plain_text", text: `o${i}` }, value: `${i}` }));
    const select = { type: "input", label: { type: "plain_text", text: "L" }, element: { type: "static_select", action_id: "s", options } };
    expect(blockKitProblems({ type: "modal", title: { type: "plain_text", text: "t" }, submit: { type: "plain_text", text: "ok" }, blocks: [select] }, "modal")[0]).toMatch(/101 options > 100/);
    expect(blockKitProblems({ text: "t", blocks: [{ type: "section", text: { type: "plain_text", text: "" } }] }, "message")[0]).toMatch(/empty text/);
  });

  it("catch Adaptive Card problems", () => {
    const card = (body: unknown[], version = "1.5") => ({ type: "AdaptiveCard", version, body });
    expect(adaptiveCardProblems(card([{ type: "Frobnicator" }]))[0]).toMatch(/Unknown element type/);
    expect(adaptiveCardProblems(card([{ type: "Input.Text", id: "a" }, { type: "Input.Text", id: "a" }]))[0]).toMatch(/Duplicate Id/);
    expect(adaptiveCardProblems(card([], "1.6")).join()).toMatch(/version 1.6/);
    expect(adaptiveCardProblems(card([{ type: "TextBlock", text: "x".repeat(40_000) }])).join()).toMatch(/exceeds/);
  });
});
