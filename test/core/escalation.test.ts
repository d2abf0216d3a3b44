import { describe, expect, it } from "vitest";
import { refusal } from "../support/refusal.ts";
import { as, filing, useWorld } from "../support/world.ts";

describe("escalating a case", () => {
  const s = useWorld();

  it("acknowledges at once with the timeframe of the case's severity and routes to on-call", async () => {
    const customer = as(s.w.people.acmeUser.id);
    for (const [severity, expected] of [
      ["S1", "Immediately"],
      ["S2", "Within the upcoming hours"],
      ["S3", "Will be handled within 24 hours"],
      ["S4", "Will be handled within 24 hours"],
    ] as const) {
      const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { severity }));
      const result = await s.t.core.cases.escalate(customer, c.number, { reason: "PROLONGED_RESOLUTION_TIME", description: "Our launch is on Friday." });
      expect(result.acknowledgement).toBe(expected);
      expect(result.toManagement).toBe(false);
      expect(result.case.escalations[0]).toMatchObject({ reasonLabel: "Prolonged Resolution Time", escalatedBy: { name: "Ada Acme" }, supportFeedback: null });
      const note = await s.t.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.escalated" } });
      expect(note.payload).toMatchObject({ route: "on-call", acknowledgement: expected });
    }
  });

  it("warns when Management Attention is asked without an earlier escalation, and routes it to management", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const context = await s.t.core.cases.escalationContext(customer, c.number);
    expect(context.priorEscalations).toBe(0);
    expect(context.managementWarning).toMatch(/no earlier escalation/);
    const first = await s.t.core.cases.escalate(customer, c.number, { reason: "REQUESTING_MANAGEMENT_ATTENTION", description: "Nobody answers." });
    expect(first.warning).toMatch(/no earlier escalation/);
    expect(first.toManagement).toBe(true);
    const second = await s.t.core.cases.escalate(customer, c.number, { reason: "REQUESTING_MANAGEMENT_ATTENTION", description: "Still nothing." });
    expect(second.warning).toBeNull();
    const routes = await s.t.db.prisma.notification.findMany({ where: { caseId: c.id, event: "case.escalated" } });
    expect(routes.map((n) => (n.payload as { route: string }).route)).toEqual(["management", "management"]);
  });

  it("refuses a 251-character description as a field error, and a missing reason", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const long = await refusal(s.t.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "x".repeat(251) }));
    expect(long.field).toBe("description");
    expect(long.message).toMatch(/250 characters/);
    const ok = await s.t.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "x".repeat(250) });
    expect(ok.escalationId).toBeTruthy();
    const noReason = await refusal(s.t.core.cases.escalate(customer, c.number, { reason: "" as "CASE_UPDATE_NEEDED", description: "hi" }));
    expect(noReason.field).toBe("reason");
  });

  it("lets only staff write support feedback", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const { escalationId } = await s.t.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "Update please" });
    expect((await refusal(s.t.core.cases.setEscalationFeedback(customer, { escalationId, feedback: "All good!" }))).code).toBe("FORBIDDEN");
    const view = await s.t.core.cases.setEscalationFeedback(as(s.w.people.manager.id), { escalationId, feedback: "Engineer assigned; update by 3pm." });
    expect(view.escalations[0]!.supportFeedback).toBe("Engineer assigned; update by 3pm.");
  });

  it("cannot escalate a closed case; recommend-to-close asks staff to close it", async () => {
    const customer = as(s.w.people.acmeUser.id);
    const engineer = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id));
    const recommended = await s.t.core.cases.recommendClose(customer, c.number, { note: "Works now, thanks" });
    expect(recommended.recommendedCloseAt).not.toBeNull();
    expect(recommended.actions).not.toContain("recommendClose");
    expect(recommended.status).toBe("NEW"); // only staff close
    await s.t.core.cases.close(engineer, c.number, { reason: "RESOLVED" });
    const err = await refusal(s.t.core.cases.escalate(customer, c.number, { reason: "CASE_UPDATE_NEEDED", description: "?" }));
    expect(err.code).toBe("INVALID_STATE");
  });
});
