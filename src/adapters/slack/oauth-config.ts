import { z } from "zod";
import { CaseError } from "../../core/errors.ts";

/**
 * Slack OAuth v2 (issue 13): installing carebot into customers' workspaces through
 * Bolt's own InstallProvider, by Bolt's usual names. Parsed once from the environment like
 * src/config.ts and kept beside the code that reads it; docs/configuration.md lists it
 * (scripts/docs-config.ts). With none of these set, Slack runs in single-workspace mode
 * (SLACK_BOT_TOKEN). See docs/slack-install.md.
 */
export const slackOAuthEnvSchema = z.object({
  /** Slack OAuth: the app's client id (Basic Information in the app's settings); with SLACK_CLIENT_SECRET and SLACK_STATE_SECRET it turns on /slack/install and /slack/oauth_redirect. */
  SLACK_CLIENT_ID: z.string().optional(),
  /** Slack OAuth: the app's client secret. */
  SLACK_CLIENT_SECRET: z.string().optional(),
  /** Slack OAuth: a random secret (at least 32 characters) that signs the state of each install, so a redirect that did not start at our install page is refused. */
  SLACK_STATE_SECRET: z.string().optional(),
  /** The public address of this server (https://support.example.com): the install page, the OAuth redirect and links the bot sends are built on it. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Bot scopes asked for at install, comma-separated (default: the manifest's, manifest/slack/manifest.json). */
  SLACK_OAUTH_SCOPES: z.string().default("commands,chat:write,users:read,users:read.email,channels:history,groups:history,im:history,mpim:history,app_mentions:read,files:read"),
  /** Where browsers are sent to approve an install (Slack's; tests point it at a local page). */
  SLACK_OAUTH_AUTHORIZE_URL: z.string().url().default("https://slack.com/oauth/v2/authorize"),
});

export type SlackOAuthConfig = Readonly<z.infer<typeof slackOAuthEnvSchema>> & { readonly enabled: boolean; readonly redirectUri?: string; readonly scopes: string[] };

/** The OAuth settings, or a CONFIG error naming the variable (never its value). Incomplete settings are refused rather than half-used. */
export function loadSlackOAuthConfig(env: NodeJS.ProcessEnv): SlackOAuthConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = slackOAuthEnvSchema.safeParse(set);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CaseError("CONFIG", { message: `Environment variable ${issue.path.join(".")} is invalid: ${issue.message}`, field: String(issue.path[0]) });
  }
  const c = result.data;
  const scopes = c.SLACK_OAUTH_SCOPES.split(",").map((s) => s.trim()).filter(Boolean);
  const enabled = Boolean(c.SLACK_CLIENT_ID || c.SLACK_CLIENT_SECRET || c.SLACK_STATE_SECRET);
  if (!enabled) return Object.freeze({ ...c, enabled, scopes });
  for (const name of ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "PUBLIC_BASE_URL"] as const) {
    if (!c[name]) throw new CaseError("CONFIG", { field: name, message: `Slack OAuth is configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET): ${name} must be set too.` });
  }
  if (c.SLACK_STATE_SECRET!.length < 32) {
    throw new CaseError("CONFIG", { field: "SLACK_STATE_SECRET", message: "SLACK_STATE_SECRET must be at least 32 random characters (openssl rand -base64 32)." });
  }
  const redirectUri = new URL("/slack/oauth_redirect", c.PUBLIC_BASE_URL).toString();
  return Object.freeze({ ...c, enabled, scopes, redirectUri });
}
