import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { blockKitProblems } from "../support/block-kit-check.ts";
import { blockAction, commandBody, eventBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { message, PERSONAL, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { filing, operator } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

/**
 * The same words, both ways: what is typed to the bot in Slack's Messages tab answers as
 * in Teams, and Teams has a home like the Slack App Home.
 */
const JSON_TYPE = "application/json";
const FORM = "application/x-www-form-urlencoded";
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };

/** The plain text of a card, whichever platform drew it: Slack's plain_text objects, Teams' TextRuns. */
function texts(json: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if ((o.type === "plain_text" || o.type === "TextRun") && typeof o.text === "string") out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(json);
  return out;
}

describe("Slack and Teams answer the same words", () => {
  let s: SlackWorld;
  let connector: FakeBotConnector;
  let teams = "";
  let ts = 1700005000;
  const dm = (text: string) => {
    ts += 1;
    return eventBody({ type: "message", channel: "DADA", channel_type: "im", user: s.users.ada, text, ts: `${ts}.000100`, event_ts: `${ts}.000100` }, `EvDm${ts}`);
  };

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    s = await startSlackWorld({ TEAMS_LOCAL: "on" });
    teams = s.t.url("/api/messages");
    connector.members.set(ada.id, { email: "ada@acme.test", aadObjectId: ada.aadObjectId });
    await s.t.app.core.cases.file({ actor: { personId: s.w.people.acmeUser.id }, source: "cli" }, filing(s.w.accounts.acme.id, { subject: "Player error 1002" }));
    await s.t.app.core.publications.publish(operator, { kind: "PRODUCT_UPDATE", title: "March release: faster uploads", body: "Uploads resume after a dropped connection." });
  });
  afterAll(async () => {
    await s.close();
    await connector.stop();
  });

  it("help typed in Slack's Messages tab is the help Teams gives, word for word", async () => {
    expect((await sendToSlackEndpoint(s.endpoint, dm("help"), JSON_TYPE)).status).toBe(200);
    const inSlack = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "DADA" && JSON.stringify(a).includes("what you can ask"));
    expect(blockKitProblems(inSlack, "message")).toEqual([]);

    const posts = connector.posts().length;
    await postActivity(teams, message(connector.url, ada, "help"));
    const inTeams = connector.posts().slice(posts).find((p) => JSON.stringify(p.activity).includes("what you can ask"))!;
    const card = (inTeams.activity!.attachments as { content: unknown }[])[0]!.content;
    expect(texts(inSlack.blocks)).toEqual(texts(card));
    expect(texts(card).join("\n")).toContain("new case: file a new support case");
  });

  it("new case typed in Slack's Messages tab offers the form; its button opens it, filed from the DM", async () => {
    await sendToSlackEndpoint(s.endpoint, dm("new case"), JSON_TYPE);
    const offer = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "DADA" && JSON.stringify(a).includes("Open the new-case form"));
    expect(JSON.stringify(offer.blocks)).toContain('"action_id":"case.new"');
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "case.new", value: "new", channel: "DADA", message: { ts: "1700005999.1", type: "message", text: "offer" } }), FORM);
    const opened = await s.slack.waitFor("views.open", (a) => (a.view as { callback_id?: string }).callback_id === "case.new");
    expect(JSON.parse(String((opened.view as { private_metadata: string }).private_metadata))).toMatchObject({ channel: "DADA" });
  });

  it("a reply typed in the Messages tab is stored once, however often Slack delivers it", async () => {
    const c = await s.t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Player error 1002" } });
    const body = dm(`reply ${String(c.number).padStart(8, "0")} typed in the DM`);
    await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE);
    await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { retryNum: 1 });
    await expect.poll(() => s.t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "typed in the DM" } })).toBe(1);
    await s.slack.waitFor("chat.postMessage", (a) => a.channel === "DADA" && JSON.stringify(a).includes("Reply added"));
  });

  it("follow N in a Slack channel posts the case card there and its thread follows the case; where the app is not, it says how to add it", async () => {
    const c = await s.t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Player error 1002" } });
    const number = String(c.number).padStart(8, "0");
    await sendToSlackEndpoint(s.endpoint, commandBody({ text: `follow ${number}`, user: s.users.ada, channel: "CFOLLOW", responseUrl: s.slack.responseUrl("follow") }), FORM);
    const card = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "CFOLLOW" && JSON.stringify(a).includes("Player error 1002"));
    expect(card.blocks).toBeDefined();
    // The card's message roots the thread that now follows the case (Slack answered the post with its ts).
    await expect.poll(() => s.t.app.db.prisma.caseThread.count({ where: { caseId: c.id, platform: "slack", channelId: "CFOLLOW", audience: "CUSTOMER" } })).toBe(1);

    s.slack.closedChannels.add("CPRIVATE");
    await sendToSlackEndpoint(s.endpoint, commandBody({ text: `follow ${number}`, user: s.users.ada, channel: "CPRIVATE", responseUrl: s.slack.responseUrl("follow-closed") }), FORM);
    await s.slack.waitFor("respond", (a) => JSON.stringify(a).includes("Add carebot to this channel"));
    expect(await s.t.app.db.prisma.caseThread.count({ where: { caseId: c.id, channelId: "CPRIVATE" } })).toBe(0);
  });

  it("the bot's own messages in the DM are not read as commands", async () => {
    const before = s.slack.of("chat.postMessage").length;
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "message", subtype: "bot_message", bot_id: "BBOT", channel: "DADA", channel_type: "im", text: "help", ts: "1700005500.1" }, "EvDmBot"), JSON_TYPE);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.slack.of("chat.postMessage").length).toBe(before);
  });

  it("Teams has a home: sent when the app is installed for one person, and answered to home", async () => {
    const posts = connector.posts().length;
    const installed = {
      type: "installationUpdate",
      action: "add",
      id: "install-1",
      channelId: "msteams",
      serviceUrl: connector.url,
      timestamp: new Date().toISOString(),
      from: { id: ada.id, aadObjectId: ada.aadObjectId, name: ada.name },
      recipient: { id: "28:carebot", name: "carebot" },
      conversation: PERSONAL(ada),
      channelData: { tenant: { id: TENANT } },
    };
    expect((await postActivity(teams, installed)).status).toBe(200);
    const home = connector.posts().slice(posts).find((p) => JSON.stringify(p.activity).includes("Support for Ada Acme"));
    expect(home).toBeDefined();
    const card = (home!.activity!.attachments as { content: unknown }[])[0]!.content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    const words = texts(card).join("\n");
    for (const part of ["Player error 1002", "Recently viewed", "Knowledge", "March release: faster uploads", "Root-cause analyses"]) expect(words).toContain(part);

    // The same home, typed: like the Slack App Home, whose tab shows the same sections.
    await postActivity(teams, message(connector.url, ada, "home"));
    await connector.waitFor((p) => (p.kind === "send" || p.kind === "reply") && p !== home && JSON.stringify(p.activity).includes("March release: faster uploads"));
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_home_opened", user: s.users.ada, channel: "DADA", tab: "home", event_ts: "1700006000.1" }, "EvHomeParity"), JSON_TYPE);
    const tab = await s.slack.waitFor("views.publish", (a) => a.user_id === s.users.ada);
    const inSlack = texts(tab.view).join("\n");
    for (const part of ["Support for Ada Acme", "Player error 1002", "Recently viewed", "Knowledge", "March release: faster uploads", "Root-cause analyses"]) expect(inSlack).toContain(part);
  });
});
