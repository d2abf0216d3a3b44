import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { eventBody, SIGNING_SECRET, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { channelConversation, invoke, message, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, type World } from "../support/world.ts";

const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };
const eve: TeamsUser = { id: "29:eve", aadObjectId: "aad-eve", name: "Eve Engineer" };
const stranger: TeamsUser = { id: "29:who", aadObjectId: "aad-who", name: "Who Ever" };

describe("Teams: following and working cases", () => {
  let connector: FakeBotConnector;
  let slack: FakeSlackApi;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  const posted = (predicate: (json: string) => boolean) => connector.waitFor((c) => (c.kind === "send" || c.kind === "reply") && predicate(JSON.stringify(c.activity)));

  beforeAll(async () => {
    connector = new FakeBotConnector();
    slack = new FakeSlackApi();
    await connector.start();
    await slack.start();
    t = await startTestApp({ TEAMS_LOCAL: "on", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: slack.apiUrl });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    connector.members.set(ada.id, { email: "ada@acme.test", aadObjectId: ada.aadObjectId });
    connector.members.set(stranger.id, { email: "who@nowhere.test" });
    await t.app.core.directory.linkIdentity({ actor: { operator: true }, source: "cli" }, { personId: w.people.engineer.id, platform: "teams", tenantId: TENANT, userId: eve.aadObjectId });
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
    await slack.stop();
  });

  it("answers commands in personal chat with cards (Ada is matched by her roster email)", async () => {
    const res = await postActivity(endpoint, message(connector.url, ada, "my cases"));
    expect(res.status).toBe(200);
    const reply = await posted((j) => j.includes("All My Cases"));
    const card = (reply.activity!.attachments as { content: unknown }[])[0]!.content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    await postActivity(endpoint, message(connector.url, ada, "what can you do"));
    await posted((j) => j.includes("new case") && j.includes("escalate N"));
  });

  it("files a case through the dialog: task/fetch opens the form, task/submit files it", async () => {
    const fetched = await postActivity(endpoint, invoke(connector.url, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.new", value: "new" } }));
    expect(fetched.status).toBe(200);
    const task = fetched.json().task as { type: string; value: { card: { content: Record<string, unknown> } } };
    expect(task.type).toBe("continue");
    const form = task.value.card.content;
    expect(adaptiveCardProblems(form)).toEqual([]);
    const state = ((form.actions as { data: { state: Record<string, string> } }[])[0]!.data).state;

    const values = { accountId: w.accounts.acme.id, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: "Live stream buffering", description: "Buffering every 30 s.", feature: "live/webcast", contactId: w.people.acmeUser.id };
    const bad = await postActivity(endpoint, invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.new", state, ...values, subject: "", credentialsUsername: "tester", credentialsPassword: "s3cret-pw" } }));
    const again = JSON.stringify(bad.json());
    expect(again).toContain("Enter a subject.");
    expect(again).toContain("Buffering every 30 s."); // what was typed comes back
    expect(again).not.toContain("s3cret-pw"); // except the password
    expect(await t.app.db.prisma.case.count({ where: { subject: "Live stream buffering" } })).toBe(0);

    const ok = await postActivity(endpoint, invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.new", state, ...values } }));
    expect(ok.json()).toMatchObject({ task: { type: "message" } });
    expect(await t.app.db.prisma.case.count({ where: { subject: "Live stream buffering" } })).toBe(1);
    // The card is owed from the moment the case is stored: the delivery worker posts it in Ada's chat.
    await t.app.worker!.runOnce();
    const card = await posted((j) => j.includes("Live stream buffering"));
    expect(card.conversationId).toBe("a:personal-aad-ada");
  });

  it("escalates through an adaptiveCard/action, refusing 251 characters with the text kept", async () => {
    const ctx: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "teams" };
    const { case: c } = await t.app.core.cases.file(ctx, filing(w.accounts.acme.id, { subject: "Escalate me", severity: "S2" }));
    const action = (data: Record<string, unknown>) => invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "form.submit", data: { callbackId: "case.escalate", state: { case: c.number }, ...data } }, trigger: "manual" });
    const long = "y".repeat(251);
    const refused = await postActivity(endpoint, action({ reason: "CASE_UPDATE_NEEDED", description: long }));
    const refusedBody = refused.json() as { statusCode: number; value: Record<string, unknown> };
    expect(refusedBody.statusCode).toBe(200);
    expect(JSON.stringify(refusedBody.value)).toContain("Keep the description to 250 characters.");
    expect(JSON.stringify(refusedBody.value)).toContain(long);
    expect(adaptiveCardProblems(refusedBody.value)).toEqual([]);
    expect(await t.app.db.prisma.escalation.count({ where: { caseId: c.id } })).toBe(0);

    const done = await postActivity(endpoint, action({ reason: "CASE_UPDATE_NEEDED", description: "Need an update before noon." }));
    const ack = done.json() as { value: Record<string, unknown> };
    expect(JSON.stringify(ack.value)).toContain("Within the upcoming hours"); // S2's timeframe
    expect(await t.app.db.prisma.escalation.count({ where: { caseId: c.id } })).toBe(1);
  });

  it("follows a case in a channel: replies in its thread become comments; a Slack comment appears there", async () => {
    const ctx: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "teams" };
    const { case: c } = await t.app.core.cases.file(ctx, filing(w.accounts.acme.id, { subject: "Followed in Teams" }));
    // "@carebot follow N" posted at the top of the channel: its thread follows the case.
    const root = "1700000000123";
    await postActivity(endpoint, message(connector.url, ada, `follow ${c.number}`, { conversation: channelConversation(root), id: root, mention: true }));
    await posted((j) => j.includes("Followed in Teams"));
    const thread = await t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id, platform: "teams" } });
    expect(thread).toMatchObject({ channelId: "19:support-channel@thread.tacv2", threadId: root });

    await postActivity(endpoint, message(connector.url, ada, "Still buffering at 14:00", { conversation: channelConversation(root), id: "1700000000456" }));
    await expect.poll(() => t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "Still buffering at 14:00", source: "teams" } })).toBe(1);

    // A reply made in Slack (a signed event in a Slack thread that follows the same case) reaches the Teams thread.
    await t.app.core.threads.follow(ctx, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: "1700000000.000001", audience: "CUSTOMER" });
    await t.app.core.directory.linkIdentity({ actor: { operator: true }, source: "cli" }, { personId: w.people.engineer.id, platform: "slack", tenantId: "T1", userId: "UEVE" });
    await sendToSlackEndpoint(t.url("/slack/events"), eventBody({ type: "message", channel: "C1", user: "UEVE", text: "Fixed on the CDN, please retry", ts: "1700000001.000100", thread_ts: "1700000000.000001" }, "EvTeams1"), "application/json");
    await expect.poll(() => t.app.db.prisma.comment.count({ where: { caseId: c.id, source: "slack" } })).toBe(1);
    await t.app.worker!.runOnce();
    const relayed = await connector.waitFor((x) => (x.kind === "send" || x.kind === "reply") && x.conversationId === `19:support-channel@thread.tacv2;messageid=${root}` && JSON.stringify(x.activity).includes("Fixed on the CDN"));
    expect(JSON.stringify(relayed.activity)).toContain("Eve Engineer");
  });

  it("a repeated activity (Teams re-sends after 15 s) has one effect", async () => {
    const ctx: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "teams" };
    const { case: c } = await t.app.core.cases.file(ctx, filing(w.accounts.acme.id, { subject: "Once" }));
    const activity = message(connector.url, ada, `reply ${c.number} only once please`, { id: "dup-1" });
    await postActivity(endpoint, activity);
    await postActivity(endpoint, activity);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(1);
  });

  it("answers a malformed activity with 400 and stores nothing", async () => {
    const before = { events: await t.app.db.prisma.inboundEvent.count(), comments: await t.app.db.prisma.comment.count() };
    expect((await postActivity(endpoint, "{not json")).status).toBe(400);
    const noConversation = { ...message(connector.url, ada, "reply 1 hi"), conversation: undefined };
    const res = await postActivity(endpoint, noConversation);
    expect(res.status).toBe(400);
    expect(res.json().error).toContain("conversation");
    expect((await postActivity(endpoint, { ...message(connector.url, ada, "hi"), serviceUrl: "not a url" })).status).toBe(400);
    expect(await t.app.db.prisma.inboundEvent.count()).toBe(before.events);
    expect(await t.app.db.prisma.comment.count()).toBe(before.comments);
  });

  it("guides an unknown user on how to get access", async () => {
    await postActivity(endpoint, message(connector.url, stranger, "my cases"));
    const reply = await posted((j) => j.includes("not set up"));
    expect(JSON.stringify(reply.activity)).toContain("Customer Success Manager");
  });
});
