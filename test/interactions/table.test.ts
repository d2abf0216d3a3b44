import { describe, expect, it } from "vitest";
import type { Block, Card, CardAction } from "../../src/cards/index.ts";
import { ACTION_IDS, escalationOffer, FORM_IDS, forms, infoForm, newCaseOffer, reopenOffer, type ActionId, type FormId } from "../../src/interactions/index.ts";
import { buildIdentityApprovalCard } from "../../src/cards/identity-claims.ts";
import { buildSatisfactionCommentForm, buildSatisfactionSurvey } from "../../src/cards/satisfaction.ts";
import { allCards } from "../cards/fixtures.ts";

/**
 * The interactions' tables hold nothing dead: every button has a card that carries it
 * (the compiler already refuses a card button that no entry handles: CardAction.id is
 * typed by the table's keys), and every form is the form of some card. Every card a
 * builder makes is in the card fixtures (which the golden files cover), and the few
 * cards the interactions make themselves are added here.
 */
function actionsOf(blocks: Block[]): CardAction[] {
  return blocks.flatMap((b) => (b.type === "actions" ? b.actions : b.type === "item" && b.action ? [b.action] : []));
}

/** Every card anything can show: the builders' (fixtures) and the interactions' own. */
function everyCard(): Card[] {
  return [
    ...Object.values(allCards()),
    newCaseOffer(),
    escalationOffer("00010042"),
    reopenOffer("Closed too long ago.", "00010042"),
    infoForm("Test login 00010042", { surface: "message", summary: "", blocks: [{ type: "text", text: "Username: u" }] }),
    // The satisfaction survey's cards (issue 15): not yet in the fixtures' goldens and screens; test/cards/satisfaction-cards.test.ts renders them.
    buildSatisfactionSurvey({ number: "00010042", subject: "Captions drift" }),
    buildSatisfactionCommentForm("00010042", 4),
    // The triage card asking staff to confirm a support channel's member (issue 13): not yet in the fixtures' goldens either.
    buildIdentityApprovalCard({ claimId: "c1", platform: "slack", tenantId: "TCUST", userId: "UGUEST", channelId: "CSHARED", account: "Acme Media", contact: "Alan Acme", typed: "Alan Acme" }),
  ];
}

function unused<T extends string>(ids: readonly T[], used: Set<string>): T[] {
  return ids.filter((id) => !used.has(id)).sort();
}

describe("the interaction tables", () => {
  it("have no button that no card carries", () => {
    const carried = new Set(everyCard().flatMap((c) => actionsOf(c.blocks).map((a) => a.id)));
    expect(unused<ActionId>(ACTION_IDS, carried)).toEqual([]);
  });

  it("have no form that no card is", () => {
    const shown = new Set(everyCard().flatMap((c) => (c.surface === "form" ? [c.callbackId] : [])));
    expect(unused<FormId>(FORM_IDS, shown)).toEqual([]);
  });

  it("refuse, at compile time, a card button or a form that no entry handles", () => {
    // npm run typecheck fails if either of these compiles (the directive then has no error to expect).
    // @ts-expect-error: "case.nothing" is no key of the button table
    const stray: CardAction = { id: "case.nothing", label: "Nothing", value: "" };
    // @ts-expect-error: "case.nowhere" is no key of the form table
    const form: Card = { surface: "form", callbackId: "case.nowhere", title: "", submitLabel: "", state: {}, blocks: [] };
    expect([stray.id, form.surface]).toEqual(["case.nothing", "form"]);
  });

  it("would catch an entry that nothing uses", () => {
    // The check itself: an id that no card carries is reported.
    expect(unused(["case.reply", "case.neverShown"], new Set(["case.reply"]))).toEqual(["case.neverShown"]);
  });

  it("map a form's refused fields onto inputs the form has", () => {
    for (const card of everyCard()) {
      if (card.surface !== "form") continue;
      const entry = forms[card.callbackId];
      const inputs = card.blocks.flatMap((b) => (b.type === "input" ? [b.input.id] : []));
      // Every field the core may refuse lands on an input of the form (the severity guide's questions are only answered, never refused).
      for (const input of entry.inputs) expect(inputs, `${card.callbackId}: ${input}`).toContain(input);
    }
  });
});
