import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from "botbuilder";
import { AuthenticationConstants, type AuthenticateRequestResult } from "botframework-connector";
import { rateLimitsFromConfig, type Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { HttpRefusal, readBody, sendJson, type HttpServer } from "../http/server.ts";
import { createRateLimiter } from "../shared/rate-limit.ts";
import { activitySchema, unstorablePath } from "./activity.ts";
import { CareBot } from "./bot.ts";
import { tenantsDisagree } from "./identity.ts";
import { fileHostPolicy } from "./file-download.ts";
import { claimMatches, serviceUrlPolicy, serviceUrlProblem } from "./service-url.ts";
import { TurnRefused } from "./turn-limits.ts";

/**
 * The Teams adapter: botbuilder's CloudAdapter behind our own /api/messages route.
 * The route, in order, before botbuilder connects anywhere or anything is stored:
 * local mode (no credentials) takes loopback traffic only, since botbuilder then accepts
 * any token; the activity is parsed (400 naming the field); its serviceUrl must be a
 * host the bot may send to (400, service-url.ts); the token is validated (401) and,
 * with credentials, must vouch for that serviceUrl (401). Only then does the turn run.
 * Failures are answered without an exception's text; a turn that failed unexpectedly is
 * a 500, so Teams delivers the activity again rather than taking a 200 for stored.
 * botbuilder stays inside this folder: its successor (Microsoft 365 Agents SDK) mirrors the API.
 * @link https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
 */
export interface TeamsAdapter {
  /** No TEAMS_APP_ID: tokens are not checked, and only loopback traffic is taken (the Emulator, the Agents Playground). */
  local: boolean;
}

const MAX_BODY = 256 * 1024;

/**
 * CloudAdapter with its two steps reachable apart, so our route checks the validated
 * identity before the turn (processActivity takes either an auth header or the result of
 * authenticateRequest: botbuilder-core cloudAdapterBase.js processActivity), and writes
 * every response itself.
 */
class RouteAdapter extends CloudAdapter {
  authenticate(activity: Activity, authorization: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
  }

  handle(authenticated: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authenticated, activity, logic);
  }
}

/** The activity as JSON, through the server's own body reader (413 past the limit, a client gone mid-body). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, MAX_BODY);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpRefusal(400, "The request body must be a JSON activity.");
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body !== undefined) return sendJson(res, status, body, headers);
  res.writeHead(status, headers);
  res.end();
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
  const serviceUrls = serviceUrlPolicy(config);
  const limiter = createRateLimiter({ limits: rateLimitsFromConfig(config) });
  const bot = new CareBot({ core, logger, limiter, serviceUrls, fileHosts: fileHostPolicy(config) });
  // NOTE: no adapter.onTurnError. botbuilder's runMiddleware (botAdapter.js) hands a turn's
  // error to onTurnError when one is set, and the turn then ends as a success: a message whose
  // comment was never written would be answered 200, and Teams would not deliver it again.
  // Without one the error reaches the route, which answers 500 (or the TurnRefused status).

  options.http.route("POST", "/api/messages", async (req, res) => {
    if (local && !isLoopback(req)) return send(res, 401, { error: "Teams local mode accepts only loopback traffic." });
    // A body that is not JSON, too large, or cut off is refused by the server's route handling (400, 413).
    const body = await readJson(req);
    const parsed = activitySchema.safeParse(body);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join(".") || "activity";
      return send(res, 400, { error: `Malformed activity: ${field} is missing or invalid.` });
    }
    const unstorable = unstorablePath(body);
    if (unstorable) return send(res, 400, { error: `Malformed activity: ${unstorable} holds characters that cannot be stored.` });
    const activity = parsed.data as unknown as Activity;
    if (tenantsDisagree(activity)) return send(res, 400, { error: "Malformed activity: conversation.tenantId and channelData.tenant.id name different tenants." });
    const problem = serviceUrlProblem(serviceUrls, activity.serviceUrl);
    if (problem) {
      logger.warn({ problem, channelId: activity.channelId }, "teams activity refused: serviceUrl not allowed");
      return send(res, 400, { error: `Refused: ${problem}` });
    }
    let authenticated: AuthenticateRequestResult;
    try {
      authenticated = await adapter.authenticate(activity, String(req.headers.authorization ?? ""));
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      logger.warn({ err: error }, "teams request refused: authentication failed");
      return send(res, 401, { error: "Unauthorized." });
    }
    // In local mode the identity is anonymous (authentication is off), and loopback is the guarantee instead.
    if (!local && !claimMatches(authenticated.claimsIdentity, activity.serviceUrl)) {
      logger.warn({ channelId: activity.channelId }, "teams request refused: the token does not vouch for the activity's serviceUrl");
      return send(res, 401, { error: "Unauthorized." });
    }
    try {
      const invokeResponse = await adapter.handle(authenticated, activity, (context) => bot.run(context));
      send(res, invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      if (error instanceof TurnRefused) {
        return send(res, error.status, { error: error.message }, error.retryAfterSeconds ? { "retry-after": String(error.retryAfterSeconds) } : {});
      }
      const reference = randomUUID().slice(0, 8);
      logger.error({ err: error, reference, type: activity.type }, "teams turn failed: answered 500 so that Teams delivers it again");
      send(res, 500, { error: "Something went wrong on our side.", reference });
    }
  });
  logger.info({ endpoint: "/api/messages", local }, "teams adapter on");
  // Delivery (src/delivery/channels.ts) builds its own botbuilder adapter, the same for the server and workers.
  return { local };
}
