import type { Activity, InvokeResponse, TurnContext } from "botbuilder";
import * as cards from "../../cards/index.ts";
import { commandWrites } from "../../interactions/index.ts";
import type { Logger } from "../../logger.ts";
import { RATE_LIMITED_MESSAGE, type RateVerdict } from "../shared/rate-limit.ts";
import { threadOf } from "./conversation.ts";
import { invokeCardResponse } from "./teams-cards.ts";

/**
 * A turn the route must answer with a status of its own instead of 200: thrown out of
 * the turn (botbuilder then passes it up, since no onTurnError is set) and turned into
 * the response by the route in app.ts.
 */
export class TurnRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "TurnRefused";
  }
}

/**
 * Whether a message may store something: a reply in a channel thread (a followed thread
 * makes it a comment; telling which needs the database, and a refused request gets
 * none), `reply N …` and `follow N`. Read from the raw text: the turn has not removed
 * the @mention yet.
 */
export function messageMayWrite(activity: Pick<Activity, "id" | "text" | "conversation">): boolean {
  const { threadId } = threadOf(activity.conversation.id);
  if (threadId && threadId !== activity.id) return true;
  return commandWrites((activity.text ?? "").replace(/<at>[^<]*<\/at>/gi, " "));
}

/**
 * Over the rate limit: the user is told politely and nothing runs. A message that would
 * have written is also answered 429, so that Teams does not take it for stored and can
 * deliver it again; an invoke (a button, a dialog) gets the message as its card, since
 * the user is looking at it and can press again.
 */
export async function refuseOverLimit(context: TurnContext, verdict: Extract<RateVerdict, { allowed: false }>, logger: Logger): Promise<void> {
  const a = context.activity;
  logger.warn({ scope: verdict.scope, retryAfterSeconds: verdict.retryAfterSeconds, type: a.type, name: a.name, tenantId: a.conversation?.tenantId, userId: a.from?.aadObjectId ?? a.from?.id }, "teams request refused: rate limit");
  if (a.type === "invoke") {
    const notice = cards.buildNotice({ tone: "warning", title: "Please slow down", text: RATE_LIMITED_MESSAGE });
    const response: InvokeResponse = invokeCardResponse(a.name, notice) ?? { status: 429 };
    await context.sendActivity({ type: "invokeResponse", value: response });
    return;
  }
  // Told once per flood: each message of ours is an outbound call that could get the bot throttled too.
  if (verdict.firstRefusal) await context.sendActivity(RATE_LIMITED_MESSAGE);
  if (messageMayWrite(a)) throw new TurnRefused(429, RATE_LIMITED_MESSAGE, verdict.retryAfterSeconds);
}
