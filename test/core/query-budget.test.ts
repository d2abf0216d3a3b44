import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, buildWorld, filing, type World } from "../support/world.ts";

/**
 * A chat request's round trips, counted. Each statement is a round trip to the
 * database (BEGIN and COMMIT included), and a request that makes many small ones is
 * slow however fast each is, so every main operation has a budget here. A read (a
 * list, a case, what a form needs) may wait on at most 3 per chat request: the Slack
 * receiver's replay check is one (src/adapters/slack/receiver.ts), so the core gets 2,
 * including the one that resolves who is asking from their verified chat identity.
 * Noting a case as recently viewed is deferred (the answer does not wait on it). A
 * write is one transaction of a few statements. A change that adds a query to these
 * paths fails this test.
 */
const BUDGET = {
  list: 2,
  show: 2,
  newCaseForm: 2,
  file: 7,
  reply: 10,
};

describe("a chat request's round trips to the database", () => {
  let t: TestCore;
  let w: World;
  let customer: Ctx;
  let number: string;

  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
    // Marie has used carebot from Slack before: her identity is linked.
    await t.core.directory.resolveChatUser({ platform: "slack", tenantId: "T1", userId: "U1", email: "marie@physics.northwind.edu" });
    customer = { actor: t.core.chatActor({ platform: "slack", tenantId: "T1", userId: "U1" }, async () => undefined), source: "slack" };
    number = (await t.core.cases.file(as(w.people.physicist.id), filing(w.accounts.physics.id))).case.number;
    for (let i = 0; i < 3; i += 1) await t.core.cases.file(as(w.people.physicist.id), filing(w.accounts.physics.id));
    await t.core.cases.comment(as(w.people.engineer.id), number, { body: "Looking into it." });
  });
  afterAll(() => t?.close());

  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    t.takeStatements();
    await run();
    return t.takeStatements();
  }

  it(`lists my open cases in at most ${BUDGET.list} statements, who I am included`, async () => {
    const sql = await statementsOf(() => t.core.cases.list(customer, { view: "open" }));
    expect(sql.length, sql.join("\n")).toBeLessThanOrEqual(BUDGET.list);
  });

  it(`shows a case with its comments in at most ${BUDGET.show} statements, noting it as recently viewed after answering`, async () => {
    t.takeStatements();
    await t.core.cases.get(customer, number);
    const sql = t.takeStatements();
    const recent = await t.core.recent(customer);
    const all = [...sql, ...t.takeStatements()];
    const waitedOn = sql.filter((q) => !q.includes("RecentView"));
    expect(waitedOn.length, sql.join("\n")).toBeLessThanOrEqual(BUDGET.show);
    expect(all.filter((q) => q.includes('INSERT INTO "public"."RecentView"'))).toHaveLength(1);
    expect(recent.map((r) => r.label)).toContain(`${number} Captions missing on lecture recordings`);
  });

  it(`opens the new-case form with its accounts and contacts in at most ${BUDGET.newCaseForm} statements`, async () => {
    const sql = await statementsOf(() => t.core.cases.filingChoices(customer));
    expect(sql.length, sql.join("\n")).toBeLessThanOrEqual(BUDGET.newCaseForm);
  });

  it(`files a case in one transaction of at most ${BUDGET.file} statements`, async () => {
    const sql = await statementsOf(() => t.core.cases.file(customer, filing(w.accounts.physics.id)));
    expect(sql.length, sql.join("\n")).toBeLessThanOrEqual(BUDGET.file);
    expect(sql.filter((s) => s === "BEGIN")).toHaveLength(1);
  });

  it(`adds a reply in one transaction of at most ${BUDGET.reply} statements`, async () => {
    const sql = await statementsOf(() => t.core.cases.comment(customer, number, { body: "Still broken.", externalId: "T1:C1:1.0001" }));
    expect(sql.length, sql.join("\n")).toBeLessThanOrEqual(BUDGET.reply);
    expect(sql.filter((s) => s === "BEGIN")).toHaveLength(1);
  });

  it("tells someone carebot does not know that they are not set up", async () => {
    const stranger: Ctx = { actor: t.core.chatActor({ platform: "slack", tenantId: "T1", userId: "U404" }, async () => undefined), source: "slack" };
    await expect(t.core.cases.list(stranger, { view: "open" })).rejects.toMatchObject({ code: "UNKNOWN_USER" });
  });
});

describe("a first-time chat user", () => {
  let t: TestCore;
  let w: World;
  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
  });
  afterAll(() => t?.close());

  /**
   * The platform's email lookup (Slack users.info, the Teams roster) runs with no
   * transaction open: the lookup here queries the database itself, which on the embedded
   * database (one connection) would wait forever behind a transaction that waits for it.
   */
  function firstTimer(userId: string, email: string): Ctx {
    return {
      actor: t.core.chatActor({ platform: "slack", tenantId: "T9", userId }, async () => {
        await t.db.prisma.$queryRaw`SELECT 1`;
        return email;
      }),
      source: "slack",
    };
  }

  it("is linked by email from any first request, reads and changes alike, with no transaction waiting on their platform", async () => {
    await expect(t.core.directory.me(firstTimer("U-me", "ada@acme.test"))).resolves.toMatchObject({ name: "Ada Acme" });
    await expect(t.core.search(firstTimer("U-search", "alan@acme.test"), { query: "captions" })).resolves.toBeDefined();
    const filed = await t.core.cases.file(firstTimer("U-file", "gail@globex.test"), filing(w.accounts.globex.id));
    await expect(t.core.cases.comment(firstTimer("U-reply", "gail@globex.test"), filed.case.number, { body: "More detail." })).resolves.toMatchObject({ created: true });
    const linked = await t.db.prisma.chatIdentity.count({ where: { tenantId: "T9" } });
    expect(linked).toBe(4);
  }, 20_000);
});
