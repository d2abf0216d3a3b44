import type { Ctx } from "../../src/core/index.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { SIGNING_SECRET } from "../support/slack-requests.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, type World } from "../support/world.ts";

/** The server with Slack on, a local Slack API, and a customer world with Slack users. */
export interface SlackWorld {
  t: TestApp;
  slack: FakeSlackApi;
  w: World;
  endpoint: string;
  /** Slack users: Ada (customer, matched by email), Eve (engineer, linked explicitly), a stranger. */
  users: { ada: string; eve: string; stranger: string };
  close(): Promise<void>;
}

export async function startSlackWorld(extraEnv: Record<string, string> = {}): Promise<SlackWorld> {
  const slack = new FakeSlackApi();
  await slack.start();
  const t = await startTestApp({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_API_URL: slack.apiUrl,
    SLACK_TRIAGE_CHANNEL: "CTRIAGE",
    SLACK_ONCALL_CHANNEL: "CONCALL",
    SLACK_MANAGEMENT_CHANNEL: "CMGMT",
    ...extraEnv,
  });
  const w = await buildWorld(t.app.core);
  const operator: Ctx = { actor: { operator: true }, source: "cli" };
  slack.emails.set("UADA", "ada@acme.test");
  slack.emails.set("USTRANGER", "stranger@nowhere.test");
  await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "slack", tenantId: "T1", userId: "UEVE" });
  return {
    t,
    slack,
    w,
    endpoint: t.url("/slack/events"),
    users: { ada: "UADA", eve: "UEVE", stranger: "USTRANGER" },
    close: async () => {
      await t.close();
      await slack.stop();
    },
  };
}
