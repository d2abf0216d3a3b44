import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCaseError } from "../../src/core/errors.ts";
import { refusal } from "../support/refusal.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, buildWorld, filing, type World } from "../support/world.ts";

/**
 * The permissions matrix of the spec, checked through the real service for every
 * account type against every operation and every kind of neighbour account.
 */
type Op = "viewAccount" | "editAccount" | "viewCase" | "createCase" | "editCase";
type Target = "university" | "physics" | "history" | "acme" | "globex";
type Who = "provost" | "physicist" | "acmeUser" | "engineer" | "partnerAgent";
const ops: Op[] = ["viewAccount", "editAccount", "viewCase", "createCase", "editCase"];
const targets: Target[] = ["university", "physics", "history", "acme", "globex"];

// Y = allowed, . = refused; columns: university, physics (own sub), history (sibling sub), acme (standard), globex (other customer)
const matrix: Record<Who, Record<Op, string>> = {
  // a parent account's user: the parent and all its subs, for everything
  provost: { viewAccount: "YYY..", editAccount: "YYY..", viewCase: "YYY..", createCase: "YYY..", editCase: "YYY.." },
  // a sub-account's user: own account; siblings' cases view/edit but not create; never the parent's
  physicist: { viewAccount: ".Y...", editAccount: ".Y...", viewCase: ".YY..", createCase: ".Y...", editCase: ".YY.." },
  // a standard account's user: only its own
  acmeUser: { viewAccount: "...Y.", editAccount: "...Y.", viewCase: "...Y.", createCase: "...Y.", editCase: "...Y." },
  // staff see and do all
  engineer: { viewAccount: "YYYYY", editAccount: "YYYYY", viewCase: "YYYYY", createCase: "YYYYY", editCase: "YYYYY" },
  // partner staff: only the case handed to their partner (acme's), and no accounts
  partnerAgent: { viewAccount: ".....", editAccount: ".....", viewCase: "...Y.", createCase: ".....", editCase: "...Y." },
};

describe("the permissions matrix", () => {
  let t: TestCore;
  let w: World;
  const caseOf = {} as Record<Target, string>;
  const contactOf = {} as Record<Target, string>;

  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
    const engineer = as(w.people.engineer.id);
    Object.assign(contactOf, {
      university: w.people.provost.id,
      physics: w.people.physicist.id,
      history: w.people.historian.id,
      acme: w.people.acmeUser.id,
      globex: w.people.globexUser.id,
    });
    for (const target of targets) {
      const filed = await t.core.cases.file(engineer, filing(w.accounts[target].id, { contactId: contactOf[target], subject: `${target} case` }));
      caseOf[target] = filed.case.number;
    }
    await t.core.cases.handToPartner(engineer, caseOf.acme, { partnerId: w.partners.partner.id });
  });
  afterAll(() => t.close());

  async function attempt(who: Who, op: Op, target: Target): Promise<"Y" | "."> {
    const ctx = as(w.people[who].id);
    const accountId = w.accounts[target].id;
    try {
      switch (op) {
        case "viewAccount":
          await t.core.directory.getAccount(ctx, accountId);
          break;
        case "editAccount":
          await t.core.directory.editAccount(ctx, accountId, { name: w.accounts[target].name });
          break;
        case "viewCase":
          await t.core.cases.get(ctx, caseOf[target]);
          break;
        case "createCase":
          await t.core.cases.file(ctx, filing(accountId, who === "engineer" ? { contactId: contactOf[target] } : {}));
          break;
        case "editCase":
          await t.core.cases.comment(ctx, caseOf[target], { body: `a reply from ${who}` });
          break;
      }
      return "Y";
    } catch (error) {
      const code = toCaseError(error).code;
      // Refusals are always these: never a crash, never a leak of what exists.
      expect(["NOT_FOUND", "FORBIDDEN", "VALIDATION"]).toContain(code);
      return ".";
    }
  }

  for (const who of Object.keys(matrix) as Who[]) {
    for (const op of ops) {
      it(`${who}: ${op} is "${matrix[who][op]}" across ${targets.join(", ")}`, async () => {
        let actual = "";
        for (const target of targets) actual += await attempt(who, op, target);
        expect(actual).toBe(matrix[who][op]);
      });
    }
  }

  it("lists and search show a sub-account user neither the parent's cases nor other customers'", async () => {
    const physicist = as(w.people.physicist.id);
    const allowed = new Set(["Physics Department", "History Department"]);
    for (const view of ["mine", "open", "account", "closed"]) {
      const page = await t.core.cases.list(physicist, { view, pageSize: 50 });
      for (const item of page.items) expect(allowed.has(item.account.name)).toBe(true);
    }
    const account = await t.core.cases.list(physicist, { view: "account", pageSize: 50 });
    expect(account.items.map((i) => i.number)).toEqual(expect.arrayContaining([caseOf.physics, caseOf.history]));
    expect(new Set(account.items.map((i) => i.account.name))).toEqual(allowed);
    const found = await t.core.search(physicist, { query: "case" });
    expect(found.cases.map((c) => c.number)).toEqual(expect.arrayContaining([caseOf.physics, caseOf.history]));
    expect(found.cases.every((c) => allowed.has(c.account.name))).toBe(true);
    const departments = await t.core.search(physicist, { query: "department" });
    expect(departments.accounts.map((a) => a.name)).toEqual(["Physics Department"]);
    const people = await t.core.search(physicist, { query: "northwind.edu" });
    expect(people.contacts.map((c) => c.name).sort()).toEqual(["Marie Physic", "Niels Physic"]);
  });

  it("partner staff see only the cases handed to their partner, and another partner sees none", async () => {
    const mine = await t.core.cases.list(as(w.people.partnerAgent.id), { view: "open" });
    expect(mine.items.map((i) => i.number)).toEqual([caseOf.acme]);
    const other = await t.core.cases.list(as(w.people.otherPartnerAgent.id), { view: "open" });
    expect(other.items).toEqual([]);
    const err = await refusal(t.core.cases.get(as(w.people.otherPartnerAgent.id), caseOf.acme));
    expect(err.code).toBe("NOT_FOUND");
    const staffOnly = await refusal(t.core.cases.close(as(w.people.partnerAgent.id), caseOf.acme, { reason: "OTHER" }));
    expect(staffOnly.code).toBe("FORBIDDEN");
  });

  it("customers cannot take staff actions or write internal notes, whatever a card's payload says", async () => {
    const customer = as(w.people.acmeUser.id);
    expect((await refusal(t.core.cases.take(customer, caseOf.acme))).code).toBe("FORBIDDEN");
    expect((await refusal(t.core.cases.close(customer, caseOf.acme, { reason: "RESOLVED" }))).code).toBe("FORBIDDEN");
    expect((await refusal(t.core.cases.revealCredentials(customer, caseOf.acme))).code).toBe("FORBIDDEN");
    const note = await refusal(t.core.cases.comment(customer, caseOf.acme, { body: "psst", internal: true }));
    expect(note.code).toBe("FORBIDDEN");
    expect(note.field).toBe("internal");
  });
});
