import { WebClient } from "@slack/web-api";
import { createSlackDelivery } from "../adapters/slack/delivery.ts";
import { createTeamsCloudAdapter } from "../adapters/teams/app.ts";
import { createTeamsDelivery } from "../adapters/teams/delivery.ts";
import { slackEnabled, teamsEnabled, type Config } from "../config.ts";
import type { Core } from "../core/index.ts";
import type { Logger } from "../logger.ts";
import { createEmailDelivery } from "./email.ts";
import type { DeliveryChannel } from "./worker.ts";

/**
 * The delivery channels a process without the chat endpoints needs (the delivery-only
 * worker): the same Slack and Teams deliveries the server uses, built from config.
 */
export function deliveryChannels(config: Config, core: Core, logger: Logger): DeliveryChannel[] {
  const channels: DeliveryChannel[] = [];
  if (slackEnabled(config)) {
    const client = new WebClient(config.SLACK_BOT_TOKEN, { slackApiUrl: config.SLACK_API_URL, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    channels.push(createSlackDelivery({ core, client, config, logger }));
  }
  if (teamsEnabled(config)) {
    channels.push(createTeamsDelivery({ core, adapter: createTeamsCloudAdapter(config), botAppId: config.TEAMS_APP_ID ?? "", config, logger }));
  }
  return [...channels, ...emailChannel(config, core, logger)];
}

/** Email to CC addresses, when SMTP_URL is set: the same in the server and in delivery-only workers. */
export function emailChannel(config: Config, core: Core, logger: Logger): DeliveryChannel[] {
  if (!config.SMTP_URL) {
    logger.info("email off: set SMTP_URL to copy CC addresses on case updates");
    return [];
  }
  return [createEmailDelivery({ core, smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, logger })];
}
