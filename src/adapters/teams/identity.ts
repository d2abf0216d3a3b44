import { TeamsInfo, type TurnContext } from "botbuilder";
import type { Core, Ctx } from "../../core/index.ts";

/**
 * The tenant key of an activity that names no tenant. Teams always sends one; the Bot
 * Framework Emulator and other local clients do not, and their users are then keyed under
 * this constant (link one with `identity link --platform teams --tenant no-tenant`).
 * Without it such an activity failed the core's identity check ("Too small: expected
 * string to have >=1 characters") on its first message.
 */
export const NO_TENANT = "no-tenant";

/**
 * Whether an activity names two different tenants (conversation.tenantId and
 * channelData.tenant.id). Teams writes both, the same; who a user is and which
 * tenant's accounts they reach is keyed by the tenant, so an activity that says two
 * things is refused rather than read one way here and another elsewhere.
 */
export function tenantsDisagree(activity: { conversation?: { tenantId?: unknown } | null; channelData?: unknown }): boolean {
  const fromConversation = activity.conversation?.tenantId;
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return Boolean(fromConversation) && Boolean(fromChannelData) && fromConversation !== fromChannelData;
}

/** The tenant and user of an activity, as Teams identifies them (AAD object id when present). */
export function teamsUser(context: TurnContext): { tenantId: string; userId: string } {
  const a = context.activity;
  const tenantId = a.conversation?.tenantId || (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id || NO_TENANT;
  return { tenantId, userId: a.from?.aadObjectId || a.from?.id || "" };
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
      try {
        const member = await TeamsInfo.getMember(context, context.activity.from.id);
        return member.email ?? member.userPrincipalName;
      } catch (error) {
        // Not on the roster (a local client's made-up user): nobody to match, so the
        // person is told they are not set up. Any other failure stays a failure.
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
    }),
    source: "teams",
  };
}
