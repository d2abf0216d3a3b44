import { WebClient } from "@slack/web-api";
import { boltLogger } from "../adapters/slack/bolt-logger.ts";
import { createSlackDelivery } from "../adapters/slack/delivery.ts";
import { loadSlackOAuthConfig } from "../adapters/slack/oauth-config.ts";
import { workspaceTokens } from "../adapters/slack/workspace-tokens.ts";
import { createSlackFileFetcher } from "../adapters/slack/files.ts";
import { createTeamsCloudAdapter } from "../adapters/teams/app.ts";
import { createTeamsDelivery } from "../adapters/teams/delivery.ts";
import { createTeamsFileFetcher } from "../adapters/teams/file-fetcher.ts";
import { slackEnabled, slackFileHosts, teamsEnabled, type Config } from "../config.ts";
import type { Core } from "../core/index.ts";
import type { DeliveryChannel } from "../core/notify/delivery-port.ts";
import type { Logger } from "../logger.ts";
import { createEmailDelivery, type EmailReplies } from "./email.ts";
import { readEnvironment } from "../config.ts";
import { loadEmailConfig } from "../email/config.ts";

/**
 * Reply addresses for outbound email, from the email settings (src/email/config.ts, read
 * from the environment like the server's listener reads them): every process that sends
 * signs with the same EMAIL_TOKEN_KEY. Unset: emails carry no reply address.
 */
function emailReplies(): EmailReplies | undefined {
  const email = loadEmailConfig(readEnvironment(process.env));
  return email.tokenKeys && email.EMAIL_REPLY_DOMAIN ? { keys: email.tokenKeys, prefix: email.EMAIL_REPLY_PREFIX, domain: email.EMAIL_REPLY_DOMAIN, linkBase: email.EMAIL_LINK_BASE_URL } : undefined;
}

/**
 * With the Slack OAuth settings (src/adapters/slack/oauth-config.ts, read from the
 * environment as the server's install routes read them), rotating tokens of installed
 * workspaces are refreshed before they expire, in delivery-only workers too.
 */
function refreshSlackTokens(config: Config, core: Core, logger: Logger): void {
  try {
    const oauth = loadSlackOAuthConfig(readEnvironment(process.env));
    if (oauth.enabled) workspaceTokens(core).useRefresh({ clientId: oauth.SLACK_CLIENT_ID!, clientSecret: oauth.SLACK_CLIENT_SECRET!, apiUrl: config.SLACK_API_URL });
  } catch (error) {
    // Incomplete OAuth settings: the server refuses them at start-up (main.ts); delivery goes on with stored tokens.
    logger.warn({ err: error }, "slack oauth settings unreadable: rotating tokens will not be refreshed by this process");
  }
}

/**
 * The delivery channels, built from config in one place for every process that
 * delivers: the server (src/app.ts) and the delivery-only workers (src/worker-main.ts).
 * Slack gets its own Web API client that fails fast on 429 (the outbox reschedules at
 * Retry-After instead of blocking a worker); Teams its own botbuilder adapter with the
 * bot's credentials; email when SMTP_URL is set.
 */
export function deliveryChannels(config: Config, core: Core, logger: Logger): DeliveryChannel[] {
  const channels: DeliveryChannel[] = [];
  if (slackEnabled(config)) {
    const client = new WebClient(config.SLACK_BOT_TOKEN, {
      slackApiUrl: config.SLACK_API_URL,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logger: boltLogger(logger),
    });
    // Shared files first: the Slack channel then redraws the case's cards with them attached.
    channels.push(createSlackFileFetcher({ core, client, botToken: config.SLACK_BOT_TOKEN, vendorTeamId: config.SLACK_VENDOR_TEAM_ID, trustedHosts: slackFileHosts(config), logger }));
    channels.push(createSlackDelivery({ core, client, config, logger }));
    refreshSlackTokens(config, core, logger);
  }
  if (teamsEnabled(config)) {
    const adapter = createTeamsCloudAdapter(config);
    // Files sent in personal chat first: fetched and attached, so the Teams channel's cards then show them.
    channels.push(createTeamsFileFetcher({ core, adapter, botAppId: config.TEAMS_APP_ID ?? "", config, logger }));
    channels.push(createTeamsDelivery({ core, adapter, botAppId: config.TEAMS_APP_ID ?? "", config, logger }));
  }
  if (config.SMTP_URL) {
    channels.push(createEmailDelivery({ core, smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, logger, replies: emailReplies() }));
  } else {
    logger.info("email off: set SMTP_URL to email case updates to contacts and CC addresses");
  }
  return channels;
}
