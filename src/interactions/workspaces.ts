import * as cards from "../cards/index.ts";
import type { Env, Outcome } from "./outcome.ts";

/**
 * Staff link a customer's Slack workspace (T…), Enterprise Grid org (E…) or Teams tenant
 * to an account from chat, as the operator does with `npm run cli -- workspaces link`
 * (issue 13): `/case link-workspace T0123 Acme Media`, `/case unlink-workspace …`,
 * `/case workspaces`. The core decides who may (staff and the operator); a customer who
 * types one is told only support staff can.
 */
export interface WorkspaceArgs {
  platform?: string;
  tenant: string;
  account: string;
}

/** A Teams tenant id is a GUID; anything else typed is a Slack team or Grid org id. Either can be said first. */
function platformOf(args: WorkspaceArgs): "slack" | "teams" {
  const said = args.platform?.toLowerCase();
  if (said === "slack" || said === "teams") return said;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args.tenant) ? "teams" : "slack";
}

const reply = (card: cards.MessageCard): Outcome => ({ kind: "reply", cards: [card] });

export async function linkWorkspace({ core, ctx }: Env, args: WorkspaceArgs): Promise<Outcome> {
  const account = await core.workspaces.resolveAccount(ctx, args.account);
  const platform = platformOf(args);
  const link = await core.workspaces.link(ctx, { platform, tenantId: args.tenant, accountId: account.id });
  const where = platform === "slack" ? "Slack workspace" : "Teams tenant";
  return reply(
    cards.buildConfirmation(
      `${link.created ? "Linked" : "Already linked"}: ${where} ${link.tenantId} belongs to ${link.accountName}`,
      `Its users are now matched to ${link.accountName}'s contacts by the email their ${platform === "slack" ? "workspace" : "organisation"} reports. To undo: unlink-workspace ${link.tenantId} ${link.accountName}.`,
    ),
  );
}

export async function unlinkWorkspace({ core, ctx }: Env, args: WorkspaceArgs): Promise<Outcome> {
  const account = await core.workspaces.resolveAccount(ctx, args.account);
  const platform = platformOf(args);
  const result = await core.workspaces.unlink(ctx, { platform, tenantId: args.tenant, accountId: account.id });
  return reply(
    cards.buildConfirmation(
      `Unlinked: ${args.tenant} no longer belongs to ${account.name}`,
      `${result.identitiesRemoved} chat ${result.identitiesRemoved === 1 ? "identity" : "identities"} of ${account.name}'s contacts there removed; they are told the workspace is not linked.`,
    ),
  );
}

/** The Slack installations, the Teams tenants installed in, and every link, for staff: what the operator's CLI lists. */
export async function listWorkspaces({ core, ctx }: Env): Promise<Outcome> {
  const links = await core.workspaces.list(ctx);
  const installs = await core.slackInstallations.list(ctx);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const linked = new Map<string, string[]>();
  for (const l of links) linked.set(l.tenantId, [...(linked.get(l.tenantId) ?? []), l.accountName]);
  const installLines = installs.map((i) => {
    const id = i.orgInstall ? `${i.enterpriseId} (Enterprise Grid org)` : `${i.teamId}${i.enterpriseId ? ` (in org ${i.enterpriseId})` : ""}`;
    const state = i.removedAt ? `removed ${day(i.removedAt)}` : `installed ${day(i.installedAt)}`;
    const accounts = linked.get((i.orgInstall ? i.enterpriseId : i.teamId) ?? "") ?? [];
    return `Slack ${id}: ${state}; ${accounts.length ? `linked to ${accounts.join(", ")}` : "not linked to any account"}`;
  });
  // Teams installs, one line per tenant (installationUpdate records each conversation it was added to).
  const tenants = new Map<string, { current: number; since: Date }>();
  for (const i of await core.teamsInstallations.list(ctx)) {
    const seen = tenants.get(i.tenantId) ?? { current: 0, since: i.installedAt };
    tenants.set(i.tenantId, { current: seen.current + (i.removedAt ? 0 : 1), since: i.installedAt < seen.since ? i.installedAt : seen.since });
  }
  for (const [tenant, t] of tenants) {
    const accounts = linked.get(tenant) ?? [];
    const state = t.current ? `installed in ${t.current} ${t.current === 1 ? "conversation" : "conversations"} since ${day(t.since)}` : "removed everywhere";
    installLines.push(`Teams ${tenant}: ${state}; ${accounts.length ? `linked to ${accounts.join(", ")}` : "not linked to any account"}`);
  }
  const installed = new Set([...installs.map((i) => (i.orgInstall ? i.enterpriseId : i.teamId)), ...tenants.keys()]);
  const linkLines = links.filter((l) => !installed.has(l.tenantId)).map((l) => `${l.platform === "slack" ? "Slack" : "Teams"} ${l.tenantId}: linked to ${l.accountName} since ${day(l.linkedAt)}`);
  const lines = [...installLines, ...linkLines];
  const shown = lines.slice(0, SHOWN);
  return reply(
    cards.buildNotice({
      title: "Workspaces and their accounts",
      text: lines.length
        ? [...shown, ...(lines.length > SHOWN ? [`…and ${lines.length - SHOWN} more: npm run cli -- workspaces list`] : [])].join("\n")
        : "No workspace is installed or linked yet. Link one: link-workspace <team or tenant id> <account>.",
    }),
  );
}

/** As many lines as a chat card shows comfortably. */
const SHOWN = 25;
