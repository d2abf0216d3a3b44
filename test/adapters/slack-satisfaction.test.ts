import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockAction, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { as, filing, operator } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

/**
 * Issue 15 in Slack: the satisfaction survey goes into the thread that follows a closed
 * case for its customer (and nowhere when none does: no DM, that contact is emailed), Ada
 * presses a score and gets the comment form, an engineer pressing it is refused; the
 * weekly summary reaches the management channel once, however often the server sweeps.
 * The server runs on the real clock, so the summary's moment is set to a few minutes ago.
 */
describe("Slack: the satisfaction survey and the weekly summary", () => {
  let s: SlackWorld;
  const FORM = "application/x-www-form-urlencoded";
  const THREAD = "1700000500.000100";
  beforeAll(async () => {
    const fiveMinutesAgo = new TZDate(Date.now() - 5 * 60_000, "America/New_York");
    s = await startSlackWorld({ WEEKLY_SUMMARY: format(fiveMinutesAgo, "EEE HH:mm") });
  });
  afterAll(() => s.close());

  const eve = () => as(s.w.people.engineer.id);
  const surveyPosts = (number: string) => s.slack.of("chat.postMessage").filter((a) => JSON.stringify(a).includes(`How did we do on case ${number}?`));

  it("asks in the customer's thread with five buttons, once; a case no customer thread follows gets no chat survey and no DM", async () => {
    const { case: c } = await s.t.app.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Captions drift" }));
    await s.t.app.core.threads.follow(operator, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: THREAD, audience: "CUSTOMER" });
    await s.t.app.core.cases.take(eve(), c.number);
    await s.t.app.core.cases.close(eve(), c.number, { reason: "SOLUTION_PROVIDED" });
    const { case: quiet } = await s.t.app.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Nobody follows this" }));
    await s.t.app.core.cases.close(eve(), quiet.number, { reason: "RESOLVED" });
    // Delivered until the survey is out (a refused connection to the fake Slack is retried, as in production).
    await expect.poll(async () => (await s.t.app.worker!.runOnce(), surveyPosts(c.number).length), { timeout: 15_000, interval: 500 }).toBe(1);
    await expect.poll(async () => (await s.t.app.worker!.runOnce(), s.t.app.db.prisma.notification.count({ where: { caseId: quiet.id, status: "PENDING" } })), { timeout: 15_000, interval: 500 }).toBe(0);

    const posts = surveyPosts(c.number);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: "C1", thread_ts: THREAD });
    // Block Kit wants each action_id once per block: the renderer suffixes repeats (#1…), the adapter strips them.
    const buttons = JSON.stringify(posts[0]).match(/"action_id":"satisfaction\.rate(#\d)?"/g) ?? [];
    expect(buttons).toHaveLength(5);
    expect(JSON.stringify(posts[0])).toContain(`"value":"${c.number}:5"`);
    // The staff (triage) thread hears the closing, not the survey.
    expect(posts.some((p) => p.channel === "CTRIAGE")).toBe(false);
    expect(surveyPosts(quiet.number)).toEqual([]);
  });

  it("a press records the contact's score and opens the comment form; an engineer's press is refused", async () => {
    const { case: c } = await s.t.app.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Uploads slow" }));
    await s.t.app.core.cases.close(eve(), c.number, { reason: "RESOLVED" });
    const message = { ts: THREAD, type: "message", text: "survey" };

    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.eve, actionId: "satisfaction.rate", value: `${c.number}:1`, channel: "C1", message }), FORM);
    await s.slack.waitFor("chat.postEphemeral", (a) => a.user === s.users.eve && JSON.stringify(a).includes("Only the contact of the case can rate the support on it."));

    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "satisfaction.rate", value: `${c.number}:4`, channel: "C1", message }), FORM);
    const form = await s.slack.waitFor("views.open", (a) => (a.view as { callback_id?: string }).callback_id === "satisfaction.comment" && JSON.stringify(a).includes(c.number));
    expect(JSON.stringify(form)).toContain("4 Good");
    expect(await s.t.app.db.prisma.satisfactionSurvey.findFirstOrThrow({ where: { caseId: c.id } })).toMatchObject({ score: 4, answeredVia: "slack", answerCount: 1 });
  });

  it("sends the weekly summary to the management channel once, however often the server sweeps", async () => {
    const first = await s.t.app.sweeper.runOnce();
    const second = await s.t.app.sweeper.runOnce();
    expect([first.weeklySummary, second.weeklySummary].filter(Boolean)).toHaveLength(1);
    await expect.poll(async () => (await s.t.app.worker!.runOnce(), s.slack.of("chat.postMessage").some((a) => JSON.stringify(a).includes("Weekly service levels"))), { timeout: 15_000, interval: 500 }).toBe(true);
    await s.t.app.worker!.runOnce();
    const summary = s.slack.of("chat.postMessage").filter((a) => JSON.stringify(a).includes("Weekly service levels"));
    expect(summary).toHaveLength(1);
    expect(summary[0]!.channel).toBe("CMGMT");
    expect(JSON.stringify(summary[0])).toContain("Satisfaction");
  });
});
