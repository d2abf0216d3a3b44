import { startSlackOAuth } from "../../src/adapters/slack/oauth.ts";
import type { Clock } from "../../src/core/clock.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { FakeSlackOAuth } from "../fakes/slack-oauth.ts";
import { SlackTokenRecorder } from "../fakes/slack-token-recorder.ts";
import { SIGNING_SECRET } from "./slack-requests.ts";
import { startTestApp, type TestApp } from "./test-app.ts";
import { buildWorld, operator, type World } from "./world.ts";

export const VENDOR_TOKEN = "xoxb-vendor-token";
export const CUSTOMER_TOKEN = "xoxb-customer-token";
export const OAUTH_CLIENT_ID = "1111.2222";
export const OAUTH_CLIENT_SECRET = "client-secret-for-tests";

/**
 * The vendor's workspace (T1, SLACK_BOT_TOKEN's) and a customer's workspace (TCUST)
 * installed through OAuth and linked to Acme; every Web API call passes a recorder that
 * notes which token it carried. With `oauth`, the install routes are on and Slack's
 * oauth.v2.access (installs, token refreshes) is answered by a local OAuth server.
 */
export interface TwoWorkspaces {
  slack: FakeSlackApi;
  recorder: SlackTokenRecorder;
  oauth?: FakeSlackOAuth;
  t: TestApp;
  w: World;
  /** Installs a workspace (or, with orgInstall, a Grid org) with a bot token, as an OAuth install stores it. */
  install(ws: { teamId?: string; enterpriseId?: string; orgInstall?: boolean; token: string; refreshToken?: string; expiresAt?: Date }): Promise<void>;
  close(): Promise<void>;
}

export async function startTwoWorkspaces(env: Record<string, string> = {}, options: { clock?: Clock; oauth?: boolean } = {}): Promise<TwoWorkspaces> {
  const slack = new FakeSlackApi();
  await slack.start();
  const recorder = new SlackTokenRecorder(slack.apiUrl);
  await recorder.start();
  const t = await startTestApp({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: VENDOR_TOKEN, SLACK_API_URL: recorder.apiUrl, ...env }, { clock: options.clock });
  const w = await buildWorld(t.app.core);
  let oauth: FakeSlackOAuth | undefined;
  if (options.oauth) {
    oauth = new FakeSlackOAuth(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET);
    await oauth.start();
    recorder.divert.set("oauth.v2.access", oauth.apiUrl);
    startSlackOAuth({
      env: { SLACK_CLIENT_ID: OAUTH_CLIENT_ID, SLACK_CLIENT_SECRET: OAUTH_CLIENT_SECRET, SLACK_STATE_SECRET: "state-secret-of-at-least-32-characters!!", PUBLIC_BASE_URL: "https://support.vendor.example" },
      core: t.app.core,
      http: t.app.http,
      logger: t.app.logger,
      slackApiUrl: recorder.apiUrl,
    });
  }
  const install: TwoWorkspaces["install"] = async (ws) => {
    const org = Boolean(ws.orgInstall);
    const id = org ? ws.enterpriseId! : ws.teamId!;
    const expiresAt = ws.expiresAt ? Math.floor(ws.expiresAt.getTime() / 1000) : undefined;
    await t.app.core.slackInstallations.save({
      teamId: org ? undefined : ws.teamId,
      enterpriseId: ws.enterpriseId,
      orgInstall: org,
      botUserId: `UBOT${id}`,
      installerUserId: "UADMIN",
      botTokenExpiresAt: ws.expiresAt,
      secrets: JSON.stringify({
        team: org ? undefined : { id: ws.teamId },
        enterprise: ws.enterpriseId ? { id: ws.enterpriseId } : undefined,
        user: { id: "UADMIN" },
        bot: { token: ws.token, userId: `UBOT${id}`, id: `B${id}`, scopes: ["commands", "chat:write"], ...(ws.refreshToken ? { refreshToken: ws.refreshToken, expiresAt } : {}) },
        isEnterpriseInstall: org,
      }),
    });
  };
  await install({ teamId: "TCUST", token: CUSTOMER_TOKEN });
  await t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "TCUST", accountId: w.accounts.acme.id });
  return {
    slack,
    recorder,
    oauth,
    t,
    w,
    install,
    close: async () => {
      await t.close();
      await oauth?.stop();
      await recorder.stop();
      await slack.stop();
    },
  };
}
