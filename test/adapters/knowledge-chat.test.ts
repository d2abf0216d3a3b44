import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArticles, SAMPLE_ARTICLES_DIR } from "../../src/core/knowledge/article-files.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { blockAction, commandBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { invoke, message, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { operator } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };

describe("knowledge in chat: search for answers before filing", () => {
  let s: SlackWorld;
  let connector: FakeBotConnector;
  beforeAll(async () => {
    s = await startSlackWorld({ TEAMS_LOCAL: "on" });
    connector = new FakeBotConnector();
    await connector.start();
    await s.t.app.core.knowledge.import(operator, readArticles(SAMPLE_ARTICLES_DIR));
  });
  afterAll(async () => {
    await s.close();
    await connector.stop();
  });

  it("Slack: /case search shows articles; an article opens; 'this answered my question' is counted", async () => {
    await sendToSlackEndpoint(s.endpoint, commandBody({ text: "search uploading large files", user: s.users.ada, responseUrl: s.slack.responseUrl("kb") }), FORM);
    const answer = await s.slack.waitFor("respond", (a) => JSON.stringify(a).includes("Answers for"));
    expect(JSON.stringify(answer)).toContain("Uploads of large files fail");
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "knowledge.open", value: "large-upload-fails", channel: "C1", message: { ts: "1.1", type: "message", text: "x" } }), FORM);
    const article = await s.slack.waitFor("chat.postEphemeral", (a) => JSON.stringify(a).includes("chunks"));
    expect(JSON.stringify(article)).toContain("knowledge.answered");
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "knowledge.answered", value: "large-upload-fails", channel: "C1", message: { ts: "1.2", type: "message", text: "x" } }), FORM);
    await expect.poll(async () => (await s.t.app.db.prisma.knowledgeArticle.findUniqueOrThrow({ where: { slug: "large-upload-fails" } })).answeredCount).toBe(1);
  });

  it("browses articles by product on both platforms", async () => {
    await sendToSlackEndpoint(s.endpoint, commandBody({ text: "browse", user: s.users.ada, responseUrl: s.slack.responseUrl("browse-all") }), FORM);
    await s.slack.waitFor("respond", (a) => JSON.stringify(a).includes("Browse answers by product") && JSON.stringify(a).includes("Analytics"));
    await sendToSlackEndpoint(s.endpoint, commandBody({ text: "browse captions", user: s.users.ada, responseUrl: s.slack.responseUrl("browse-captions") }), FORM);
    const captions = await s.slack.waitFor("respond", (a) => JSON.stringify(a).includes("Machine captions are missing"));
    expect(JSON.stringify(captions)).not.toContain("Webcast viewers see buffering");
    await s.t.app.core.directory.linkIdentity(operator, { personId: s.w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    await postActivity(s.t.url("/api/messages"), message(connector.url, ada, "browse player"));
    await connector.waitFor((c) => JSON.stringify(c.activity ?? {}).includes("The player shows error 1002"));
  });

  it("Slack: typing the subject in the new-case form refreshes its suggestions", async () => {
    await sendToSlackEndpoint(s.endpoint, commandBody({ text: "new", user: s.users.ada, responseUrl: s.slack.responseUrl(), triggerId: "t-kb" }), FORM);
    const view = (await s.slack.waitFor("views.open", (a) => a.trigger_id === "t-kb")).view as Record<string, unknown>;
    const payload = {
      type: "block_actions", team: { id: "T1", domain: "test" }, user: { id: s.users.ada, team_id: "T1" }, api_app_id: "A1", trigger_id: "t-kb-2",
      container: { type: "view", view_id: "V1" },
      view: { ...view, id: "V1", hash: "h1", callback_id: "case.new", state: { values: { subject: { subject: { type: "plain_text_input", value: "entries stuck transc" } } } } },
      actions: [{ type: "plain_text_input", action_id: "subject", block_id: "subject", value: "entries stuck transc", action_ts: "1.1" }],
    };
    await sendToSlackEndpoint(s.endpoint, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
    const updated = await s.slack.waitFor("views.update", (a) => JSON.stringify(a.view).includes("Entries stuck in transcoding"));
    expect(JSON.stringify(updated.view)).toContain("entries stuck transc"); // what was typed stays
  });

  it("Teams: search shows articles, and 'Check for answers' in the dialog suggests them, keeping the values", async () => {
    await s.t.app.core.directory.linkIdentity(operator, { personId: s.w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    const endpoint = s.t.url("/api/messages");
    await postActivity(endpoint, message(connector.url, ada, "search webcast buffering"));
    await connector.waitFor((c) => JSON.stringify(c.activity ?? {}).includes("Webcast viewers see buffering"));

    const fetched = await postActivity(endpoint, invoke(connector.url, ada, "task/fetch", { data: { action: "case.new", value: "new" } }));
    const form = (fetched.json().task as { value: { card: { content: Record<string, unknown> } } }).value.card.content;
    const suggest = JSON.stringify(form).match(/"data":\{"action":"knowledge.suggest"[^}]*"state":(\{[^}]*\})/);
    expect(suggest).not.toBeNull();
    const state = JSON.parse(suggest![1]!) as Record<string, string>;
    const res = await postActivity(endpoint, invoke(connector.url, ada, "task/submit", { data: { action: "knowledge.suggest", value: "subject", callbackId: "case.new", state, subject: "webcast buffering for viewers", description: "half typed" } }));
    const again = JSON.stringify(res.json());
    expect(again).toContain("Webcast viewers see buffering");
    expect(again).toContain("webcast buffering for viewers");
    expect(again).toContain("half typed");

    const answered = await postActivity(endpoint, invoke(connector.url, ada, "task/submit", { data: { action: "knowledge.answered", value: "webcast-buffering", callbackId: "done", state: {} } }));
    expect(answered.json()).toMatchObject({ task: { type: "message" } });
    expect((await s.t.app.db.prisma.knowledgeArticle.findUniqueOrThrow({ where: { slug: "webcast-buffering" } })).answeredCount).toBe(1);
  });
});
