import type { TurnContext } from "botbuilder";
import { homeFor } from "../../interactions/index.ts";
import { teamsCtx } from "./identity.ts";
import { say } from "./messages.ts";
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
