import { describe, expect, it } from "vitest";
import { automaticReason, type MessageFacts } from "../../src/email/automatic.ts";
import { replyText } from "../../src/email/reply-text.ts";

describe("an emailed reply keeps only what the customer wrote", () => {
  it("drops Gmail's quoted history, even when 'wrote:' wrapped onto its own line", () => {
    expect(replyText("Fixed, thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Carebot Support <reply+abc@cases.vendor.test>\nwrote:\n> Try again\n")).toBe("Fixed, thanks!");
  });

  it("drops Outlook's history block (rule, From/Sent/To/Subject) and its 'Original Message' form", () => {
    const outlook = "Works now.\r\n\r\n________________________________\r\nFrom: Support <support@vendor.test>\r\nSent: Monday, March 2, 2026 10:00\r\nTo: Ada\r\nSubject: Case 1\r\n\r\nTry again";
    expect(replyText(outlook)).toBe("Works now.");
    expect(replyText("Yes.\n-----Original Message-----\nFrom: x\nold")).toBe("Yes.");
    expect(replyText("Yes.\n\nFrom: Support <s@v.test>\nSent: today\nTo: Ada\nSubject: Case\n\nold")).toBe("Yes.");
  });

  it("keeps answers written between quoted lines and drops the quotes", () => {
    expect(replyText("> Which version?\nv7.2\n> Which browser?\nSafari 17")).toBe("v7.2\nSafari 17");
  });

  it("drops the signature after '-- ' and mobile sign-offs", () => {
    expect(replyText("See the log.\n-- \nAda Acme\nAcme Media")).toBe("See the log.");
    expect(replyText("On it.\n\nSent from my iPhone")).toBe("On it.");
  });

  it("keeps a line that merely mentions someone writing, and text that is all the customer's", () => {
    expect(replyText("On Monday my colleague wrote to you about this too.\nStill failing.")).toBe("On Monday my colleague wrote to you about this too.\nStill failing.");
  });
});

describe("automatic mail is recognised and never becomes a comment", () => {
  const facts = (over: Partial<MessageFacts> & { headers?: Record<string, string> } = {}): MessageFacts => ({
    header: (name) => over.headers?.[name],
    envelopeFrom: "ada@acme.test",
    fromAddress: "ada@acme.test",
    subject: "Re: [Case 00010001] Captions missing",
    contentType: "text/plain",
    ...over,
  });

  it("lets a person's reply through", () => {
    expect(automaticReason(facts())).toBeNull();
    expect(automaticReason(facts({ headers: { "auto-submitted": "no" } }))).toBeNull();
  });

  it("drops auto-replies, bulk and list mail, delivery reports and bounces", () => {
    expect(automaticReason(facts({ headers: { "auto-submitted": "auto-replied" } }))).toMatch(/Auto-Submitted/);
    expect(automaticReason(facts({ headers: { precedence: "bulk" } }))).toMatch(/Precedence/);
    expect(automaticReason(facts({ headers: { "list-id": "<team.acme.test>" } }))).toMatch(/list/i);
    expect(automaticReason(facts({ contentType: "multipart/report" }))).toMatch(/report/);
    expect(automaticReason(facts({ envelopeFrom: "" }))).toMatch(/bounce/);
    expect(automaticReason(facts({ fromAddress: "MAILER-DAEMON@acme.test" }))).toMatch(/mail system/);
    expect(automaticReason(facts({ headers: { "x-autoreply": "yes" } }))).toMatch(/auto-reply/);
    expect(automaticReason(facts({ subject: "Out of Office: Re: [Case 00010001]" }))).toMatch(/auto-reply/);
  });
});
