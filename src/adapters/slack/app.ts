import { App } from "@slack/bolt";
import { rateLimitsFromConfig, type Config } from "../../config.ts";
import { systemClock, type Clock } from "../../core/clock.ts";
import { CaseError } from "../../core/errors.ts";
import type { Core } from "../../core/index.ts";
import { createInteractions } from "../../interactions/index.ts";
import type { Logger } from "../../logger.ts";
import type { HttpServer } from "../http/server.ts";
import { createRateLimiter } from "../shared/rate-limit.ts";
import { registerActions } from "./actions.ts";
import { boltLogger } from "./bolt-logger.ts";
import { registerCommands } from "./commands.ts";
import { registerEvents } from "./events.ts";
import { workspaceAuthorize } from "./authorize.ts";
import { declareOwnSlackWorkspace } from "./own-workspace.ts";
import { registerUninstallEvents } from "./uninstall.ts";
import { registerUserChange } from "./user-change.ts";
import { createSlackReceiver } from "./receiver.ts";
import { registerViews } from "./views.ts";

/**
 * The Slack adapter: Bolt, behind our own receiver mounted in our HTTP server at
 * /slack/events (HTTP mode; see receiver.ts for what it checks and when it answers),
 * or over Socket Mode when SLACK_APP_TOKEN is set. Listeners only translate between
 * Slack and the core. The receiver claims one route, so OAuth's /slack/install and
 * /slack/oauth_redirect can be mounted beside it later.
 * @link https://docs.slack.dev/tools/bolt-js/concepts/acknowledge
 */
export interface SlackAdapter {
  app: InstanceType<typeof App>;
  stop(): Promise<void>;
}

export async function startSlackAdapter(options: { config: Config; core: Core; logger: Logger; http: HttpServer; clock?: Clock }): Promise<SlackAdapter> {
  const { config, core, http } = options;
  const logger = options.logger.child({ module: "adapters/slack" });
  // Undefined with OAuth alone: the vendor's own installation (SLACK_VENDOR_TEAM_ID) then takes its place (authorize.ts).
  const token = config.SLACK_BOT_TOKEN;
  // Children of the root logger, so each line names one module (a child of a child would repeat the key).
  const slackLog = boltLogger(options.logger);
  const clientOptions = { slackApiUrl: config.SLACK_API_URL };
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  // Each workspace installed through OAuth is answered with its own token; any other with SLACK_BOT_TOKEN, or the vendor's installation (authorize.ts).
  const own = await declareOwnSlackWorkspace({ token, vendorTeamId: config.SLACK_VENDOR_TEAM_ID, apiUrl: config.SLACK_API_URL, core, logger });
  const authorize = workspaceAuthorize({ core, token, own });

  let app: InstanceType<typeof App>;
  if (socketMode) {
    // NOTE: the socket client reads its Web API options from installerOptions, not clientOptions.
    app = new App({ authorize, appToken: config.SLACK_APP_TOKEN, socketMode: true, logger: slackLog, clientOptions, installerOptions: { clientOptions } });
  } else {
    const clock = options.clock ?? systemClock;
    const receiver = createSlackReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      logger: options.logger,
      limiter: createRateLimiter({ limits: rateLimitsFromConfig(config) }),
      firstSeen: (signature) => core.firstDelivery("slack", `sig:${signature}`),
      now: () => clock.now().getTime(),
      responseOrigins: config.SLACK_API_URL ? [new URL(config.SLACK_API_URL).origin] : [],
    });
    app = new App({ authorize, receiver, logger: slackLog, clientOptions });
    http.route("POST", "/slack/events", receiver.handle);
  }
  // Every interaction is defined once (src/interactions); these listeners only carry it.
  const interactions = createInteractions(core, logger);
  registerCommands(app, core, interactions);
  registerViews(app, core, interactions);
  registerActions(app, core, interactions, logger);
  registerEvents(app, core, interactions, logger);
  registerUninstallEvents(app, core, logger);
  registerUserChange(app, core, logger);
  app.error(async (error) => {
    // Over HTTP the receiver answers a failure (500 for an event, so Slack retries) and logs it with a reference.
    // A refused authorize carries our CaseError (a removed workspace, authorize.ts): its message is what the user sees.
    const refused = (error as { original?: unknown }).original;
    if (!socketMode) throw refused instanceof CaseError ? refused : error;
    logger.error({ err: error }, "slack listener failed");
  });
  if (socketMode) await app.start();
  logger.info({ mode: socketMode ? "socket" : "http", endpoint: socketMode ? undefined : "/slack/events" }, "slack adapter on");
  // Delivery (src/delivery/channels.ts) has its own Web API client, built once for the server and workers alike.
  return {
    app,
    stop: async () => {
      if (socketMode) await app.stop();
    },
  };
}
