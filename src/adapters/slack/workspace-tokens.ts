import { WebClient } from "@slack/web-api";
import type { Core } from "../../core/index.ts";
import { CaseError } from "../../core/errors.ts";
import { REFRESH_BEFORE_EXPIRY_MS, type CurrentInstallation, type RefreshedSecrets } from "../../core/workspaces/slack-installations.ts";

/**
 * Which bot token serves a Slack workspace (T…) or Enterprise Grid org (E…), for the
 * requests Bolt authorizes (authorize.ts) and the deliveries the outbox makes
 * (delivery.ts) alike (issue 13):
 * - the workspace's own OAuth installation, else the org-wide install of the Grid org the
 *   workspace was seen in (core.slackInstallations.forWorkspace), else none (the
 *   vendor's own workspace: SLACK_BOT_TOKEN); a removed installation says so, and
 *   nothing is sent there;
 * - a rotating token (Slack's token rotation: oauth.v2.access gave refresh_token and
 *   expires_in) is refreshed before it expires, with grant_type=refresh_token, and
 *   stored sealed; the core lets one instance at a time refresh (withFreshToken);
 * - each answer is remembered for TOKEN_MEMORY_MS of the core's clock (one database read
 *   and one decryption per workspace per 15 s, not per request or post), never past the
 *   time its token is due for refresh, and forgotten at once when an installation
 *   changes in this process (installed, refreshed, removed). Another process's change is
 *   seen when the memory expires, or at once when Slack refuses a remembered token
 *   (delivery forgets it and asks again).
 * One per core, shared by the Slack app and the delivery channel of a process.
 * @link https://docs.slack.dev/authentication/using-token-rotation
 */
export type WorkspaceToken =
  | { kind: "installed"; key: string; token: string; botUserId?: string; botId?: string }
  /** carebot was uninstalled there or its tokens revoked. */
  | { kind: "removed" }
  /** Never installed with OAuth: the configured SLACK_BOT_TOKEN's (single-workspace mode). */
  | { kind: "none" };

/** What the Slack app's client credentials allow: refreshing rotating tokens at oauth.v2.access. */
export interface TokenRefresh {
  clientId: string;
  clientSecret: string;
  /** The Web API's base (SLACK_API_URL), where oauth.v2.access is asked. */
  apiUrl?: string;
}

export interface WorkspaceTokens {
  /** The token for a workspace (T…) or org (E…) id. */
  forWorkspace(id: string): Promise<WorkspaceToken>;
  /** The token for a signed request: an org-wide install's by its enterprise, any other by its workspace. */
  forRequest(source: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): Promise<WorkspaceToken>;
  /** Forget what is remembered about an id (Slack refused its token). */
  forget(id: string): void;
  /** A signed request showed this workspace to be in that Grid org (stored once per process). */
  noteGrid(teamId: string, enterpriseId: string): Promise<void>;
  /** Turns on refreshing rotating tokens (the OAuth settings are there). */
  useRefresh(refresh: TokenRefresh): void;
}

/** Bolt's Installation, the parts read here (installation-store.ts stores it whole). */
interface StoredInstallation {
  bot?: { token?: string; refreshToken?: string; expiresAt?: number; userId?: string; id?: string };
  [key: string]: unknown;
}

export const TOKEN_MEMORY_MS = 15_000;
/** Ids remembered at once; beyond this the memory starts over (a bound, not an LRU). */
const MEMORY_MAX = 10_000;
const SLACK_ID = /^[TE][A-Z0-9]+$/;

const byCore = new WeakMap<Core, WorkspaceTokens>();

export function workspaceTokens(core: Core): WorkspaceTokens {
  let tokens = byCore.get(core);
  if (!tokens) byCore.set(core, (tokens = createWorkspaceTokens(core)));
  return tokens;
}

