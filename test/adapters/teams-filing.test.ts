import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { CHANNEL, channelConversation, invoke, message, PERSONAL, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, operator, type World } from "../support/world.ts";

/**
 * A case filed from a Teams dialog gets its card through the outbox, where the dialog
 * was opened: a new thread at the top of a channel, a reply inside a channel thread, the
 * message in a chat. And a dialog that writes, delivered again by Teams, writes once.
 */
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };
const eve: TeamsUser = { id: "29:eve", aadObjectId: "aad-eve", name: "Eve Engineer" };

describe("Teams: a case filed from a dialog gets its card where the dialog was opened", () => {
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  const adaCtx = (): Ctx => ({ actor: { personId: w.people.acmeUser.id }, source: "teams" });
  const cardsAbout = (subject: string) => connector.calls.filter((c) => (c.kind === "send" || c.kind === "reply" || c.kind === "create") && JSON.stringify(c.activity ?? {}).includes(subject));
  const waitForCard = (subject: string) => connector.waitFor((c) => cardsAbout(subject).includes(c));
  const caseNamed = (subject: string) => t.app.db.prisma.case.findFirstOrThrow({ where: { subject } });
  /** The new-case dialog as Ada submits it, from a conversation; each form has its own key. */
  const submitNewCase = (subject: string, conversation?: Record<string, unknown>) =>
    invoke(
      connector.url,
      ada,
      "task/submit",
      { data: { callbackId: "case.new", state: { key: randomUUID() }, accountId: w.accounts.acme.id, caseType: "TECHNICAL_ISSUE", severity: "S3", subject, description: "Seen since this morning.", feature: "live/webcast" } },
      conversation ? { conversation } : {},
    );

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    t = await startTestApp({ TEAMS_LOCAL: "on" });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: TENANT, userId: eve.aadObjectId });
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
  });

  it("filed in a personal chat: the card arrives there after the filing, once, however often Teams delivers the submit", async () => {
    const submit = submitNewCase("Filed in my chat");
    const answers = [await postActivity(endpoint, submit), await postActivity(endpoint, submit)];
    expect(answers.map((a) => a.json())).toEqual([answers[0]!.json(), answers[0]!.json()]);
    expect(answers[0]!.json()).toMatchObject({ task: { type: "message" } });
    expect(cardsAbout("Filed in my chat")).toEqual([]); // nothing posted inline: the outbox owes it

    await t.app.worker!.runOnce();
    const card = await waitForCard("Filed in my chat");
    expect(card.conversationId).toBe(PERSONAL(ada).id);
    expect(adaptiveCardProblems((card.activity!.attachments as { content: unknown }[])[0]!.content)).toEqual([]);
    await postActivity(endpoint, submit); // once more, after the card went out
    await t.app.worker!.runOnce();
    const c = await caseNamed("Filed in my chat");
    expect(await t.app.db.prisma.case.count({ where: { subject: "Filed in my chat" } })).toBe(1);
    expect(cardsAbout("Filed in my chat")).toHaveLength(1);
    // A chat has no threads: nothing follows the case, so later news reaches Ada in her chat directly.
    expect(await t.app.db.prisma.caseThread.count({ where: { caseId: c.id } })).toBe(0);
    await t.app.core.cases.comment({ actor: { personId: w.people.engineer.id }, source: "cli" }, c.number, { body: "Looking at the encoder now." });
    await t.app.worker!.runOnce();
    expect((await waitForCard("Looking at the encoder now.")).conversationId).toBe(PERSONAL(ada).id);
  });

  it("filed inside a channel thread: the card is a reply in that thread, which then follows the case both ways", async () => {
    const root = "1700000001000";
    // Ada asked "@carebot new case" at the top of the channel; the answer, and the dialog it opens, are in her message's thread.
    await postActivity(endpoint, message(connector.url, ada, "new case", { conversation: channelConversation(root), id: root, mention: true }));
    const res = await postActivity(endpoint, submitNewCase("Filed in a thread", channelConversation(root)));
    expect(res.json()).toMatchObject({ task: { type: "message" } });
    await t.app.worker!.runOnce();
    const card = await waitForCard("Filed in a thread");
    expect(card.conversationId).toBe(`${CHANNEL};messageid=${root}`);
    const c = await caseNamed("Filed in a thread");
    const thread = await t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id } });
    expect(thread).toMatchObject({ platform: "teams", tenantId: TENANT, channelId: CHANNEL, threadId: root, audience: "CUSTOMER" });
    expect(thread.reference).toMatchObject({ cardActivityId: card.activityId, conversation: { id: `${CHANNEL};messageid=${root}` } });

    await postActivity(endpoint, message(connector.url, ada, "It happens on Firefox too", { conversation: channelConversation(root), id: "1700000001001" }));
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "It happens on Firefox too" } })).toBe(1);
    await t.app.core.cases.comment({ actor: { personId: w.people.engineer.id }, source: "cli" }, c.number, { body: "Please try the beta player." });
    await t.app.worker!.runOnce();
    expect((await waitForCard("Please try the beta player.")).conversationId).toBe(`${CHANNEL};messageid=${root}`);
    // The card the bot posted in the thread is the one redrawn when the case changes.
    await t.app.core.cases.take({ actor: { personId: w.people.engineer.id }, source: "cli" }, c.number);
    await t.app.worker!.runOnce();
    const redrawn = await connector.waitFor((x) => x.kind === "update" && x.activityId === card.activityId);
    expect(redrawn.conversationId).toBe(`${CHANNEL};messageid=${root}`);
    expect(JSON.stringify(redrawn.activity)).toContain("Eve Engineer");
  });

  it("filed at the top of a channel: the card starts a new thread, which follows the case", async () => {
    await postActivity(endpoint, message(connector.url, ada, "help", { conversation: channelConversation(), mention: true }));
    await postActivity(endpoint, submitNewCase("Filed at the top", channelConversation()));
    await t.app.worker!.runOnce();
    const card = await waitForCard("Filed at the top");
    expect(card).toMatchObject({ kind: "create", conversationId: CHANNEL });
    const c = await caseNamed("Filed at the top");
    expect(await t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id } })).toMatchObject({ channelId: CHANNEL, threadId: card.activityId, audience: "CUSTOMER" });
  });

  it("filed from a thread that already follows another case: the card is posted there, and the thread keeps its case", async () => {
    const { case: first } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "The thread's own case" }));
    const root = "1700000002000";
    await postActivity(endpoint, message(connector.url, ada, `follow ${first.number}`, { conversation: channelConversation(root), id: root, mention: true }));
    await postActivity(endpoint, submitNewCase("Filed from a followed thread", channelConversation(root)));
    await t.app.worker!.runOnce();
    expect((await waitForCard("Filed from a followed thread")).conversationId).toBe(`${CHANNEL};messageid=${root}`);
    const second = await caseNamed("Filed from a followed thread");
    expect(await t.app.db.prisma.caseThread.findFirstOrThrow({ where: { platform: "teams", channelId: CHANNEL, threadId: root } })).toMatchObject({ caseId: first.id });
    expect(await t.app.db.prisma.caseThread.count({ where: { caseId: second.id } })).toBe(0);
    // Delivered, not left failing until it is dead.
    expect(await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: second.id, event: "case.filed" } })).toMatchObject({ status: "DELIVERED" });
  });

  it("filed from a conversation the bot cannot reach yet: the card waits, and goes out once the bot has seen it", async () => {
    const unseen = { id: "19:new-channel@thread.tacv2", conversationType: "channel", isGroup: true, tenantId: TENANT };
    const { case: c } = await t.app.core.cases.file(adaCtx(), { ...filing(w.accounts.acme.id, { subject: "Waiting for a reference" }), origin: { platform: "teams", tenantId: TENANT, userId: ada.aadObjectId, channelId: unseen.id } });
    await t.app.worker!.runOnce();
    const waiting = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.filed" } });
    expect(waiting).toMatchObject({ status: "PENDING" });
    expect(waiting.lastError).toContain("no conversation reference");
    expect(cardsAbout("Waiting for a reference")).toEqual([]);

    // Someone @mentions the bot in that channel; the retry (here the operator's, sooner than the worker's own) posts the card.
    await postActivity(endpoint, message(connector.url, ada, "help", { conversation: unseen, mention: true }));
    await t.app.core.outbox.retry({ id: waiting.id });
    await t.app.worker!.runOnce();
    expect(await waitForCard("Waiting for a reference")).toMatchObject({ kind: "create", conversationId: unseen.id });
  });

  it("the message action files a case whose card joins the thread of the message it came from", async () => {
    const root = "1700000003000";
    await postActivity(endpoint, message(connector.url, ada, "Uploads fail with error 500", { conversation: channelConversation(root), id: root }));
    const data = { callbackId: "case.new", state: { key: randomUUID() }, accountId: w.accounts.acme.id, caseType: "TECHNICAL_ISSUE", severity: "S2", subject: "Filed with the message action", description: "Uploads fail with error 500", feature: "live/webcast" };
    const res = await postActivity(endpoint, invoke(connector.url, ada, "composeExtension/submitAction", { commandId: "openCase", commandContext: "message", data }, { conversation: channelConversation(root) }));
    expect(res.status).toBe(200);
    await t.app.worker!.runOnce();
    expect((await waitForCard("Filed with the message action")).conversationId).toBe(`${CHANNEL};messageid=${root}`);
    const c = await caseNamed("Filed with the message action");
    expect(await t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id } })).toMatchObject({ threadId: root });
  });
});

