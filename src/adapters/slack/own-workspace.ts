import { WebClient } from "@slack/web-api";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import type { OwnBot } from "./authorize.ts";
import { workspaceTokens } from "./workspace-tokens.ts";

/**
 * Which Slack workspace is the vendor's own, where users keep being matched to contacts
 * by email in any account, as before issue 13:
 * - single-workspace mode (SLACK_BOT_TOKEN): the one workspace the token belongs to, as
 *   auth.test's team id tells, asked once at start-up. Slack Connect guests from other
 *   workspaces carry their own team id and are therefore not covered: their workspace
 *   must be linked. Asked with no retries and a short timeout: start-up must not wait out
 *   web-api's thirty-minute retry policy when Slack is unreachable; then no workspace
 *   counts as the vendor's own (users are told their workspace is not linked) until a
 *   restart. SLACK_BOT_TOKEN wins over SLACK_VENDOR_TEAM_ID when both are set.
 * - OAuth alone (no SLACK_BOT_TOKEN): SLACK_VENDOR_TEAM_ID, the workspace whose OAuth
 *   installation is the vendor's (docs/slack-install.md). Nothing is asked of Slack: the
 *   installation may not exist yet, and then start-up says once what to do.
 * @link https://docs.slack.dev/reference/methods/auth.test
 */
export async function declareOwnSlackWorkspace(options: { token?: string; vendorTeamId?: string; apiUrl: string; core: Core; logger: Logger }): Promise<OwnBot> {
  if (!options.token) return declareVendorInstallation(options.vendorTeamId, options.core, options.logger);
  const client = new WebClient(options.token, { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 }, timeout: 10_000 });
  try {
    const answer = await client.auth.test();
    const teamId = answer.team_id;
    options.core.workspaces.declareOwn("slack", teamId ? [teamId] : []);
    options.logger.info({ teamId }, "slack: the bot token's workspace is the vendor's own (email matching in any account there)");
    if (options.vendorTeamId && teamId && options.vendorTeamId !== teamId) {
      options.logger.warn({ teamId, vendorTeamId: options.vendorTeamId }, "slack: SLACK_VENDOR_TEAM_ID names another workspace than SLACK_BOT_TOKEN's; SLACK_BOT_TOKEN's wins");
    }
    return { teamId, botUserId: answer.user_id, botId: answer.bot_id };
  } catch (error) {
    options.core.workspaces.declareOwn("slack", []);
    options.logger.error({ err: error }, "slack: auth.test failed, so the bot token's workspace is unknown; its users are matched by email only where their workspace is linked to an account, until a restart");
    return {};
  }
}

async function declareVendorInstallation(teamId: string | undefined, core: Core, logger: Logger): Promise<OwnBot> {
  core.workspaces.declareOwn("slack", teamId ? [teamId] : []);
  if (!teamId) return {};
  const found = await workspaceTokens(core).forWorkspace(teamId).catch(() => undefined);
  if (found?.kind === "installed") {
    logger.info({ teamId }, "slack: the vendor's own workspace (SLACK_VENDOR_TEAM_ID) is installed; its installation's token posts to the triage, on-call and management channels");
    return { teamId, botUserId: found.botUserId, botId: found.botId };
  }
  logger.warn({ teamId }, VENDOR_NOT_INSTALLED_LOG);
  return { teamId };
}

/** What the operator is told (once at start-up, once by delivery) while the vendor's own installation is missing. */
export const VENDOR_NOT_INSTALLED_LOG =
  "slack: carebot is not installed in the vendor's own workspace (SLACK_VENDOR_TEAM_ID) yet: install carebot into your own workspace at /slack/install (on PUBLIC_BASE_URL); until then notifications for the triage, on-call, management and partner channels wait and are sent after the install";
