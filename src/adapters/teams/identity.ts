import { TeamsInfo, type TurnContext } from "botbuilder";
import { CaseError } from "../../core/errors.ts";
import type { Core, Ctx } from "../../core/index.ts";

/** The tenant and user of an activity, as Teams identifies them (AAD object id when present). */
export function teamsUser(context: TurnContext): { tenantId: string; userId: string } {
  const a = context.activity;
  const tenantId = a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? "";
  return { tenantId, userId: a.from?.aadObjectId ?? a.from?.id ?? "" };
}

/**
 * Who a Teams user is: a linked identity, or a contact matched by the email the roster
 * reports (TeamsInfo.getMember). Nothing else the activity claims is trusted.
 */
export async function teamsCtx(core: Core, context: TurnContext): Promise<Ctx> {
  const ref = { platform: "teams" as const, ...teamsUser(context) };
  try {
    return { actor: await core.directory.resolveChatUser(ref), source: "teams" };
  } catch (error) {
    if (!(error instanceof CaseError) || error.code !== "UNKNOWN_USER") throw error;
  }
  const member = await TeamsInfo.getMember(context, context.activity.from.id);
  const email = member.email ?? member.userPrincipalName;
  if (!email) throw new CaseError("UNKNOWN_USER");
  return { actor: await core.directory.resolveChatUser({ ...ref, email }), source: "teams" };
}
