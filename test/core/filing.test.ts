import { describe, expect, it } from "vitest";
import { refusal } from "../support/refusal.ts";
import { as, filing, useWorld } from "../support/world.ts";

describe("filing a case", () => {
  const s = useWorld();
  const customer = () => as(s.w.people.acmeUser.id);

  it("stores every field of the form, with the filer as the default contact", async () => {
    const { case: c } = await s.t.core.cases.file(
      customer(),
      filing(s.w.accounts.acme.id, {
        subject: "Player   shows\nerror 1002",
        severity: "S2",
        caseType: "TECHNICAL_ISSUE",
        product: "player",
        feature: "playback",
        pid: "2031841",
        exampleUrl: "https://acme.test/watch/1",
        stepsToReproduce: "Open the page, press play.",
        phone: "+1 555 0100",
        cc: ["Boss@Acme.test", "ops@acme.test", "ops@acme.test"],
      }),
    );
    expect(c.subject).toBe("Player shows error 1002");
    expect(c.product).toEqual({ key: "player", name: "Video Player" });
    expect(c.feature).toEqual({ key: "playback", name: "Playback" });
    expect(c.pid).toBe("2031841");
    expect(c.cc).toEqual(["boss@acme.test", "ops@acme.test"]);
    expect(c.contact.id).toBe(s.w.people.acmeUser.id);
    expect(c.phone).toBe("+1 555 0100");
    expect(c.priority).toBeUndefined(); // internal: customers never see it
    const staffView = await s.t.core.cases.get(as(s.w.people.engineer.id), c.number);
    expect(staffView.priority).toBe("S2"); // defaults to the severity
  });

  it("files on behalf of another contact of the account", async () => {
    const { case: c } = await s.t.core.cases.file(customer(), filing(s.w.accounts.acme.id, { contactId: s.w.people.acmeUser2.id }));
    expect(c.contact.name).toBe("Alan Acme");
    const mine = await s.t.core.cases.list(as(s.w.people.acmeUser2.id), { view: "open" });
    expect(mine.items.map((i) => i.number)).toContain(c.number);
  });

  it("names the field of each mistake and keeps the message user-facing", async () => {
    const cases: [Partial<Parameters<typeof filing>[1]>, string, RegExp][] = [
      [{ cc: ["a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test", "f@x.test"] }, "cc", /at most 5/],
      [{ cc: ["not-an-email"] }, "cc", /valid email/],
      [{ product: "toaster" }, "product", /Choose a product/],
      [{ feature: "upload" }, "feature", /Choose a feature of Video Player/],
      [{ subject: "   " }, "subject", /Enter a subject/],
      [{ subject: "x".repeat(256) }, "subject", /one short sentence/],
      [{ description: "" }, "description", /Describe the issue/],
      [{ pid: "12ab" }, "pid", /digits only/],
      [{ exampleUrl: "javascript:alert(1)" }, "exampleUrl", /http/],
      [{ severity: "S9" as "S1" }, "severity", /S1 to S4/],
      [{ contactId: s.w.people.globexUser.id }, "contactId", /contact of the case's account/],
    ];
    for (const [override, field, message] of cases) {
      const form = filing(s.w.accounts.acme.id, { product: "player", feature: "playback", ...override });
      const err = await refusal(s.t.core.cases.file(customer(), form));
      expect(err.code, field).toBe("VALIDATION");
      expect(err.field, JSON.stringify(override).slice(0, 60)).toBe(field);
      expect(err.fieldErrors[field]).toMatch(message);
    }
  });

  it("reports every bad field of a form at once", async () => {
    const err = await refusal(s.t.core.cases.file(customer(), filing(s.w.accounts.acme.id, { subject: "", description: "", cc: ["nope"] })));
    expect(Object.keys(err.fieldErrors).sort()).toEqual(["cc", "description", "subject"]);
  });

  it("refuses accounts the filer may not file for, without saying whether they exist", async () => {
    const err = await refusal(s.t.core.cases.file(customer(), filing(s.w.accounts.globex.id)));
    expect(err.field).toBe("accountId");
  });

  it("lets partner staff and unknown people file nothing", async () => {
    expect((await refusal(s.t.core.cases.file(as(s.w.people.partnerAgent.id), filing(s.w.accounts.acme.id)))).code).toBe("FORBIDDEN");
    const stranger = await refusal(s.t.core.cases.file(as("00000000-0000-4000-8000-000000000000"), filing(s.w.accounts.acme.id)));
    expect(stranger.code).toBe("UNKNOWN_USER");
    expect(stranger.message).toMatch(/Customer Success Manager/);
  });

  it("numbers cases uniquely and never reuses a number", async () => {
    const a = await s.t.core.cases.file(customer(), filing(s.w.accounts.acme.id));
    const b = await s.t.core.cases.file(customer(), filing(s.w.accounts.acme.id));
    expect(Number(b.case.number)).toBeGreaterThan(Number(a.case.number));
  });
});
