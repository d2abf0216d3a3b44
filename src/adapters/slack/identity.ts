import type { WebClient } from "@slack/web-api";
import type { Core, Ctx } from "../../core/index.ts";
import { CaseError } from "../../core/errors.ts";

/**
 * Who a Slack user is: a linked identity, or a contact matched by the email Slack
 * reports for them (users.info, scope users:read.email). Nothing the request body
 * claims beyond Slack's signed user and team ids is trusted.
 */
export async function slackCtx(core: Core, client: WebClient, teamId: string, userId: string): Promise<Ctx> {
  const ref = { platform: "slack" as const, tenantId: teamId, userId };
  try {
    return { actor: await core.directory.resolveChatUser(ref), source: "slack" };
  } catch (error) {
    if (!(error instanceof CaseError) || error.code !== "UNKNOWN_USER") throw error;
  }
  const info = await client.users.info({ user: userId });
  const email = info.user?.profile?.email;
  if (!email) throw new CaseError("UNKNOWN_USER");
  return { actor: await core.directory.resolveChatUser({ ...ref, email }), source: "slack" };
}
