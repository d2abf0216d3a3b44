import type { AuthorizeResult, AuthorizeSourceData } from "@slack/bolt";
import type { Core } from "../../core/index.ts";
import { CaseError } from "../../core/errors.ts";
import { workspaceTokens } from "./workspace-tokens.ts";

/** The bot behind SLACK_BOT_TOKEN, as auth.test reported it at start-up; with OAuth alone, the vendor's workspace (SLACK_VENDOR_TEAM_ID). */
export interface OwnBot {
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

/**
 * Which token answers a request (Bolt's `authorize`, issue 13): a workspace or Grid org
 * installed through OAuth is answered with its own bot token (a Grid workspace without
 * one of its own, with its org-wide install's), refreshed first when it rotates and is
 * due (workspace-tokens.ts); any other workspace with SLACK_BOT_TOKEN, as in
 * single-workspace mode (the vendor's own workspace, and Slack Connect guests in its
 * channels). With OAuth and no SLACK_BOT_TOKEN, the vendor's own installation
 * (SLACK_VENDOR_TEAM_ID) takes SLACK_BOT_TOKEN's place. A workspace that uninstalled carebot or revoked its token is refused:
 * nothing is sent there (Bolt still runs app_uninstalled and tokens_revoked listeners
 * when authorize refuses; our receiver answers a slash command from there with what to
 * do, receiver.ts). Each answer is remembered for 15 s of the core's clock, so Bolt's
 * authorize, which runs before any listener and so before the ack, costs one database
 * read per workspace per 15 s, not per request.
 *
 * A Grid request names its workspace and org together, signed by Slack: that is noted
 * (core.slackInstallations.noteGridWorkspace), so deliveries into the workspace find
 * the org-wide install's token and a link on the org covers its users.
 * @link https://docs.slack.dev/tools/bolt-js/concepts/authorization
 */
export function workspaceAuthorize(options: { core: Core; token?: string; own: OwnBot }): (source: AuthorizeSourceData<boolean>) => Promise<AuthorizeResult> {
  const tokens = workspaceTokens(options.core);
  const configured = options.token;
  const single: AuthorizeResult = { botToken: configured, botUserId: options.own.botUserId, botId: options.own.botId, teamId: options.own.teamId };
  /**
   * OAuth without SLACK_BOT_TOKEN: the vendor's own installation (SLACK_VENDOR_TEAM_ID,
   * own.teamId) answers where SLACK_BOT_TOKEN would (a request naming no installation, a
   * Slack Connect guest in the vendor's channels). Not installed yet: refused with what to do.
   */
  const vendor = async (source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> => {
    const found = options.own.teamId ? await tokens.forWorkspace(options.own.teamId) : undefined;
    if (found?.kind !== "installed") throw new CaseError("NOT_FOUND", { message: VENDOR_NOT_INSTALLED_MESSAGE, details: { vendorNotInstalled: true } });
    return { botToken: found.token, botUserId: found.botUserId, botId: found.botId, teamId: source.teamId, enterpriseId: source.enterpriseId };
  };
  return async (source) => {
    if (source.teamId && source.enterpriseId) await tokens.noteGrid(source.teamId, source.enterpriseId);
    // The vendor's own workspace, or a request naming no installation it could belong to: as in single-workspace mode.
    const ownOrUnnamed = source.isEnterpriseInstall ? !source.enterpriseId : !source.teamId || source.teamId === options.own.teamId;
    if (configured && ownOrUnnamed) return single;
    const found = source.teamId || source.enterpriseId ? await tokens.forRequest(source) : ({ kind: "none" } as const);
    switch (found.kind) {
      case "none":
        return configured ? single : vendor(source);
      case "removed":
        throw new CaseError("NOT_FOUND", { message: REMOVED_MESSAGE, details: { removed: true } });
      case "installed":
        return { botToken: found.token, botUserId: found.botUserId, botId: found.botId, teamId: source.teamId, enterpriseId: source.enterpriseId };
    }
  };
}

/** What a user is told when the vendor has not installed carebot in its own workspace yet (OAuth without SLACK_BOT_TOKEN). */
export const VENDOR_NOT_INSTALLED_MESSAGE =
  "carebot is not installed in your vendor's own Slack workspace yet, so it cannot answer here. Your vendor's Slack admin installs it from the install page (/slack/install); meanwhile, contact your vendor's support team by email.";

/** What a user in a workspace that removed carebot is told (where Slack lets us answer without a token: a slash command). */
export const REMOVED_MESSAGE =
  "carebot was removed from this Slack workspace (uninstalled, or its access revoked), so it cannot answer here. Ask your Slack admin to add it again from your vendor's install page, or contact your vendor's support team by email meanwhile.";
