import * as cards from "../cards/index.ts";
import type { Ctx } from "../core/index.ts";
import { CaseError } from "../core/errors.ts";
import type { CommandSource, Env, Outcome } from "./outcome.ts";

/**
 * Support channels (issue 13): `connect <account>` and `disconnect` typed in a channel
 * shared with a customer (support staff only: the core checks), `verify …` for a member
 * the channel does not know yet, and staff's Approve/Decline on a verify request.
 */
const reply = (...shown: cards.MessageCard[]): Outcome => ({ kind: "reply", cards: shown });

/** The platform of a chat request (its verified identity's, else the door it came through). */
function platformOf(ctx: Ctx): "slack" | "teams" {
  if ("chat" in ctx.actor) return ctx.actor.chat.platform;
  if (ctx.source === "slack" || ctx.source === "teams") return ctx.source;
  throw new CaseError("VALIDATION", { message: "Connect a channel from inside it, in Slack or Teams, or with npm run cli -- channels bind." });
}

function channelOf(source: CommandSource): string {
  if (!source.channel) throw new CaseError("VALIDATION", { message: "Type this inside the channel it is about." });
  return source.channel;
}

export async function connectChannel({ core, ctx }: Env, args: { account?: string }, source: CommandSource): Promise<Outcome> {
  const platform = platformOf(ctx);
  const tenantId = "chat" in ctx.actor ? ctx.actor.chat.tenantId : "";
  const bound = await core.channels.bind(ctx, { platform, tenantId, channelId: channelOf(source), account: args.account ?? "" });
  const verify = platform === "slack" ? "/case verify" : "verify";
  return reply(
    cards.buildConfirmation(
      bound.created ? `This channel is now ${bound.accountName}'s support channel` : `This channel is ${bound.accountName}'s support channel already`,
      `${bound.accountName}'s contacts here use carebot as anywhere; a case of ${bound.accountName} filed here posts its card here, and replies in its thread from either side become comments (staff replies here are public: the customer sees them). No other account's case is posted or followed here. Members carebot cannot recognise by email are offered ${verify}.`,
    ),
  );
}

export async function disconnectChannel({ core, ctx }: Env, source: CommandSource): Promise<Outcome> {
  const gone = await core.channels.unbind(ctx, { platform: platformOf(ctx), channelId: channelOf(source) });
  return reply(cards.buildConfirmation(`This channel is no longer ${gone.accountName}'s support channel`, "Threads already following cases here keep following them; new cases filed here post their card to the filer's direct messages."));
}

export async function verifyIdentity({ core, ctx }: Env, args: { what?: string }, source: CommandSource): Promise<Outcome> {
  const answer = await core.identityClaims.verify(ctx, { channelId: channelOf(source), text: args.what ?? "" });
  return reply(answer.kind === "linked" || answer.kind === "known" ? cards.buildConfirmation(answer.title, answer.text) : cards.buildNotice({ title: answer.title, text: answer.text }));
}

export async function approveIdentity({ core, ctx }: Env, claimId: string): Promise<Outcome> {
  const done = await core.identityClaims.approve(ctx, claimId);
  return reply(cards.buildConfirmation(`Approved: ${done.userId} is ${done.contact}`, `They act as ${done.contact} from now on, in carebot's every conversation.`));
}

export async function declineIdentity({ core, ctx }: Env, claimId: string): Promise<Outcome> {
  const done = await core.identityClaims.decline(ctx, claimId);
  return reply(cards.buildConfirmation(`Declined: ${done.userId} is not confirmed`, "Nothing was linked. They may ask again, or be added as a contact."));
}
