import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockAction, commandBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const now = () => Math.floor(Date.now() / 1000);

/**
 * Commands and clicks are answered at once, before the database has said whether their
 * signature was seen before (Slack waits for that answer; the work comes after it). A
 * captured request sent again is still answered, and nothing it asks for is done.
 */
describe("Slack: a replayed command or click is answered and ignored", () => {
  let s: SlackWorld;
  let number: string;
  let caseId: string;

  beforeAll(async () => {
    s = await startSlackWorld();
    const ctx = { actor: { personId: s.w.people.acmeUser.id }, source: "slack" as const };
    const filed = await s.t.app.core.cases.file(ctx, filing(s.w.accounts.acme.id, { subject: "Exports stall at 99%" }));
    number = filed.case.number;
    caseId = filed.case.id;
  });
  afterAll(() => s.close());

  const replayLogged = () => s.t.logLines.filter((l) => l.includes("a replayed Slack request was answered and ignored")).length;

  it("Ada's /case reply sent twice with the same signed bytes adds her reply once", async () => {
    const body = commandBody({ text: `reply ${number} Only once, please`, user: s.users.ada, responseUrl: s.slack.responseUrl("reply-1"), triggerId: "t-replay-1" });
    const timestamp = now();
    const first = await sendToSlackEndpoint(s.endpoint, body, FORM, { timestamp });
    expect(first.status).toBe(200);
    await s.slack.waitFor("respond", (a) => JSON.stringify(a).includes(`Reply added to case ${number}`));

    const replay = await sendToSlackEndpoint(s.endpoint, body, FORM, { timestamp });
    expect(replay.status).toBe(200);
    await expect.poll(replayLogged).toBe(1);
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId, body: "Only once, please" } })).toBe(1);
    expect(s.slack.of("respond").filter((a) => JSON.stringify(a).includes(`Reply added to case ${number}`))).toHaveLength(1);
  });

  it("the help is still answered in the command's own response", async () => {
    const res = await sendToSlackEndpoint(s.endpoint, commandBody({ text: "help", user: s.users.ada, responseUrl: s.slack.responseUrl("help-1"), triggerId: "t-help-1" }), FORM);
    expect(res.status).toBe(200);
    expect(String(res.json().text)).toContain("/case new");
  });

  it("Eve's click on Take, replayed, is done once", async () => {
    const body = blockAction({ user: s.users.eve, actionId: "case.take", value: number, channel: "CTRIAGE" });
    const timestamp = now();
    expect((await sendToSlackEndpoint(s.endpoint, body, FORM, { timestamp })).status).toBe(200);
    await expect.poll(async () => (await s.t.app.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).ownerId).toBe(s.w.people.engineer.id);
    const audits = () => s.t.app.db.prisma.auditEntry.count({ where: { caseId } });
    const before = await audits();

    expect((await sendToSlackEndpoint(s.endpoint, body, FORM, { timestamp })).status).toBe(200);
    await expect.poll(replayLogged).toBe(2);
    expect(await audits()).toBe(before);
  });
});
