import { describe, expect, it } from "vitest";
import { serviceLevelCommand } from "../../src/cli/service-levels.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

/**
 * Satisfaction on closing (issue 15), in the core on the real database with the injected
 * clock: closing a case asks its contact once (a survey row and one outbox notification in
 * the closing transaction); a duplicate, a case closed for no response, and a case closed
 * a second time ask nothing; only the case's contact may answer, and a second answer
 * replaces the first. The results count per engineer (the owner at closing), account and
 * severity, for staff and the operator only.
 */
describe("satisfaction on closing", () => {
  const s = useWorld({ start: "2026-11-30T14:00:00Z" });
  const HOUR = 60 * 60_000;
  const ada = () => as(s.w.people.acmeUser.id);
  const eve = () => as(s.w.people.engineer.id);

  async function fileAndTake(subject: string, severity: "S1" | "S2" | "S3" | "S4" = "S3", who = s.w.people.acmeUser.id, accountId = s.w.accounts.acme.id) {
    const { case: c } = await s.t.core.cases.file(as(who), filing(accountId, { subject, severity }));
    await s.t.core.cases.take(eve(), c.number);
    return c;
  }
  const surveysOf = async (caseId: string) => s.t.db.prisma.notification.count({ where: { caseId, event: "case.satisfaction_survey" } });

  it("closing a resolved case asks its contact once: one survey, kept through a reopen and a second close", async () => {
    const c = await fileAndTake("Captions drift after 10 minutes");
    s.t.clock.advance(HOUR);
    await s.t.core.cases.close(eve(), c.number, { reason: "SOLUTION_PROVIDED", note: "New encoder profile." });
    expect(await surveysOf(c.id)).toBe(1);
    const survey = await s.t.db.prisma.satisfactionSurvey.findUniqueOrThrow({ where: { caseId: c.id } });
    expect(survey).toMatchObject({ contactId: s.w.people.acmeUser.id, engineerId: s.w.people.engineer.id, accountId: s.w.accounts.acme.id, severity: "S3", score: null, answerCount: 0 });
    // The survey follows the closing notice in the case's outbox order.
    const events = (await s.t.db.prisma.notification.findMany({ where: { caseId: c.id }, orderBy: { createdAt: "asc" } })).map((n) => n.event);
    expect(events.indexOf("case.satisfaction_survey")).toBeGreaterThan(events.indexOf("case.closed"));

    // Ada's reply reopens it; closed again, nobody is asked a second time.
    s.t.clock.advance(HOUR);
    await s.t.core.cases.comment(ada(), c.number, { body: "It drifts again." });
    s.t.clock.advance(HOUR);
    await s.t.core.cases.close(eve(), c.number, { reason: "RESOLVED" });
    expect(await surveysOf(c.id)).toBe(1);
  });

  it("asks nothing for a duplicate or for a case closed for no response", async () => {
    const original = await fileAndTake("Player stalls");
    const duplicate = await fileAndTake("Player stalls (again)");
    await s.t.core.cases.close(eve(), duplicate.number, { reason: "DUPLICATE", duplicateOf: original.number });
    expect(await surveysOf(duplicate.id)).toBe(0);

    const silent = await fileAndTake("Which browser?");
    await s.t.core.cases.askCustomer(eve(), silent.number, { body: "Which browser do you use?" });
    s.t.clock.advance((s.t.core.catalog.timers.autoCloseAfterDays + 1) * 24 * HOUR);
    await s.t.core.cases.sweep();
    expect((await s.t.db.prisma.case.findUniqueOrThrow({ where: { id: silent.id } })).closeReason).toBe("NO_RESPONSE");
    expect(await surveysOf(silent.id)).toBe(0);
    expect(await s.t.db.prisma.satisfactionSurvey.count({ where: { caseId: { in: [duplicate.id, silent.id] } } })).toBe(0);
  });

  it("only the case's contact may rate: another customer of the account is refused, another account's does not see the case, staff cannot", async () => {
    const c = await fileAndTake("Uploads slow");
    // Before closing there is nothing to answer.
    await expect(s.t.core.satisfaction.rate(ada(), { case: c.number, score: 5 })).rejects.toMatchObject({ code: "INVALID_STATE" });
    await s.t.core.cases.close(eve(), c.number, { reason: "RESOLVED" });
    await expect(s.t.core.satisfaction.rate(as(s.w.people.acmeUser2.id), { case: c.number, score: 1 })).rejects.toMatchObject({ code: "FORBIDDEN", message: "Only the contact of the case can rate the support on it." });
    await expect(s.t.core.satisfaction.rate(as(s.w.people.globexUser.id), { case: c.number, score: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(s.t.core.satisfaction.rate(eve(), { case: c.number, score: 5 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(s.t.core.satisfaction.rate(ada(), { case: c.number, score: 6 })).rejects.toMatchObject({ code: "VALIDATION" });
    expect((await s.t.db.prisma.satisfactionSurvey.findUniqueOrThrow({ where: { caseId: c.id } })).score).toBeNull();

    // Ada answers 3, then thinks better of it: 4 with a comment. One answer is kept, the latest.
    await expect(s.t.core.satisfaction.rate(ada(), { case: c.number, score: 3 })).resolves.toMatchObject({ score: 3, comment: null, answers: 1 });
    s.t.clock.advance(60_000);
    await expect(s.t.core.satisfaction.rate(ada(), { case: c.number, score: 4, comment: "Fast, once it was found." })).resolves.toMatchObject({ score: 4, answers: 2 });
    // Another press without a comment keeps the comment.
    await s.t.core.satisfaction.rate(as(s.w.people.acmeUser.id, "teams"), { case: c.number, score: 5 });
    const stored = await s.t.db.prisma.satisfactionSurvey.findUniqueOrThrow({ where: { caseId: c.id } });
    expect(stored).toMatchObject({ score: 5, comment: "Fast, once it was found.", answeredVia: "teams", answerCount: 3 });
    const audit = await s.t.db.prisma.auditEntry.count({ where: { caseId: c.id, action: "case.satisfaction" } });
    expect(audit).toBe(3);
  });

  it("reports results per engineer, account and severity to staff and the operator, in sla report too", async () => {
    // A Globex S1 case owned by Max, rated 2.
    const { case: g } = await s.t.core.cases.file(as(s.w.people.globexUser.id), filing(s.w.accounts.globex.id, { subject: "Live stream down", severity: "S1" }));
    await s.t.core.cases.take(as(s.w.people.manager.id), g.number);
    await s.t.core.cases.close(as(s.w.people.manager.id), g.number, { reason: "SOLUTION_PROVIDED" });
    await s.t.core.satisfaction.rate(as(s.w.people.globexUser.id), { case: g.number, score: 2, comment: "Took too long." });
    s.t.clock.advance(60_000);

    const results = await s.t.core.satisfaction.results(operator, { days: 7 });
    expect(results.byEngineer).toEqual([
      // The first case was closed 11 days ago (before the no-response walk): outside the last 7 days.
      { name: "Eve Engineer", asked: 1, answered: 1, average: 5 },
      { name: "Max Manager", asked: 1, answered: 1, average: 2 },
    ]);
    expect(results.byAccount).toEqual([
      { name: "Acme Media", asked: 1, answered: 1, average: 5 },
      { name: "Globex Corp", asked: 1, answered: 1, average: 2 },
    ]);
    expect(results.bySeverity).toEqual([
      { name: "S1", asked: 1, answered: 1, average: 2 },
      { name: "S3", asked: 1, answered: 1, average: 5 },
    ]);
    expect(results).toMatchObject({ asked: 2, answered: 2, average: 3.5 });
    await expect(s.t.core.satisfaction.results(ada())).rejects.toMatchObject({ code: "FORBIDDEN" });

    const { text } = await serviceLevelCommand(s.t.core, operator, ["7"], {});
    expect(text).toContain("Satisfaction: 2 answered of 2 asked, average 3.5");
    const maxLine = text.split("\n").find((l) => l.includes("Max Manager"))!;
    expect(maxLine.split(/\s{2,}/)).toEqual(["engineer", "Max Manager", "1", "1", "2.0"]);
  });
});
