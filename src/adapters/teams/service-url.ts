import type { Config } from "../../config.ts";

/**
 * Where the bot may send what it posts. An activity's serviceUrl names the Bot
 * Connector endpoint the bot answers to, and the bot sends its own access token there;
 * taken on trust, it lets whoever can post an activity point the bot (and its token) at
 * any host, including the cloud metadata address, and have that host remembered for
 * later notifications. So a serviceUrl is accepted only when its host is on this list,
 * and (with credentials) only when the validated token names the same URL.
 */

/**
 * The Bot Connector hosts Microsoft's Teams channels send from. Regional endpoints of the
 * public cloud are paths on smba.trafficmanager.net (/amer/, /emea/, /apac/, /in/, /teams/).
 * @link https://microsoft.github.io/teams-sdk/typescript/essentials/app-configuration/service-url-validation (the Teams SDK's own allow-list, per cloud)
 * @link https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#base-uri
 * @link https://microsoft.github.io/Agents-for-js/variables/_microsoft_agents-hosting.TeamsServiceEndpoints.html
 */
export const BOT_FRAMEWORK_SERVICE_HOSTS: readonly string[] = [
  "smba.trafficmanager.net", // public cloud, every region
  "smba.onyx.prod.teams.trafficmanager.net", // public cloud
  "smba.infra.gcc.teams.microsoft.com", // US Government Community Cloud (GCC)
  "smba.infra.gov.teams.microsoft.us", // GCC High
  "smba.infra.dod.teams.microsoft.us", // US Department of Defense
  "frontend.botapi.msg.infra.teams.microsoftonline.cn", // Teams operated by 21Vianet (China)
];

/** URL.hostname spells IPv6 in brackets. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

export interface ServiceUrlPolicy {
  /** Local mode (no app id): tokens are not checked, so only this machine's connector is trusted. */
  readonly local: boolean;
  /** Hosts added by TEAMS_SERVICE_URL_HOSTS (sovereign clouds without a preset, a test connector). */
  readonly extraHosts: ReadonlySet<string>;
}

export function serviceUrlPolicy(config: Pick<Config, "TEAMS_APP_ID" | "TEAMS_SERVICE_URL_HOSTS">): ServiceUrlPolicy {
  const extra = (config.TEAMS_SERVICE_URL_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
    // "::1" as written by a person is "[::1]" to URL.hostname.
    .map((h) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h));
  return { local: !config.TEAMS_APP_ID, extraHosts: new Set(extra) };
}

/**
 * Why the bot must not send to this serviceUrl, or undefined when it may. The reason
 * names the rule, never the URL (it is the sender's text).
 */
export function serviceUrlProblem(policy: ServiceUrlPolicy, serviceUrl: unknown): string | undefined {
  if (typeof serviceUrl !== "string") return "serviceUrl is missing.";
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return "serviceUrl is not a URL.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "serviceUrl must be an http(s) URL.";
  if (url.username || url.password) return "serviceUrl must not carry credentials.";
  const host = url.hostname.toLowerCase();
  if (policy.local) {
    return LOOPBACK_HOSTS.has(host) ? undefined : "Teams local mode sends only to a serviceUrl on this machine (127.0.0.1, ::1 or localhost).";
  }
  if (BOT_FRAMEWORK_SERVICE_HOSTS.includes(host)) return url.protocol === "https:" ? undefined : "serviceUrl must use https.";
  if (policy.extraHosts.has(host)) return undefined;
  return "serviceUrl is not a Bot Framework service host this bot sends to (see TEAMS_SERVICE_URL_HOSTS).";
}

/** A validated token's claims, as botframework-connector's ClaimsIdentity exposes them. */
export interface Claims {
  getClaimValue(claimType: string): string | null;
}

/** The claim the Bot Connector signs the activity's serviceUrl into (AuthenticationConstants.ServiceUrlClaim). */
export const SERVICE_URL_CLAIM = "serviceurl";

/**
 * Whether the token vouches for this serviceUrl. botframework-connector compares the
 * claim for channel tokens only (ParameterizedBotFrameworkAuthentication
 * governmentChannelValidation_ValidateIdentity: `serviceUrlClaim !== serviceUrl`);
 * emulator and skill tokens carry no such claim and pass it unchecked. We require it of
 * every token, with the same exact comparison.
 */
export function claimMatches(claims: Claims | undefined, serviceUrl: string): boolean {
  const claim = claims?.getClaimValue(SERVICE_URL_CLAIM);
  return typeof claim === "string" && claim === serviceUrl;
}

/**
 * The activity's serviceUrl when the bot may keep it for later sends: a host it may send
 * to and, with credentials, the one the validated token names (the identity CloudAdapter
 * put in turnState under BotIdentityKey). The route checked both before the turn ran;
 * whatever records a serviceUrl checks again where it writes, so no other path can
 * redirect what is sent to a tenant. Undefined when it may not.
 */
export function vouchedServiceUrl(policy: ServiceUrlPolicy, activity: { serviceUrl?: unknown }, claims: Claims | undefined): string | undefined {
  const serviceUrl = activity.serviceUrl;
  if (serviceUrlProblem(policy, serviceUrl) || typeof serviceUrl !== "string") return undefined;
  if (!policy.local && !claimMatches(claims, serviceUrl)) return undefined;
  return serviceUrl;
}
