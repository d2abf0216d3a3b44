import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstallationStore } from "../../src/adapters/slack/installation-store.ts";
import { refusal } from "../support/refusal.ts";
import { eventBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

/**
 * Issue 13, step 4 (first part): a customer's workspace removes carebot or revokes its
 * bot token; the signed event reaches /slack/events and the installation is marked
 * removed, so its token is never fetched again.
 */
const JSON_TYPE = "application/json";

describe("a workspace uninstalls carebot", () => {
  let s: SlackWorld;
  const install = (teamId: string) =>
    s.t.app.core.slackInstallations.save({ teamId, botUserId: `UBOT-${teamId}`, botScopes: ["commands"], installerUserId: "UADMIN", secrets: JSON.stringify({ team: { id: teamId }, bot: { token: `xoxb-${teamId}` }, user: { id: "UADMIN" } }) });
  const fetchToken = (teamId: string) => createInstallationStore(s.t.app.core).fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });

  beforeAll(async () => {
    s = await startSlackWorld();
    await install("T-GONE");
    await install("T-REVOKED");
    await install("T-USER-ONLY");
  });
  afterAll(() => s?.close());

  it("app_uninstalled marks the workspace's installation removed: its token is not fetched again", async () => {
    const res = await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_uninstalled", event_ts: "1700000001.1" }, "EvUninstall", "T-GONE"), JSON_TYPE);
    expect(res.status).toBe(200);
    await expect.poll(async () => (await s.t.app.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T-GONE" } })).removedAt).not.toBeNull();
    expect((await refusal(fetchToken("T-GONE"))).code).toBe("NOT_FOUND");
    const audit = await s.t.app.db.prisma.auditEntry.findFirst({ where: { action: "slack.removed" } });
    expect(audit?.changes).toMatchObject({ installKey: "T:T-GONE", reason: "uninstalled" });
  });

  it("tokens_revoked for the bot removes the installation; revoked user tokens alone do not", async () => {
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "tokens_revoked", tokens: { oauth: ["UADMIN"] }, event_ts: "1700000002.1" }, "EvRevokeUser", "T-USER-ONLY"), JSON_TYPE);
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "tokens_revoked", tokens: { bot: ["UBOT-T-REVOKED"] }, event_ts: "1700000003.1" }, "EvRevokeBot", "T-REVOKED"), JSON_TYPE);
    await expect.poll(async () => (await s.t.app.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T-REVOKED" } })).removedAt).not.toBeNull();
    expect((await fetchToken("T-USER-ONLY")).bot).toEqual({ token: "xoxb-T-USER-ONLY" });
    expect(await s.t.app.db.prisma.auditEntry.count({ where: { action: "slack.removed" } })).toBe(2);
  });

  it("installing again after removal brings the workspace back", async () => {
    await install("T-GONE");
    expect((await fetchToken("T-GONE")).bot).toEqual({ token: "xoxb-T-GONE" });
  });
});
