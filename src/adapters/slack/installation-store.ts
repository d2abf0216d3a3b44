import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import type { Core } from "../../core/index.ts";

/**
 * Bolt's InstallationStore over the core's Slack installations: InstallProvider stores
 * each OAuth v2 install (and each token refresh, when token rotation is on) here, and
 * Bolt's authorize fetches the installation of the workspace or Enterprise Grid org a
 * request comes from. The whole Installation is sealed as one value by the core; the
 * facts Slack reports (ids, scopes, installer, expiry) are copied beside it for the
 * operator's view. A removed (uninstalled, revoked) installation is not found, so its
 * tokens are never used again.
 * @link https://docs.slack.dev/tools/bolt-js/concepts/authenticating-oauth
 */
export function createInstallationStore(core: Core): InstallationStore {
  const ref = (q: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }) => ({
    teamId: q.teamId,
    enterpriseId: q.enterpriseId,
    orgInstall: Boolean(q.isEnterpriseInstall && q.enterpriseId),
  });
  return {
    storeInstallation: async (installation) => {
      const orgInstall = Boolean(installation.isEnterpriseInstall);
      await core.slackInstallations.save({
        teamId: orgInstall ? undefined : installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        orgInstall,
        appId: installation.appId,
        botUserId: installation.bot?.userId,
        botId: installation.bot?.id,
        botScopes: installation.bot?.scopes ?? [],
        installerUserId: installation.user.id,
        // Slack's expiry is in seconds since the epoch.
        botTokenExpiresAt: installation.bot?.expiresAt ? new Date(installation.bot.expiresAt * 1000) : undefined,
        secrets: JSON.stringify(installation),
      });
    },
    fetchInstallation: async (query: InstallationQuery<boolean>) => {
      const found = await core.slackInstallations.find(ref(query));
      return JSON.parse(found.secrets) as Installation<"v1" | "v2", boolean>;
    },
    deleteInstallation: async (query: InstallationQuery<boolean>) => {
      await core.slackInstallations.remove(ref(query), "deleted");
    },
  };
}
