import { WebClient } from "@slack/web-api";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import type { OwnBot } from "./authorize.ts";

/**
 * Single-workspace mode (SLACK_BOT_TOKEN, no OAuth): the one workspace the token belongs
 * to is the vendor's own, so its users keep being matched to contacts by email in any
 * account, as before issue 13. The core learns which workspace that is from auth.test's
 * team id, asked once at start-up. Slack Connect guests from other workspaces carry
 * their own team id and are therefore not covered: their workspace must be linked.
 * Asked with no retries and a short timeout: start-up must not wait out web-api's
 * thirty-minute retry policy when Slack is unreachable; then no workspace counts as
 * the vendor's own (users are told their workspace is not linked) until a restart.
 * @link https://docs.slack.dev/reference/methods/auth.test
 */
export async function declareOwnSlackWorkspace(options: { token: string; apiUrl: string; core: Core; logger: Logger }): Promise<OwnBot> {
  const client = new WebClient(options.token, { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 }, timeout: 10_000 });
  try {
    const answer = await client.auth.test();
    const teamId = answer.team_id;
    options.core.workspaces.declareOwn("slack", teamId ? [teamId] : []);
    options.logger.info({ teamId }, "slack: the bot token's workspace is the vendor's own (email matching in any account there)");
    return { teamId, botUserId: answer.user_id, botId: answer.bot_id };
  } catch (error) {
    options.core.workspaces.declareOwn("slack", []);
    options.logger.error({ err: error }, "slack: auth.test failed, so the bot token's workspace is unknown; its users are matched by email only where their workspace is linked to an account, until a restart");
    return {};
  }
}
