import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PEOPLE, loadDemoData } from "../../src/core/demo/demo-data.ts";
import { removeDemoData } from "../../src/core/demo/demo-removal.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, operator } from "../support/world.ts";

/** Files follow their case: kept while it is, gone (bytes too) when it is removed. */
describe("attachments follow the case's retention", () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t?.close());

  it("a demo case's files go with it at go-live, bytes and all", async () => {
    const prisma = t.db.prisma;
    expect(await loadDemoData(t.core, async () => (await prisma.account.count()) > 0)).toBe(true);
    const ada = await prisma.person.findUniqueOrThrow({ where: { email: DEMO_PEOPLE.standardUser } });
    const demoCase = await prisma.case.findFirstOrThrow({ where: { contactId: ada.id } });
    const [file] = await t.core.email.attachments.add(as(ada.id), demoCase.id, [{ name: "har.json", contentType: "application/json", content: Buffer.from("{}") }]);
    expect(await prisma.storedFile.count()).toBe(1);

    await removeDemoData(prisma, t.clock, operator);
    expect(await prisma.case.count({ where: { id: demoCase.id } })).toBe(0);
    expect(await prisma.attachment.count({ where: { id: file!.id } })).toBe(0);
    expect(await prisma.storedFile.count()).toBe(0);
  });
});
