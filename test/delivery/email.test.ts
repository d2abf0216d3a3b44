import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { FakeSmtp } from "../fakes/smtp.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, type World } from "../support/world.ts";

describe("email to the contact and the CC addresses (SMTP_URL set)", () => {
  let smtp: FakeSmtp;
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    smtp = new FakeSmtp();
    await smtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url, SMTP_FROM: "Support <support@vendor.test>" });
    w = await buildWorld(t.app.core);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it("sends public updates to the contact (no chat thread follows the case) and every CC address, each their own message, once, and never internal notes or credentials", async () => {
    const ada: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "slack" };
    const eve: Ctx = { actor: { personId: w.people.engineer.id }, source: "slack" };
    const { case: c } = await t.app.core.cases.file(ada, filing(w.accounts.acme.id, { subject: "Captions out", cc: ["boss@acme.test", "ops@acme.test"], credentials: { username: "u", password: "pw-never-mailed" } }));
    await t.app.core.cases.comment(eve, c.number, { body: "We found the cause: a stuck queue." });
    await t.app.core.cases.comment(eve, c.number, { body: "Internal: blame the vendor", internal: true });
    await t.app.core.cases.askCustomer(eve, c.number, { body: "Does it work now?" });
    await t.app.worker!.runOnce();
    await t.app.worker!.runOnce();

    // Three updates (filed, the public comment, the question), each to Ada, the boss and ops.
    await expect.poll(() => smtp.messages.length).toBe(9);
    const to = (address: string) => smtp.messages.filter((m) => m.envelopeTo.join() === address);
    for (const address of ["ada@acme.test", "boss@acme.test", "ops@acme.test"]) expect(to(address)).toHaveLength(3);
    const [filed, comment, pending] = to("boss@acme.test");
    expect(filed!.text).toContain(`Case ${c.number} was filed`);
    expect(comment!.subject).toBe(`[Case ${c.number}] Captions out`);
    expect(to("ada@acme.test")[1]!.text).toContain("We found the cause: a stuck queue.");
    expect(comment!.from?.text).toContain("support@vendor.test");
    expect(comment!.text).toContain("We found the cause: a stuck queue.");
    expect(comment!.text).toContain("Eve Engineer");
    expect(pending!.text).toContain("Does it work now?");
    const all = smtp.messages.map((m) => `${m.subject} ${m.text}`).join("\n");
    expect(all).not.toContain("blame the vendor");
    expect(all).not.toContain("pw-never-mailed");
  });
});
