import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventBody, interactiveBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const JSON_TYPE = "application/json";

describe("Slack: what reaches the customer, and how", () => {
  let s: SlackWorld;
  const ada = () => ({ actor: { personId: s.w.people.acmeUser.id }, source: "slack" as const });
  const eve = () => ({ actor: { personId: s.w.people.engineer.id }, source: "slack" as const });
  beforeAll(async () => {
    s = await startSlackWorld();
    // Ada has used Slack before, so her identity is linked (by her email).
    await s.t.app.core.directory.resolveChatUser({ platform: "slack", tenantId: "T1", userId: s.users.ada, email: "ada@acme.test" });
  });
  afterAll(() => s.close());

  it("a request for a response reaches the case thread, and the card is redrawn", async () => {
    const { case: c } = await s.t.app.core.cases.file(ada(), filing(s.w.accounts.acme.id, { subject: "Needs an answer" }));
    await s.t.app.core.threads.follow(ada(), { case: c.number, platform: "slack", tenantId: "T1", channelId: "C2", threadId: "1700000100.000001", audience: "CUSTOMER" });
    await s.t.app.core.cases.askCustomer(eve(), c.number, { body: "Which browser do you use?" });
    await s.t.app.worker!.runOnce();
    const asked = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "C2" && a.thread_ts === "1700000100.000001" && String(a.text).includes("needs your response"));
    expect(JSON.stringify(asked.blocks)).toContain("Which browser do you use?");
    const redrawn = await s.slack.waitFor("chat.update", (a) => a.channel === "C2" && a.ts === "1700000100.000001");
    expect(JSON.stringify(redrawn.blocks)).toContain("Pending Your Response");
  });

  it("without a thread following the case, the customer gets a DM", async () => {
    const { case: c } = await s.t.app.core.cases.file(ada(), filing(s.w.accounts.acme.id, { subject: "Filed on the portal" }));
    await s.t.app.core.cases.close(eve(), c.number, { reason: "SOLUTION_PROVIDED", note: "Fixed in 7.3." });
    await s.t.app.worker!.runOnce();
    const dm = await s.slack.waitFor("chat.postMessage", (a) => a.channel === s.users.ada && String(a.text).includes(`Case ${c.number} was closed`));
    expect(JSON.stringify(dm.blocks)).toContain("Fixed in 7.3.");
  });

  it("delivers each destination once even when the worker runs again, and honours a 429's Retry-After", async () => {
    const { case: c } = await s.t.app.core.cases.file(ada(), filing(s.w.accounts.acme.id, { subject: "Rate limited" }));
    await s.t.app.core.threads.follow(ada(), { case: c.number, platform: "slack", tenantId: "T1", channelId: "C3", threadId: "1700000200.000001", audience: "CUSTOMER" });
    await s.t.app.worker!.runOnce(); // the triage card
    await s.t.app.core.cases.comment(eve(), c.number, { body: "Looking now." });
    s.slack.failNext("chat.postMessage", 429, 2);
    const started = Date.now();
    expect(await s.t.app.worker!.runOnce()).toBe(0);
    const row = await s.t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" } });
    expect(row.status).toBe("PENDING");
    expect(row.availableAt.getTime() - started).toBeGreaterThanOrEqual(1900);
    expect(await s.t.app.worker!.runOnce()).toBe(0); // not before Retry-After
    await new Promise((r) => setTimeout(r, 2100));
    expect(await s.t.app.worker!.runOnce()).toBe(1);
    await s.t.app.worker!.runOnce();
    const posts = s.slack.of("chat.postMessage").filter((a) => a.channel === "C3" && JSON.stringify(a.blocks).includes("Looking now."));
    expect(posts).toHaveLength(1);
  });

  it("every notification is posted with Slack markup off, so customer words in its fallback text never format a push notification", async () => {
    const posts = s.slack.of("chat.postMessage");
    expect(posts.length).toBeGreaterThan(0);
    // The Web API client sends arguments as a form: false arrives as "false".
    expect(posts.filter((a) => String(a.mrkdwn) !== "false")).toEqual([]);
  });

  it("an edited reply and a shared file become comments that say so", async () => {
    const { case: c } = await s.t.app.core.cases.file(ada(), filing(s.w.accounts.acme.id, { subject: "Edits" }));
    await s.t.app.core.threads.follow(ada(), { case: c.number, platform: "slack", tenantId: "T1", channelId: "C4", threadId: "1700000300.000001", audience: "CUSTOMER" });
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "message", channel: "C4", user: s.users.ada, text: "see log", ts: "1700000300.000200", thread_ts: "1700000300.000001", subtype: "file_share", files: [{ id: "F0PLAYERLOG", name: "player.log", permalink: "https://files.example/player.log" }] }, "EvFile"), JSON_TYPE);
    await sendToSlackEndpoint(
      s.endpoint,
      eventBody({ type: "message", subtype: "message_changed", channel: "C4", ts: "1700000300.000300", message: { user: s.users.ada, text: "see the attached log", ts: "1700000300.000200", thread_ts: "1700000300.000001" } }, "EvEdit"),
      JSON_TYPE,
    );
    await expect.poll(async () => (await s.t.app.db.prisma.comment.findMany({ where: { caseId: c.id }, orderBy: { createdAt: "asc" } })).map((x) => x.body)).toEqual([
      // The file itself is fetched after the ack and attached (test/adapters/slack-files.test.ts).
      "see log\nShared a file: player.log",
      "(edited) see the attached log",
    ]);
  });

  it("the message shortcut opens the new-case form with the message and its link", async () => {
    await sendToSlackEndpoint(
      s.endpoint,
      interactiveBody({
        type: "message_action",
        callback_id: "case_from_message",
        trigger_id: "t-shortcut",
        response_url: s.slack.responseUrl(),
        team: { id: "T1", domain: "test" },
        user: { id: s.users.ada, team_id: "T1" },
        channel: { id: "C5", name: "general" },
        message: { type: "message", user: "UOTHER", ts: "1700000400.000100", text: "Playback fails for everyone since 9:00\nError 1002 on all players" },
      }),
      "application/x-www-form-urlencoded",
    );
    const opened = await s.slack.waitFor("views.open", (a) => a.trigger_id === "t-shortcut");
    const json = JSON.stringify(opened.view);
    expect(json).toContain("Playback fails for everyone since 9:00");
    expect(json).toContain("https://test.slack.example/archives/C5/p1700000400000100");
  });
});
