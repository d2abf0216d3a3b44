import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoData, DEMO_PEOPLE } from "../../src/core/demo/demo-data.ts";
import { removeDemoData } from "../../src/core/demo/demo-removal.ts";
import { CaseError } from "../../src/core/errors.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, filing, operator } from "../support/world.ts";

/**
 * Go-live: the vendor tried carebot on the demo data, then added a real customer, and
 * the demo engineer even took one of the real cases. `demo remove` takes the demo away
 * and leaves everything real alone.
 */
describe("removing the demo data for go-live", () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t?.close());

  it("removes the demo accounts, cases, people, partner and publications; keeps what is real; keeps (inactive) a demo person a real case names", async () => {
    const prisma = t.db.prisma;
    expect(await loadDemoData(t.core, async () => (await prisma.account.count()) > 0)).toBe(true);
    const d = t.core.directory;
    const contoso = await d.createAccount(operator, { name: "Contoso", type: "STANDARD", seatLimit: 3, csmName: "Kim Lee" });
    const cy = await d.createContact(operator, { accountId: contoso.id, name: "Cy Contoso", email: "cy@contoso.test" });
    await d.createStaff(operator, { name: "Kim Lee", email: "kim@vendor.test", role: "MANAGER" });
    await t.core.publications.publish(operator, { kind: "PRODUCT_UPDATE", title: "Our real release notes", body: "Real." });
    const real = await t.core.cases.file(as(cy.id), filing(contoso.id, { subject: "A real problem" }));
    const eve = await prisma.person.findUniqueOrThrow({ where: { email: DEMO_PEOPLE.engineer } });
    await t.core.cases.take(as(eve.id), real.case.number);

    const removed = await removeDemoData(prisma, t.clock, operator);
    expect(removed).toMatchObject({ accounts: 4, cases: 5, people: 8, partners: 1, publications: 2 });
    expect(removed.kept).toEqual([{ name: "Eve Martinez", email: DEMO_PEOPLE.engineer }]);

    expect((await prisma.account.findMany()).map((a) => a.name)).toEqual(["Contoso"]);
    expect((await prisma.case.findMany()).map((c) => c.subject)).toEqual(["A real problem"]);
    expect((await prisma.person.findMany({ orderBy: { email: "asc" } })).map((p) => [p.email, p.active])).toEqual([
      ["cy@contoso.test", true],
      [DEMO_PEOPLE.engineer, false],
      ["kim@vendor.test", true],
    ]);
    expect(await prisma.partner.count()).toBe(0);
    expect((await prisma.publication.findMany()).map((p) => p.title)).toEqual(["Our real release notes"]);
    // The removal is on the audit trail.
    expect(await prisma.auditEntry.count({ where: { action: "demo.removed" } })).toBe(1);
  });

  it("is an operator's act only", async () => {
    const someone = await t.db.prisma.person.findFirstOrThrow({ where: { email: "kim@vendor.test" } });
    const refused = await removeDemoData(t.db.prisma, t.clock, as(someone.id, "cli")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(CaseError);
    expect((refused as CaseError).code).toBe("FORBIDDEN");
  });
});
