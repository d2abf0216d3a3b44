import { TeamsInfo, type TurnContext } from "botbuilder";
import type { Core, Ctx } from "../../core/index.ts";

/** The tenant and user of an activity, as Teams identifies them (AAD object id when present). */
export function teamsUser(context: TurnContext): { tenantId: string; userId: string } {
  const a = context.activity;
  const tenantId = a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? "";
  return { tenantId, userId: a.from?.aadObjectId ?? a.from?.id ?? "" };
}

/**
 * Who a Teams user is: the tenant and user of an authenticated activity, resolved by
 * the core with the person behind them in the same statement as the rest of the
 * request's reads; a first-time user is linked to the contact with the email the roster
 * reports (TeamsInfo.getMember), looked up only then. Nothing else the activity claims
 * is trusted.
 */
export function teamsCtx(core: Core, context: TurnContext): Ctx {
  const ref = { platform: "teams" as const, ...teamsUser(context) };
  return {
    actor: core.chatActor(ref, async () => {
      const member = await TeamsInfo.getMember(context, context.activity.from.id);
      return member.email ?? member.userPrincipalName;
    }),
    source: "teams",
  };
}
