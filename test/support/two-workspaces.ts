import { FakeSlackApi } from "../fakes/slack-api.ts";
import { SlackTokenRecorder } from "../fakes/slack-token-recorder.ts";
import { SIGNING_SECRET } from "./slack-requests.ts";
import { startTestApp, type TestApp } from "./test-app.ts";
import { buildWorld, operator, type World } from "./world.ts";

export const VENDOR_TOKEN = "xoxb-vendor-token";
export const CUSTOMER_TOKEN = "xoxb-customer-token";

/**
 * The vendor's workspace (T1, SLACK_BOT_TOKEN's) and a customer's workspace (TCUST)
 * installed through OAuth and linked to Acme; every Web API call passes a recorder that
 * notes which token it carried.
 */
export interface TwoWorkspaces {
  slack: FakeSlackApi;
  recorder: SlackTokenRecorder;
  t: TestApp;
  w: World;
  close(): Promise<void>;
}

export async function startTwoWorkspaces(env: Record<string, string> = {}): Promise<TwoWorkspaces> {
  const slack = new FakeSlackApi();
  await slack.start();
  const recorder = new SlackTokenRecorder(slack.apiUrl);
  await recorder.start();
  const t = await startTestApp({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: VENDOR_TOKEN, SLACK_API_URL: recorder.apiUrl, ...env });
  const w = await buildWorld(t.app.core);
  await t.app.core.slackInstallations.save({
    teamId: "TCUST",
    botUserId: "UBOTCUST",
    installerUserId: "UADMIN",
    secrets: JSON.stringify({ team: { id: "TCUST" }, user: { id: "UADMIN" }, bot: { token: CUSTOMER_TOKEN, userId: "UBOTCUST", id: "BCUST", scopes: ["commands", "chat:write"] }, isEnterpriseInstall: false }),
  });
  await t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "TCUST", accountId: w.accounts.acme.id });
  return {
    slack,
    recorder,
    t,
    w,
    close: async () => {
      await t.close();
      await recorder.stop();
      await slack.stop();
    },
  };
}
