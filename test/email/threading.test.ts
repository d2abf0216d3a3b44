import { describe, expect, it } from "vitest";
import { caseRootMessageId, caseThreadHeaders } from "../../src/email/threading.ts";

describe("a case's emails form one thread", () => {
  it("answers the case's root id, with an id of its own per notification and recipient", () => {
    const a = caseThreadHeaders({ caseId: "c1", notificationId: "n1", recipientKey: "p1", domain: "cases.example.com" });
    const b = caseThreadHeaders({ caseId: "c1", notificationId: "n2", recipientKey: "p1", domain: "cases.example.com" });
    const c = caseThreadHeaders({ caseId: "c1", notificationId: "n1", recipientKey: "p2", domain: "cases.example.com" });
    expect(a.inReplyTo).toBe(caseRootMessageId("c1", "cases.example.com"));
    expect(a.references).toEqual([a.inReplyTo]);
    expect(b.inReplyTo).toBe(a.inReplyTo);
    expect(new Set([a.messageId, b.messageId, c.messageId]).size).toBe(3);
    expect(caseThreadHeaders({ caseId: "c1", notificationId: "n1", recipientKey: "p1", domain: "cases.example.com" })).toEqual(a);
  });
});
