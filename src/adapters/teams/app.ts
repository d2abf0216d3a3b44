import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from "botbuilder";
import { AuthenticationConstants } from "botframework-connector";
import { z } from "zod";
import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import type { DeliveryChannel } from "../../delivery/worker.ts";
import type { Logger } from "../../logger.ts";
import type { HttpServer } from "../http/server.ts";
import { CareBot } from "./bot.ts";
import { createTeamsDelivery } from "./delivery.ts";

/**
 * The Teams adapter: botbuilder's CloudAdapter behind our own /api/messages route.
 * The route parses and checks the activity (400 for a malformed one, before anything
 * runs), enforces local mode (no credentials: loopback only, since botbuilder then
 * accepts any token), and answers failures without an exception's text. botbuilder
 * stays inside this folder: its successor (Microsoft 365 Agents SDK) mirrors the API.
 * @link https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
 */
export interface TeamsAdapter {
  delivery: DeliveryChannel;
}

/** The least an activity must carry for us to act on it. @link https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md */
const activitySchema = z
  .object({
    type: z.string().min(1),
    id: z.string().optional(),
    channelId: z.string().min(1),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    from: z.object({ id: z.string().min(1) }).loose(),
    conversation: z.object({ id: z.string().min(1) }).loose(),
    recipient: z.object({ id: z.string().min(1) }).loose().optional(),
  })
  .loose();

const MAX_BODY = 256 * 1024;

/** CloudAdapter with its activity processing reachable, so our route writes every response itself. */
class RouteAdapter extends CloudAdapter {
  handle(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authorization, activity, logic);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(text);
}

/** botbuilder refuses with AuthenticationError (401); a bad signature surfaces as jsonwebtoken's own error. */
function isAuthFailure(error: unknown): boolean {
  const e = error as { name?: string; statusCode?: number };
  return e.statusCode === 401 || ["AuthenticationError", "JsonWebTokenError", "TokenExpiredError", "NotBeforeError"].includes(e.name ?? "");
}

function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/** botbuilder's adapter with our credentials: shared by the route and by delivery-only processes. */
export function createTeamsCloudAdapter(config: Config): RouteAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.TEAMS_APP_ID ?? "",
    MicrosoftAppPassword: config.TEAMS_APP_PASSWORD ?? "",
    MicrosoftAppType: config.TEAMS_APP_TYPE,
    MicrosoftAppTenantId: config.TEAMS_APP_TENANT_ID ?? "",
    // NOTE: naming any one endpoint makes botbuilder build a fully parameterized
    // configuration, so the others must be given too: the public cloud's, from its constants.
    ...(config.TEAMS_OPENID_METADATA_URL
      ? {
          ToBotFromChannelOpenIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ValidateAuthority: true,
          CallerId: CallerIdConstants.PublicAzureChannel,
        }
      : {}),
  });
  return new RouteAdapter(auth);
}

export function startTeamsAdapter(options: { config: Config; core: Core; logger: Logger; http: HttpServer }): TeamsAdapter {
  const { config, core } = options;
  const logger = options.logger.child({ module: "adapters/teams" });
  const local = !config.TEAMS_APP_ID;
  if (local) {
    logger.warn(
      "TEAMS LOCAL MODE: no TEAMS_APP_ID, so Bot Framework tokens are NOT checked. Only loopback traffic (the Bot Framework Emulator or Agents Playground on this machine) is accepted. Never expose this to a network.",
    );
  }
  const adapter = createTeamsCloudAdapter(config);
  const bot = new CareBot(core, logger);

  // A failure inside a turn: the user gets a way forward and a reference, the log gets the cause.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const reference = randomUUID().slice(0, 8);
    logger.error({ err: error, reference }, "teams turn failed");
    if (context.activity.type === "message") {
      await context.sendActivity(`Something went wrong on our side. Please try again, or type "help". If it keeps happening, contact support with reference ${reference}.`);
    }
  };

  options.http.route("POST", "/api/messages", async (req, res) => {
    if (local && !isLoopback(req)) return send(res, 401, { error: "Teams local mode accepts only loopback traffic." });
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      logger.warn({ err: error }, "unreadable Teams activity");
      return send(res, 400, { error: "The request body must be a JSON activity." });
    }
    const parsed = activitySchema.safeParse(body);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join(".") || "activity";
      return send(res, 400, { error: `Malformed activity: ${field} is missing or invalid.` });
    }
    const authorization = String(req.headers.authorization ?? "");
    try {
      const invokeResponse = await adapter.handle(authorization, parsed.data as unknown as Activity, (context) => bot.run(context));
      send(res, invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      if (isAuthFailure(error)) {
        logger.warn({ err: error }, "teams request refused: authentication failed");
        return send(res, 401, { error: "Unauthorized." });
      }
      const reference = randomUUID().slice(0, 8);
      logger.error({ err: error, reference }, "teams request failed");
      send(res, 500, { error: "Something went wrong on our side.", reference });
    }
  });
  logger.info({ endpoint: "/api/messages", local }, "teams adapter on");
  return { delivery: createTeamsDelivery({ core, adapter, botAppId: config.TEAMS_APP_ID ?? "", config, logger }) };
}
