import type { TurnContext } from "botbuilder";
import { homeFor } from "../../interactions/index.ts";
import { teamsCtx, teamsUser } from "./identity.ts";
import { say } from "./messages.ts";
import { vouchedServiceUrl, type Claims, type ServiceUrlPolicy } from "./service-url.ts";
import type { TeamsDeps } from "./turn.ts";

/**
 * The app installed for one person (personal scope): their home card (open cases,
 * recently viewed, knowledge, product updates, RCAs), the same as `home` answers and as
 * the Slack App Home shows. Someone not set up yet gets the access guidance instead.
 * Installed in a team or group chat, the bot stays quiet until it is asked.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#installation-update-event
 */
export async function greetOnInstall(deps: TeamsDeps, context: TurnContext): Promise<void> {
  if (context.activity.conversation?.conversationType !== "personal") return;
  await say(context, await homeFor({ core: deps.core, ctx: teamsCtx(deps.core, context) }, deps.logger));
}

/** Teams' conversation types, as the installation's scope names them. */
const SCOPES: Record<string, "personal" | "groupChat" | "team"> = { personal: "personal", groupChat: "groupChat", channel: "team" };

/**
 * Where an installationUpdate happened: the tenant (as every other turn keys it), the
 * conversation (for a team, the one the event names: its General channel) and its scope.
 */
function installPlace(context: TurnContext) {
  const a = context.activity;
  const { tenantId, userId } = teamsUser(context);
  const scope = SCOPES[a.conversation?.conversationType ?? ""] ?? "personal";
  const teamId = (a.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  // A channel's conversation id may name a thread ("…;messageid=…"): the install is the channel's.
  const conversationId = (a.conversation?.id ?? "").split(";messageid=")[0]!;
  return { tenantId, conversationId, scope, teamId: typeof teamId === "string" && teamId ? teamId : undefined, userId };
}

/**
 * Records the app's install in a tenant's conversation (Teams sends installationUpdate
 * with action add or add-upgrade): the tenant, conversation, scope, team and installer,
 * and the serviceUrl the activity's signed token vouched for (checked again here, as
 * where the conversation reference is remembered). An install whose serviceUrl is not
 * vouched for is not recorded, and the bot says so in its log only.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#install-update-event
 */
export async function recordInstall(deps: TeamsDeps, context: TurnContext, policy: ServiceUrlPolicy): Promise<void> {
  const place = installPlace(context);
  const serviceUrl = vouchedServiceUrl(policy, context.activity, context.turnState.get<Claims | undefined>(context.adapter.BotIdentityKey));
  if (!serviceUrl || !place.conversationId) {
    deps.logger.warn({ tenantId: place.tenantId, scope: place.scope }, "teams install not recorded: its serviceUrl is not vouched for");
    return;
  }
  const { created } = await deps.core.teamsInstallations.added({
    tenantId: place.tenantId,
    conversationId: place.conversationId,
    scope: place.scope,
    teamId: place.teamId,
    serviceUrl,
    installerId: place.userId || undefined,
  });
  if (created) deps.logger.info({ tenantId: place.tenantId, scope: place.scope }, "teams app installed");
}

/**
 * The app was removed from a conversation (installationUpdate remove): the record is
 * marked removed, so delivery sends nothing more there (the connector would refuse it).
 * "remove-upgrade" (an app update that drops the bot) is a removal too.
 */
export async function recordUninstall(deps: TeamsDeps, context: TurnContext): Promise<void> {
  const place = installPlace(context);
  if (!place.conversationId) return;
  const removed = await deps.core.teamsInstallations.removed({ tenantId: place.tenantId, conversationId: place.conversationId, removedBy: place.userId || undefined });
  if (removed) deps.logger.info({ tenantId: place.tenantId, scope: place.scope }, "teams app removed");
}
