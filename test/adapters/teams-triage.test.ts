import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { CHANNEL, channelConversation, invoke, message, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, type World } from "../support/world.ts";

const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };
const eve: TeamsUser = { id: "29:eve", aadObjectId: "aad-eve", name: "Eve Engineer" };

describe("Teams: staff triage from a channel, and the message action", () => {
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    t = await startTestApp({ TEAMS_LOCAL: "on", TEAMS_TRIAGE_CHANNEL: CHANNEL });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    const operator: Ctx = { actor: { operator: true }, source: "cli" };
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: TENANT, userId: eve.aadObjectId });
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
  });

  it("new cases arrive in the triage channel; Take updates the card; a thread reply is a comment, internal when marked", async () => {
    // The bot has seen the triage channel once (it was @mentioned there), so it can post to it.
    await postActivity(endpoint, message(connector.url, eve, "help", { conversation: channelConversation(), mention: true }));
    const ctx: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "teams" };
    const { case: c } = await t.app.core.cases.file(ctx, filing(w.accounts.acme.id, { subject: "Triage me in Teams" }));
    await t.app.worker!.runOnce();
    const triage = await connector.waitFor((x) => x.kind === "create" && x.conversationId === CHANNEL && JSON.stringify(x.activity).includes("Triage me in Teams"));
    const card = (triage.activity!.attachments as { content: Record<string, unknown> }[])[0]!.content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('"verb":"case.take"');
    const thread = await t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id, platform: "teams", audience: "STAFF" } });
    expect(thread.threadId).toBe(triage.activityId);

    const take = await postActivity(endpoint, invoke(connector.url, eve, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "case.take", data: { value: c.number } }, trigger: "manual" }, { conversation: channelConversation(thread.threadId) }));
    const updated = take.json() as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(updated).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(updated.value)).toContain("Eve Engineer");
    expect((await t.app.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("IN_PROGRESS");

    await postActivity(endpoint, message(connector.url, eve, "We reproduced it.", { conversation: channelConversation(thread.threadId) }));
    await postActivity(endpoint, message(connector.url, eve, "internal: it's the legacy player", { conversation: channelConversation(thread.threadId) }));
    await expect.poll(async () => (await t.app.db.prisma.comment.findMany({ where: { caseId: c.id }, orderBy: { createdAt: "asc" } })).map((x) => [x.body, x.visibility])).toEqual([
      ["We reproduced it.", "PUBLIC"],
      ["it's the legacy player", "INTERNAL"],
    ]);
  });

  it("a customer pressing a staff button gets a refusal, and nothing changes", async () => {
    const ctx: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "teams" };
    const { case: c } = await t.app.core.cases.file(ctx, filing(w.accounts.acme.id));
    const res = await postActivity(endpoint, invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "case.take", data: { value: c.number } }, trigger: "manual" }));
    expect(JSON.stringify(res.json())).toContain("permission");
    expect((await t.app.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).ownerId).toBeNull();
  });

  it("the message action opens the new-case form with the message and its link", async () => {
    const res = await postActivity(
      endpoint,
      invoke(connector.url, ada, "composeExtension/fetchTask", {
        commandId: "openCase",
        commandContext: "message",
        messagePayload: { id: "m1", body: { contentType: "html", content: "<p>Uploads fail with <b>error 500</b></p>" }, linkToMessage: "https://teams.example/l/message/19:x/m1" },
      }),
    );
    const task = (res.json() as { task: { type: string; value: { card: { content: Record<string, unknown> } } } }).task;
    expect(task.type).toBe("continue");
    const json = JSON.stringify(task.value.card.content);
    expect(json).toContain("Uploads fail with error 500");
    expect(json).toContain("https://teams.example/l/message/19:x/m1");
  });
});