function createWorkspaceTokens(core: Core): WorkspaceTokens {
  const remembered = new Map<string, { until: number; answer: Promise<WorkspaceToken> }>();
  const noted = new Set<string>();
  let refresh: TokenRefresh | undefined;
  const now = () => core.slackInstallations.now().getTime();
  // Installation changes are rare: forgetting everything keeps org installs and their workspaces right too.
  core.slackInstallations.onChange(() => remembered.clear());

  async function renew(secrets: string): Promise<RefreshedSecrets> {
    const installation = JSON.parse(secrets) as StoredInstallation;
    const refreshToken = installation.bot?.refreshToken;
    if (!refresh || !refreshToken) throw new CaseError("CONFIG", { message: "A rotating Slack token cannot be refreshed without SLACK_CLIENT_ID and SLACK_CLIENT_SECRET." });
    const client = new WebClient(undefined, { slackApiUrl: refresh.apiUrl, retryConfig: { retries: 0 }, timeout: 10_000 });
    const answer = await client.oauth.v2.access({ client_id: refresh.clientId, client_secret: refresh.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken });
    if (!answer.access_token || !answer.refresh_token || !answer.expires_in) throw new Error("oauth.v2.access answered a refresh without a token, refresh token or expiry");
    const expiresAt = Math.floor(now() / 1000) + answer.expires_in;
    const renewed = { ...installation, bot: { ...installation.bot, token: answer.access_token, refreshToken: answer.refresh_token, expiresAt } };
    return { secrets: JSON.stringify(renewed), botTokenExpiresAt: new Date(expiresAt * 1000) };
  }

  async function load(id: string): Promise<{ answer: WorkspaceToken; expiresAt?: number }> {
    let current: CurrentInstallation;
    try {
      current = await core.slackInstallations.forWorkspace(id);
    } catch (error) {
      if (error instanceof CaseError && error.code === "NOT_FOUND") return { answer: error.details.removed === true ? { kind: "removed" } : { kind: "none" } };
      throw error;
    }
    // Without OAuth settings nothing can be refreshed: the stored token serves until Slack refuses it.
    if (refresh) current = await core.slackInstallations.withFreshToken(current, renew);
    const bot = (JSON.parse(current.secrets) as StoredInstallation).bot;
    if (!bot?.token) return { answer: { kind: "removed" } };
    return { answer: { kind: "installed", key: current.key, token: bot.token, botUserId: bot.userId, botId: bot.id }, expiresAt: current.summary.botTokenExpiresAt?.getTime() };
  }

  const forWorkspace = (id: string): Promise<WorkspaceToken> => {
    // An id no installation can have (a Slack Connect guest's, a test's): never installed.
    if (!SLACK_ID.test(id)) return Promise.resolve({ kind: "none" });
    const at = now();
    const hit = remembered.get(id);
    if (hit && at < hit.until) return hit.answer;
    if (remembered.size >= MEMORY_MAX) remembered.clear();
    const loading = load(id);
    const entry = { until: at + TOKEN_MEMORY_MS, answer: loading.then((l) => l.answer) };
    remembered.set(id, entry);
    loading.then(
      // Never remembered past the time its token is due for refresh.
      (l) => {
        if (l.expiresAt !== undefined) entry.until = Math.min(entry.until, l.expiresAt - REFRESH_BEFORE_EXPIRY_MS);
      },
      // A failure (the database unreachable) is not kept: the next call asks again.
      () => {
        if (remembered.get(id) === entry) remembered.delete(id);
      },
    );
    return entry.answer;
  };

  return {
    forWorkspace,
    forRequest: (source) => {
      const id = source.isEnterpriseInstall ? source.enterpriseId : source.teamId;
      return id ? forWorkspace(id) : Promise.resolve({ kind: "none" });
    },
    forget: (id) => void remembered.delete(id),
    noteGrid: async (teamId, enterpriseId) => {
      const pair = `${teamId}:${enterpriseId}`;
      if (noted.has(pair) || !SLACK_ID.test(teamId) || !SLACK_ID.test(enterpriseId)) return;
      await core.slackInstallations.noteGridWorkspace(teamId, enterpriseId);
      if (noted.size >= MEMORY_MAX) noted.clear();
      noted.add(pair);
    },
    useRefresh: (r) => {
      refresh = r;
    },
  };
}