describe("Teams: a dialog that writes, delivered again, writes once and answers the same", () => {
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  const adaCtx = (): Ctx => ({ actor: { personId: w.people.acmeUser.id }, source: "teams" });
  const submit = (user: TeamsUser, callbackId: string, number: string, values: Record<string, string>) =>
    invoke(connector.url, user, "task/submit", { data: { callbackId, state: { case: number }, ...values } });
  const twice = async (activity: unknown) => {
    const first = await postActivity(endpoint, activity);
    const again = await postActivity(endpoint, activity);
    expect([first.status, again.status]).toEqual([200, 200]);
    return [first.json(), again.json()] as const;
  };

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    t = await startTestApp({ TEAMS_LOCAL: "on" });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: TENANT, userId: eve.aadObjectId });
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
  });

  it("Ada's reply from the dialog is one comment", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Reply twice" }));
    const [first, again] = await twice(submit(ada, "case.reply", c.number, { body: "The stream is back, thanks" }));
    expect(again).toEqual(first);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "The stream is back, thanks" } })).toBe(1);
    expect(await t.app.db.prisma.notification.count({ where: { caseId: c.id, event: "case.comment" } })).toBe(1);
  });

  it("Eve's internal note is one note", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Note twice" }));
    const [first, again] = await twice(submit(eve, "case.internalNote", c.number, { body: "Legacy player; see the runbook" }));
    expect(again).toEqual(first);
    expect(await t.app.db.prisma.comment.findMany({ where: { caseId: c.id }, select: { body: true, visibility: true } })).toEqual([{ body: "Legacy player; see the runbook", visibility: "INTERNAL" }]);
  });

  it("Ada's escalation is one escalation, answered with the same acknowledgement and warning, even after the case was closed", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Escalate twice", severity: "S2" }));
    const escalation = submit(ada, "case.escalate", c.number, { reason: "REQUESTING_MANAGEMENT_ATTENTION", description: "Nobody has answered for two days." });
    const [first, again] = await twice(escalation);
    const text = JSON.stringify(first);
    expect(text).toContain("Escalation received");
    expect(text).toContain("Within the upcoming hours");
    expect(text).toContain("no earlier escalation"); // the Management Attention warning, given the first time
    expect(JSON.stringify(again)).toBe(text);
    expect(await t.app.db.prisma.escalation.count({ where: { caseId: c.id } })).toBe(1);
    expect(await t.app.db.prisma.notification.count({ where: { caseId: c.id, event: "case.escalated" } })).toBe(1);

    // Delivered at once, twice: still one.
    const other = submit(ada, "case.escalate", c.number, { reason: "CASE_UPDATE_NEEDED", description: "And an update, please." });
    await Promise.all([postActivity(endpoint, other), postActivity(endpoint, other)]);
    expect(await t.app.db.prisma.escalation.count({ where: { caseId: c.id } })).toBe(2);

    // The case is closed before Teams' redelivery arrives: the answer is still the acknowledgement, and nothing changes.
    await t.app.core.cases.close({ actor: { personId: w.people.engineer.id }, source: "cli" }, c.number, { reason: "RESOLVED" });
    const late = await postActivity(endpoint, escalation);
    expect(JSON.stringify(late.json())).toContain("Escalation received");
    expect(await t.app.db.prisma.escalation.count({ where: { caseId: c.id } })).toBe(2);
  });

  it("the escalation form shown in the chat (Action.Execute) is one escalation too", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Escalate inline twice" }));
    const action = invoke(connector.url, ada, "adaptiveCard/action", {
      action: { type: "Action.Execute", verb: "form.submit", data: { callbackId: "case.escalate", state: { case: c.number }, reason: "CASE_UPDATE_NEEDED", description: "Status, please." } },
      trigger: "manual",
    });
    const [first, again] = await twice(action);
    expect(JSON.stringify(first)).toContain("Escalation received");
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(await t.app.db.prisma.escalation.count({ where: { caseId: c.id } })).toBe(1);
  });

  it("two different submits of the same text are two comments (only a redelivery is folded)", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Said twice on purpose" }));
    await postActivity(endpoint, submit(ada, "case.reply", c.number, { body: "Any news?" }));
    await postActivity(endpoint, submit(ada, "case.reply", c.number, { body: "Any news?" }));
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "Any news?" } })).toBe(2);
  });
});
