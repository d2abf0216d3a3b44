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
  return { actor: core.chatActor(ref, async () => profileOf((await client.users.info({ user: userId })).user)), source: "slack" };
}

/** What users.info tells of a first-time user: their email, and their time zone (`tz`), kept for their promises. */
function profileOf(user: { tz?: string; profile?: { email?: string } } | undefined): { email?: string; timeZone?: string } {
  return { email: user?.profile?.email, timeZone: user?.tz };
}
