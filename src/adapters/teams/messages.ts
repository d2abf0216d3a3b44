import { TurnContext } from "botbuilder";
import * as cards from "../../cards/index.ts";
import type { CaseView } from "../../core/cases/presenter.ts";
import { isRetryable, toCaseError } from "../../core/errors.ts";
import type { FollowedThread } from "../../core/follow/threads.ts";
import type { Ctx } from "../../core/index.ts";
import { reopenOffer, redrawnCard, type Outcome } from "../../interactions/index.ts";
import { receivePersonalFiles, sentFiles, withSharedFileLinks } from "./attachments.ts";
import { deliveryIdOf, teamOf, threadOf } from "./conversation.ts";
import { teamsCtx, teamsUser } from "./identity.ts";
import { attachment } from "./teams-cards.ts";
import type { TeamsDeps } from "./turn.ts";
import { messageMayWrite } from "./turn-limits.ts";

/**
 * A message: a reply in a followed channel thread is a comment; anything else is a
 * command (interactions/commands.ts). A refusal is told and is the outcome; an
 * unexpected failure of a message that may write is thrown (the route answers 5xx, Teams
 * delivers it again), since nothing was stored and a 200 would lose it.
 */
export async function answerMessage(deps: TeamsDeps, context: TurnContext): Promise<void> {
  const a = context.activity;
  const mayWrite = messageMayWrite(a);
  const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? "").trim();
  const { channelId, threadId } = threadOf(a.conversation.id);
  // The platform's id of this message: the same on every delivery of it, so what it writes is written once.
  const deliveryId = deliveryIdOf(a);
  if (threadId && threadId !== a.id) {
    let thread: FollowedThread | null = null;
    try {
      thread = await deps.core.threads.caseOfThread({ platform: "teams", channelId, threadId });
      if (thread) {
        // A file shared in the thread is recorded by name and SharePoint link (attachments.ts).
        const body = withSharedFileLinks(text, a, deps.fileHosts);
        if (body) await commentInThread(deps, context, thread, body, deliveryId);
        return;
      }
    } catch (error) {
      const failure = toCaseError(error);
      if (mayWrite && isRetryable(failure.code)) throw error;
      await say(context, failure.code === "REOPEN_WINDOW_PASSED" && thread ? reopenOffer(failure.message, thread.number) : deps.interactions.refused(error).card);
      return;
    }
  }
  if (a.conversation.conversationType === "personal" && sentFiles(a).length) return receivePersonalFiles(deps, context, text, deliveryId, mayWrite);
  const ctx = teamsCtx(deps.core, context);
  const outcome = await deps.interactions.type(ctx, text, { channel: channelId, deliveryId, forms: "inline", timeZone: context.activity.localTimezone });
  if (outcome.kind === "refused" && mayWrite && isRetryable(outcome.failure.code)) throw outcome.failure;
  await carry(deps, context, ctx, outcome);
}

export async function say(context: TurnContext, card: cards.Card, inlineForm = false) {
  return context.sendActivity({ attachments: [attachment(card, { inlineForm })], summary: card.surface === "message" ? card.summary : undefined });
}

/** An outcome as messages in the conversation. */
async function carry(deps: TeamsDeps, context: TurnContext, ctx: Ctx, outcome: Outcome): Promise<void> {
  switch (outcome.kind) {
    case "reply":
      for (const card of outcome.cards) await say(context, card);
      return;
    case "form":
      // A message cannot open a dialog: the form is shown in the chat, and submits with Action.Execute.
      await say(context, outcome.form, true);
      return;
    case "home":
      await say(context, outcome.home);
      return;
    case "follow":
      await postFollowedCard(deps, context, ctx, outcome.view);
      return;
    case "redraw":
      await say(context, await redrawnCard(deps.core, outcome.view, null));
      return;
    case "done":
      await say(context, outcome.card ?? cards.buildConfirmation(outcome.text, ""));
      return;
    case "refused":
      await say(context, outcome.card);
      return;
  }
}

/** A reply in a followed thread; in a staff thread, "internal:" or "note:" makes it an internal note. */
async function commentInThread(deps: TeamsDeps, context: TurnContext, thread: FollowedThread, text: string, externalId: string | undefined): Promise<void> {
  const internal = thread.audience === "STAFF" && /^\s*(internal|note)\s*:/i.test(text);
  await deps.core.cases.comment(teamsCtx(deps.core, context), thread.number, {
    body: internal ? text.replace(/^\s*(internal|note)\s*:\s*/i, "") : text,
    internal,
    externalId,
    originThread: { platform: "teams", channelId: thread.channelId, threadId: thread.threadId },
  });
}

/**
 * `follow N`: posts the case card into this conversation; in a channel its thread then
 * follows the case. Inline, since it files nothing: a follow lost to a crash is asked again.
 */
async function postFollowedCard(deps: TeamsDeps, context: TurnContext, ctx: Ctx, view: CaseView): Promise<void> {
  const a = context.activity;
  const sent = await say(context, cards.buildCaseCard(view, deps.core.catalog));
  if (a.conversation.conversationType !== "channel") return;
  const { channelId, threadId } = threadOf(a.conversation.id);
  // A post at the top of a channel starts a thread rooted at that post; inside a thread, the reply joins it.
  const root = threadId ?? a.id ?? sent?.id ?? "";
  const reference = { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: `${channelId};messageid=${root}` }, cardActivityId: sent?.id, ...teamOf(a) };
  await deps.core.threads.follow(ctx, { case: view.number, platform: "teams", tenantId: teamsUser(context).tenantId, channelId, threadId: root, audience: "CUSTOMER", reference });
}
