import type { Core, Ctx } from "../core/index.ts";
import { table } from "./format.ts";

/**
 * `workspaces link|unlink --platform slack|teams --tenant ID --account ID` and
 * `workspaces list [--account ID]`: which customer accounts a Slack workspace (team id
 * T…, or an Enterprise Grid org's E…) or Teams tenant belongs to. Only there are its
 * users matched to the account's contacts by email (docs/slack-install.md).
 */
export const WORKSPACES_HELP = `  workspaces link --platform slack|teams --tenant T --account ID   a customer's workspace/tenant belongs to the account
  workspaces unlink --platform slack|teams --tenant T --account ID
  workspaces list [--account ID]
  workspaces installations   Slack workspaces and Grid orgs the app is installed in (OAuth, never a token), and Teams tenants' installs`;

export async function workspacesCommand(core: Core, operator: Ctx, verb: string | undefined, v: { platform?: string; tenant?: string; account?: string }) {
  const input = { platform: v.platform as "slack", tenantId: v.tenant ?? "", accountId: v.account ?? "" };
  switch (verb) {
    case "link": {
      const link = await core.workspaces.link(operator, input);
      return { ...link, text: `${link.created ? "Linked" : "Already linked:"} ${link.platform} ${link.tenantId} to ${link.accountName}. Its users are matched to that account's contacts by email.` };
    }
    case "unlink": {
      const r = await core.workspaces.unlink(operator, input);
      return { ...r, text: `Unlinked ${input.platform} ${input.tenantId}; ${r.identitiesRemoved} chat identities of the account's contacts there removed.` };
    }
    case "installations": {
      const installs = await core.slackInstallations.list(operator);
      const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16) + "Z" : "-");
      const rows = installs.map((i) => ({ team: i.teamId ?? "-", enterprise: i.enterpriseId ?? "-", "org-wide": i.orgInstall ? "yes" : "no", installer: i.installerUserId ?? "-", installed: day(i.installedAt), removed: day(i.removedAt), "token expires": day(i.botTokenExpiresAt) }));
      const slack = rows.length ? table(rows, Object.keys(rows[0]!)) : "No Slack installation yet (single-workspace mode uses SLACK_BOT_TOKEN).";
      // Teams installs, from the installationUpdate activity (docs/teams.md): per tenant and conversation.
      const teamsInstalls = await core.teamsInstallations.list(operator);
      const teamsRows = teamsInstalls.map((i) => ({ tenant: i.tenantId, scope: i.scope, conversation: i.conversationId, team: i.teamId ?? "-", serviceUrl: i.serviceUrl, installer: i.installerId ?? "-", installed: day(i.installedAt), removed: day(i.removedAt) }));
      const teams = teamsRows.length ? table(teamsRows, Object.keys(teamsRows[0]!)) : "No Teams installation recorded yet.";
      return { installations: installs, teamsInstallations: teamsInstalls, text: `Slack:\n${slack}\n\nTeams:\n${teams}` };
    }
    default: {
      const links = await core.workspaces.list(operator, { accountId: v.account });
      const rows = links.map((l) => ({ platform: l.platform, tenant: l.tenantId, account: l.accountName, accountId: l.accountId, linked: l.linkedAt.toISOString().slice(0, 16) + "Z" }));
      return { links, text: rows.length ? table(rows, ["platform", "tenant", "account", "accountId", "linked"]) : "No workspace is linked to an account yet." };
    }
  }
}
