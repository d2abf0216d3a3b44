import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/adapters/http/server.ts";
import { createEmailDelivery } from "../../src/delivery/email.ts";
import { createDeliveryWorker } from "../../src/delivery/worker.ts";
import { signReplyToken } from "../../src/email/reply-token.ts";
import { routeSatisfaction } from "../../src/satisfaction/route.ts";
import { signSurveyToken, verifySurveyToken } from "../../src/satisfaction/token.ts";
import { FakeSmtp } from "../fakes/smtp.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

/**
 * The satisfaction survey by email (issue 15): when no customer chat thread follows a
 * closed case, its contact (and only the contact, not the CC list) gets one email with five
 * signed one-click links; a click records the score and offers a comment form, which
 * updates the same answer. A link that was forged or altered is refused and records
 * nothing; a genuine link for someone who is not the case's contact is refused by the core.
 * The mail goes to the local test SMTP server, the clicks to carebot's real HTTP server.
 */
describe("the satisfaction survey by email, with signed one-click links", () => {
  const s = useWorld({ start: "2026-11-30T14:00:00Z" });
  const keys = { current: randomBytes(32) };
  const smtp = new FakeSmtp();
  let http: HttpServer;
  const replies = { keys, prefix: "reply", domain: "cases.vendor.test", linkBase: "" };

  beforeAll(async () => {
    await smtp.start();
    http = await startHttpServer({ port: 0, host: "127.0.0.1", logger: s.t.logger, readiness: [] });
    routeSatisfaction(http, { keys, core: s.t.core, logger: s.t.logger });
    replies.linkBase = `http://127.0.0.1:${http.port}/`;
  });
  afterAll(async () => {
    await http?.drain(1000);
    await smtp.stop();
  });

  const deliver = () =>
    createDeliveryWorker({
      core: s.t.core,
      clock: s.t.clock,
      logger: s.t.logger,
      channels: [createEmailDelivery({ core: s.t.core, smtpUrl: smtp.url, from: "Support <support@vendor.test>", logger: s.t.logger, replies })],
      intervalMs: 60_000,
      maxAttempts: 3,
    }).runOnce();
  const surveysTo = (address: string, number: string) => smtp.messages.filter((m) => m.envelopeTo.includes(address) && m.subject === `[Case ${number}] How did we do?`);
  const linksOf = (text: string) => [...text.matchAll(/(http:\/\/\S+\/satisfaction\?t=\S+)/g)].map((m) => m[1]!);
  const stored = (caseId: string) => s.t.db.prisma.satisfactionSurvey.findUniqueOrThrow({ where: { caseId } });

  async function closedCase(subject: string, cc: string[] = []) {
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject, cc }));
    await s.t.core.cases.take(as(s.w.people.engineer.id), c.number);
    await s.t.core.cases.close(as(s.w.people.engineer.id), c.number, { reason: "RESOLVED" });
    return c;
  }

  it("emails the contact once, not the CC list, with five signed links; a click records the score, the comment form adds to it", async () => {
    const c = await closedCase("Captions drift", ["boss@acme.test"]);
    await deliver();
    await deliver();
    await expect.poll(() => surveysTo("ada@acme.test", c.number).length).toBe(1);
    expect(smtp.messages.filter((m) => m.envelopeTo.includes("boss@acme.test") && m.subject?.includes("How did we do"))).toEqual([]);
    const mail = surveysTo("ada@acme.test", c.number)[0]!;
    const links = linksOf(mail.text ?? "");
    expect(links).toHaveLength(5);
    expect(links.map((l) => verifySurveyToken(keys, new URL(l).searchParams.get("t")!)?.score)).toEqual([1, 2, 3, 4, 5]);
    expect(mail.html).toContain("5 Excellent");

    // Ada clicks "4 Good": recorded at once, and the page offers a comment.
    const page = await fetch(links[3]!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`you rated case ${c.number} <strong>4 Good</strong>`);
    expect(html).toContain('<textarea id="comment" name="comment"');
    expect(await stored(c.id)).toMatchObject({ score: 4, comment: null, answeredVia: "email", answerCount: 1 });

    // The comment form posts back to the same link.
    const action = /action="([^"]+)"/.exec(html)![1]!.replace(/&#38;/g, "&");
    const posted = await fetch(`http://127.0.0.1:${http.port}${action}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "comment=Fast+and+%3Cb%3Ekind%3C%2Fb%3E." });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain("your comment are recorded");
    expect(await stored(c.id)).toMatchObject({ score: 4, comment: "Fast and <b>kind</b>.", answerCount: 2 });

    // A second click replaces the score (the latest answer counts) and keeps the comment.
    expect((await fetch(links[4]!)).status).toBe(200);
    expect(await stored(c.id)).toMatchObject({ score: 5, comment: "Fast and <b>kind</b>.", answerCount: 3 });
  });

  it("refuses a forged or altered link and records nothing", async () => {
    const c = await closedCase("Player stalls");
    await deliver();
    await expect.poll(() => surveysTo("ada@acme.test", c.number).length).toBe(1);
    const link = linksOf(surveysTo("ada@acme.test", c.number)[0]!.text ?? "")[0]!;
    const token = new URL(link).searchParams.get("t")!;
    const [number, person, , tag] = token.split(".");
    const base = `http://127.0.0.1:${http.port}/satisfaction?t=`;
    const attempts = [
      `${number}.${person}.5.${tag}`, // the score changed from 1 to 5
      `${Number(number) + 1}.${person}.1.${tag}`, // another case
      `${number}.${person}.1.${tag!.slice(0, -1)}${tag!.endsWith("A") ? "B" : "A"}`, // the signature altered
      signSurveyToken({ current: randomBytes(32) }, { caseNumber: Number(number), personId: s.w.people.acmeUser.id, score: 5 }), // signed with another key
      signReplyToken(keys, { caseNumber: Number(number), kind: "person", personId: s.w.people.acmeUser.id }, "unsubscribe"), // another purpose's token
      "", "not-a-token", "%00%FF".repeat(50),
    ];
    for (const forged of attempts) {
      const res = await fetch(`${base}${encodeURIComponent(forged)}`);
      expect(res.status, forged).toBe(404);
      expect(await res.text()).toContain("This rating link is not valid");
      const post = await fetch(`${base}${encodeURIComponent(forged)}`, { method: "POST", body: "comment=hi", headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(post.status).toBe(404);
    }
    expect(await stored(c.id)).toMatchObject({ score: null, answerCount: 0 });
    // The genuine link still works.
    expect((await fetch(link)).status).toBe(200);
    expect((await stored(c.id)).score).toBe(1);
  });

  it("a genuine link for someone who is not the contact is refused by the core: another account's customer, or a colleague", async () => {
    const c = await closedCase("Analytics empty");
    const link = (personId: string) => `http://127.0.0.1:${http.port}/satisfaction?t=${signSurveyToken(keys, { caseNumber: Number(c.number), personId, score: 1 })}`;
    const stranger = await fetch(link(s.w.people.globexUser.id));
    expect(stranger.status).toBe(404);
    expect(await stranger.text()).not.toContain("Analytics empty");
    const colleague = await fetch(link(s.w.people.acmeUser2.id));
    expect(colleague.status).toBe(403);
    expect(await colleague.text()).toContain("Only the contact of the case can rate the support on it.");
    expect(await stored(c.id)).toMatchObject({ score: null, answerCount: 0 });
  });

  it("sends no email when a customer chat thread follows the case (the buttons go there), nor for a duplicate", async () => {
    const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Followed in Slack" }));
    await s.t.core.threads.follow(operator, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: "1700000000.000100", audience: "CUSTOMER" });
    await s.t.core.cases.close(as(s.w.people.engineer.id), c.number, { reason: "SOLUTION_PROVIDED" });
    const original = await closedCase("Original");
    const { case: dup } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Duplicate" }));
    await s.t.core.cases.close(as(s.w.people.engineer.id), dup.number, { reason: "DUPLICATE", duplicateOf: original.number });
    await deliver();
    await expect.poll(() => surveysTo("ada@acme.test", original.number).length).toBe(1);
    expect(surveysTo("ada@acme.test", c.number)).toEqual([]);
    expect(surveysTo("ada@acme.test", dup.number)).toEqual([]);
  });
});
