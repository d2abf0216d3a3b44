import type { WebClient } from "@slack/web-api";
import type { Core, Ctx } from "../../core/index.ts";

/**
 * Who a Slack user is: the team and user ids of a signed request, resolved by the core
 * with the person behind them in the same statement as the rest of the request's
 * reads; a first-time user is linked to the contact with the email Slack reports for
 * them (users.info, scope users:read.email), looked up only then. Nothing the request
 * body claims beyond Slack's signed user and team ids is trusted.
 *
 * `channelId`: where they asked. In a channel bound to an account (a Slack Connect
 * support channel) a user carebot cannot link by email is not just refused: they are
 * told how to confirm who they are (src/core/accounts/identity-claims.ts).
 */
export function slackCtx(core: Core, client: WebClient, teamId: string, userId: string, channelId?: string): Ctx {
  const ref = { platform: "slack" as const, tenantId: teamId, userId };
  // Asked once per request at most, whether for linking or for the offer after it.
  let asked: Promise<{ email?: string; timeZone?: string }> | undefined;
  const lookup = () => (asked ??= client.users.info({ user: userId }).then((answer) => profileOf(answer.user)));
  const actor = core.chatActor(ref, lookup);
  const link = "link" in actor ? actor.link : undefined;
  if (!channelId || !link) return { actor, source: "slack" };
  return {
    actor: {
      chat: ref,
      link: async (db) => {
        try {
          return await link(db);
        } catch (error) {
          throw await core.identityClaims.explain(error, ref, channelId, async () => (await lookup()).email);
        }
      },
    },
    source: "slack",
  };
}

/** What users.info tells of a first-time user: their email, and their time zone (`tz`), kept for their promises. */
function profileOf(user: { tz?: string; profile?: { email?: string } } | undefined): { email?: string; timeZone?: string } {
  return { email: user?.profile?.email, timeZone: user?.tz };
}
