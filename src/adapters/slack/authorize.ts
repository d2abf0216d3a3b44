import type { AuthorizeResult, AuthorizeSourceData } from "@slack/bolt";
import type { Core } from "../../core/index.ts";
import { CaseError } from "../../core/errors.ts";
import { createInstallationStore } from "./installation-store.ts";

/** The bot behind SLACK_BOT_TOKEN, as auth.test reported it at start-up. */
export interface OwnBot {
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

/**
 * Which token answers a request (Bolt's `authorize`, issue 13): a workspace or Grid org
 * installed through OAuth is answered with its own bot token, fetched from the sealed
 * installation; any other workspace with SLACK_BOT_TOKEN, as in single-workspace mode
 * (the vendor's own workspace, and Slack Connect guests in its channels). A workspace
 * that uninstalled carebot or revoked its token is refused: nothing is sent there.
 * Bolt still runs app_uninstalled and tokens_revoked listeners when authorize refuses.
 * Not yet: refreshing a rotating token here (InstallProvider.authorize does that).
 *
 * Bolt authorizes before any listener runs, so this lookup stands between Slack and its
 * ack: each workspace's answer is kept for AUTHORIZE_TTL_MS (one database read and one
 * decryption per workspace per 15 s, not per request). A token revoked meanwhile is
 * refused by Slack itself; an uninstall or a new install is seen within the TTL.
 * @link https://docs.slack.dev/tools/bolt-js/concepts/authorization
 */
export function workspaceAuthorize(options: { core: Core; token: string; own: OwnBot }): (source: AuthorizeSourceData<boolean>) => Promise<AuthorizeResult> {
  const store = createInstallationStore(options.core);
  const single: AuthorizeResult = { botToken: options.token, botUserId: options.own.botUserId, botId: options.own.botId, teamId: options.own.teamId };
  const known = new Map<string, { at: number; result: Promise<AuthorizeResult> }>();
  return async (source) => {
    // The vendor's own workspace, or a request naming no installation it could belong to: as in single-workspace mode.
    const ownOrUnnamed = source.isEnterpriseInstall ? !source.enterpriseId : !source.teamId || source.teamId === options.own.teamId;
    if (ownOrUnnamed) return single;
    const key = `${source.isEnterpriseInstall ? "E" : "T"}:${source.enterpriseId ?? ""}:${source.teamId ?? ""}`;
    const now = Date.now();
    const hit = known.get(key);
    if (hit && now - hit.at < AUTHORIZE_TTL_MS) return hit.result;
    if (known.size >= AUTHORIZE_CACHE_MAX) known.clear();
    const result = lookUp(source);
    known.set(key, { at: now, result });
    // A failure (the database unreachable, a removed workspace) is not kept: the next request asks again.
    result.catch(() => known.delete(key));
    return result;
  };

  async function lookUp(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> {
    try {
      const installation = await store.fetchInstallation({ teamId: source.teamId, enterpriseId: source.enterpriseId, isEnterpriseInstall: source.isEnterpriseInstall });
      if (!installation.bot) throw new CaseError("NOT_FOUND", { message: "That installation has no bot token.", details: { removed: true } });
      return { botToken: installation.bot.token, botUserId: installation.bot.userId, botId: installation.bot.id, teamId: source.teamId, enterpriseId: source.enterpriseId };
    } catch (error) {
      // Never installed (or an id no installation can have): as in single-workspace mode.
      if (error instanceof CaseError && ((error.code === "NOT_FOUND" && !error.details.removed) || error.code === "VALIDATION")) return single;
      throw error;
    }
  }
}

const AUTHORIZE_TTL_MS = 15_000;
/** Workspaces remembered at once; beyond this the memory starts over (a bound, not an LRU). */
const AUTHORIZE_CACHE_MAX = 10_000;
