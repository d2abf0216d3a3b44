import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { FakeSlackSocket } from "../fakes/slack-socket.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, type World } from "../support/world.ts";

describe("Slack over Socket Mode (SLACK_APP_TOKEN set)", () => {
  let slack: FakeSlackApi;
  let socket: FakeSlackSocket;
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    slack = new FakeSlackApi();
    socket = new FakeSlackSocket();
    await slack.start();
    await socket.start();
    slack.socketUrl = socket.url;
    slack.emails.set("UADA", "ada@acme.test");
    t = await startTestApp({ SLACK_SIGNING_SECRET: "unused-in-socket-mode-123", SLACK_BOT_TOKEN: "xoxb-test", SLACK_APP_TOKEN: "xapp-test", SLACK_API_URL: slack.apiUrl });
    w = await buildWorld(t.app.core);
    await socket.connected;
  });
  afterAll(async () => {
    await t.close();
    await socket.stop();
    await slack.stop();
  });

  it("takes the same /case command and thread replies, acking each envelope", async () => {
    expect(slack.of("apps.connections.open")).toHaveLength(1);
    socket.send({
      envelope_id: "env-1",
      type: "slash_commands",
      accepts_response_payload: true,
      payload: { team_id: "T1", channel_id: "C1", user_id: "UADA", command: "/case", text: "list", response_url: slack.responseUrl("socket"), trigger_id: "t-s" },
    });
    expect((await socket.ackOf("env-1")).envelope_id).toBe("env-1");
    const answer = await slack.waitFor("respond", (a) => JSON.stringify(a).includes("My Open Cases"));
    expect(answer.response_type).toBe("ephemeral");

    const ada: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "slack" };
    const { case: c } = await t.app.core.cases.file(ada, filing(w.accounts.acme.id));
    await t.app.core.threads.follow(ada, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: "1700000000.000001", audience: "CUSTOMER" });
    socket.send({
      envelope_id: "env-2",
      type: "events_api",
      payload: { team_id: "T1", api_app_id: "A1", type: "event_callback", event_id: "EvSock1", event_time: 1, event: { type: "message", channel: "C1", user: "UADA", text: "over the socket", ts: "1700000000.000500", thread_ts: "1700000000.000001" } },
    });
    await socket.ackOf("env-2");
    await expect.poll(() => t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "over the socket" } })).toBe(1);
  });
});
