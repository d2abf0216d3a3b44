import type { WebClient } from "@slack/web-api";
import type { Core, Ctx } from "../../core/index.ts";

/**
 * Who a Slack user is: the team and user ids of a signed request, resolved by the core
 * with the person behind them in the same statement as the rest of the request's
 * reads; a first-time user is linked to the contact with the email Slack reports for
 * them (users.info, scope users:read.email), looked up only then. Nothing the request
 * body claims beyond Slack's signed user and team ids is trusted.
 */
export function slackCtx(core: Core, client: WebClient, teamId: string, userId: string): Ctx {
  const ref = { platform: "slack" as const, tenantId: teamId, userId };
  return { actor: core.chatActor(ref, async () => (await client.users.info({ user: userId })).user?.profile?.email), source: "slack" };
}
