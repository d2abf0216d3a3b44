import type { IncomingMessage, ServerResponse } from "node:http";
import { InstallProvider, type InstallURLOptions } from "@slack/oauth";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import type { HttpServer } from "../http/server.ts";
import { boltLogger } from "./bolt-logger.ts";
import { createInstallationStore } from "./installation-store.ts";
import { loadSlackOAuthConfig } from "./oauth-config.ts";
import { workspaceTokens } from "./workspace-tokens.ts";

/**
 * Installing carebot into any Slack workspace (OAuth v2, issue 13) with Bolt's own
 * InstallProvider: GET /slack/install answers an "Add to Slack" page and sets a signed
 * state cookie; Slack sends the approving admin to GET /slack/oauth_redirect, where the
 * state is checked against the cookie, the code exchanged at oauth.v2.access and the
 * installation stored sealed (src/adapters/slack/installation-store.ts). A refused or
 * failed install answers 400 with a page saying what to do, never a 5xx, and the log
 * names the error code only (the code and tokens are secrets).
 * @link https://docs.slack.dev/authentication/installing-with-oauth
 * @link https://docs.slack.dev/tools/node-slack-sdk/oauth
 */
export interface SlackOAuth {
  installer: InstallProvider;
  installUrlOptions: InstallURLOptions;
}

export function startSlackOAuth(options: { env: NodeJS.ProcessEnv; core: Core; http: HttpServer; logger: Logger; slackApiUrl: string }): SlackOAuth | undefined {
  const config = loadSlackOAuthConfig(options.env);
  if (!config.enabled) return undefined;
  const logger = options.logger.child({ module: "adapters/slack/oauth" });
  const vendorTeamId = options.env.SLACK_VENDOR_TEAM_ID;
  const installUrlOptions: InstallURLOptions = { scopes: config.scopes, redirectUri: config.redirectUri };
  const installer = new InstallProvider({
    clientId: config.SLACK_CLIENT_ID!,
    clientSecret: config.SLACK_CLIENT_SECRET!,
    stateSecret: config.SLACK_STATE_SECRET!,
    installationStore: createInstallationStore(options.core),
    installUrlOptions,
    authorizationUrl: config.SLACK_OAUTH_AUTHORIZE_URL,
    clientOptions: { slackApiUrl: options.slackApiUrl },
    logger: boltLogger(options.logger),
    renderHtmlForInstallPath: installPage,
  });
  // The same client credentials refresh rotating tokens (Slack's token rotation), for requests and delivery alike.
  workspaceTokens(options.core).useRefresh({ clientId: config.SLACK_CLIENT_ID!, clientSecret: config.SLACK_CLIENT_SECRET!, apiUrl: options.slackApiUrl });
  options.http.route("GET", "/slack/install", (req, res) => installer.handleInstallPath(req, res, undefined, installUrlOptions));
  options.http.route("GET", "/slack/oauth_redirect", (req, res) =>
    installer.handleCallback(req, res, {
      success: (installation, _options, _req, response) => {
        const where = installation.team?.name ?? installation.enterprise?.name ?? "your workspace";
        // The vendor's own workspace (SLACK_VENDOR_TEAM_ID, OAuth without SLACK_BOT_TOKEN) needs no link: it posts to the vendor's channels from now on.
        const vendors = Boolean(vendorTeamId && installation.team?.id === vendorTeamId);
        logger.info({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, orgInstall: Boolean(installation.isEnterpriseInstall), vendors }, vendors ? "slack: installed in the vendor's own workspace (SLACK_VENDOR_TEAM_ID): notifications waiting for it go out now" : "slack: installed");
        const next = vendors
          ? "It is your own workspace (SLACK_VENDOR_TEAM_ID): carebot posts to your triage, on-call and management channels from now on, and notifications that waited for this install go out within a minute."
          : "Your vendor's support team links the workspace to your customer account; until then, carebot tells your colleagues it is not linked yet.";
        page(response, 200, "carebot is installed", `carebot is now installed in ${where}. ${next} You can close this page.`);
      },
      failure: (error, _options, _req: IncomingMessage, response: ServerResponse) => {
        logger.warn({ code: error.code }, "slack: an install was refused or failed");
        page(response, 400, "carebot was not installed", "The installation could not be completed (it may have expired or been started elsewhere). Start again from the install page.");
      },
    }, installUrlOptions),
  );
  logger.info({ install: new URL("/slack/install", config.PUBLIC_BASE_URL).toString(), redirect: config.redirectUri }, "slack oauth on");
  return { installer, installUrlOptions };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`);
}

/** The "Add to Slack" page: one link to Slack's approval screen (the URL carries the signed state). */
function installPage(url: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Add carebot to Slack</title></head><body><h1>Add carebot to Slack</h1><p>carebot files and follows support cases from Slack. A workspace admin approves the install; your vendor then links the workspace to your customer account.</p><p><a id="add-to-slack" href="${escapeHtml(url)}">Add to Slack</a></p></body></html>`;
}
