import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { CaseView } from "../../core/cases/presenter.ts";
import type { Logger } from "../../logger.ts";
import { browseCard } from "../shared/knowledge-cards.ts";
import { publishHome } from "./home.ts";
import { caseForm, escalationForm, newCaseForm, showForm } from "./forms.ts";
import { slackCtx } from "./identity.ts";
import { errorCard, tellUser } from "./replies.ts";
import { formState, formValues } from "./view-state.ts";

/**
 * Card buttons. A button's value (a case number, a page) is only a hint: every
 * action goes through the core, which checks the clicking user's rights again.
 * Repeated actions in one block carry a "#n" suffix (see the Block Kit renderer).
 */
const ACTION = (id: string) => new RegExp(`^${id.replace(".", "\\.")}(#\\d+)?$`);

type Body = BlockAction;

function where(body: Body) {
  return {
    teamId: body.team?.id ?? body.user.team_id ?? "",
    channel: body.channel?.id,
    user: body.user.id,
    threadTs: body.message?.thread_ts ?? body.message?.ts,
  };
}

export function registerActions(app: App, core: Core, logger: Logger): void {
  const ctxOf = (client: WebClient, body: Body) => slackCtx(core, client, where(body).teamId, body.user.id);

  /** Answers the clicking user privately: in the channel when there is one, else in their DM. */
  async function tell(client: WebClient, body: Body, card: cards.MessageCard) {
    const w = where(body);
    if (w.channel) await tellUser(client, { channel: w.channel, user: w.user, threadTs: w.threadTs }, card);
    else {
      const m = cards.renderSlackMessage(card);
      await client.chat.postMessage({ channel: w.user, text: m.text, blocks: m.blocks, mrkdwn: false });
    }
  }

  /** Refreshes the card the button sits on, for everyone in the channel. */
  /** Redraws the card of a followed thread for its audience (customers or staff), as recorded when it was followed. */
  async function refreshCard(client: WebClient, body: Body, view: CaseView) {
    if (!body.channel?.id || !body.message?.ts || body.container?.type !== "message") return;
    const thread = await core.threads.caseOfThread({ platform: "slack", channelId: body.channel.id, threadId: body.message.ts });
    // Only a followed thread's root is a shared card; anything else was a private (ephemeral) answer.
    if (!thread || thread.caseId !== view.id) return;
    const audienceView = await core.cases.viewForAudience(view.id, thread.audience);
    const card = thread.audience === "STAFF" ? cards.buildTriageCard(audienceView, core.catalog) : cards.buildCaseCard(audienceView, core.catalog);
    const m = cards.renderSlackMessage(card);
    await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: m.text, blocks: m.blocks });
  }

  function on(id: string, run: (args: { ctx: Ctx; body: Body; value: string; client: WebClient }) => Promise<void>) {
    app.action<BlockAction>(ACTION(id), async ({ ack, body, action, client }) => {
      await ack();
      const value = (action as ButtonAction).value ?? (action as StaticSelectAction).selected_option?.value ?? "";
      try {
        await run({ ctx: await ctxOf(client, body), body, value, client });
      } catch (error) {
        await tell(client, body, errorCard(error, logger).card);
      }
    });
  }

  // Forms that open over the card (or over the new-case form, for the severity guide).
  for (const id of ["case.reply", "case.reopen", "case.internalNote", "case.askCustomer", "case.changeSeverity", "case.setPriority", "case.close", "case.handToPartner", "case.assign"]) {
    on(id, async ({ ctx, body, value, client }) => {
      const card = await caseForm(core, ctx, id, value);
      if (card) await showForm(client, body.trigger_id, card);
    });
  }
  on("case.escalate", async ({ ctx, body, value, client }) => showForm(client, body.trigger_id, await escalationForm(core, ctx, value)));
  on("case.new", async ({ ctx, body, client }) => showForm(client, body.trigger_id, await newCaseForm(core, ctx, { channel: body.channel?.id })));
  on("case.newLinkedCase", async ({ ctx, body, value, client }) =>
    showForm(client, body.trigger_id, await newCaseForm(core, ctx, { channel: body.channel?.id, linked: value })),
  );
  on("severity.guide", async ({ body, client }) => showForm(client, body.trigger_id, cards.buildSeverityGuide(core.catalog), body.container?.type === "view"));

  // One-click changes: the card updates in place, and the clicker gets a private confirmation.
  on("case.recommendClose", async ({ ctx, body, value, client }) => {
    const view = await core.cases.recommendClose(ctx, value);
    await refreshCard(client, body, view);
    await tell(client, body, cards.buildConfirmation(`Closing recommended for case ${view.number}`, "Support will close the case. Reply in the thread if anything is still open."));
  });
  on("case.take", async ({ ctx, body, value, client }) => refreshCard(client, body, await core.cases.take(ctx, value)));
  on("case.setInProgress", async ({ ctx, body, value, client }) => refreshCard(client, body, await core.cases.setStatus(ctx, value, { status: "IN_PROGRESS" })));
  on("case.details", async ({ ctx, body, value, client }) => tell(client, body, cards.buildCaseCard(await core.cases.get(ctx, value), core.catalog, { maxComments: 20 })));
  on("case.open", async ({ ctx, body, value, client }) => tell(client, body, cards.buildCaseCard(await core.cases.get(ctx, value), core.catalog)));
  on("case.revealCredentials", async ({ ctx, body, value, client }) => {
    const login = await core.cases.revealCredentials(ctx, value);
    // Shown in a modal to the staff member only: never posted into a conversation.
    const text = login ? `Username: ${login.username}\nPassword: ${login.password}` : "No test login is stored (none was given, or it was purged after closing).";
    await showForm(client, body.trigger_id, { surface: "form", callbackId: "done", title: `Test login ${value}`, submitLabel: "Done", state: {}, blocks: [{ type: "text", text }] });
  });
  on("list.page", async ({ ctx, body, value, client }) => {
    const [view = "open", page = "1"] = value.split(":");
    const result = await core.cases.list(ctx, { view, page: Number(page) });
    await tell(client, body, cards.buildCaseList(result, view as "open"));
  });
  on("home.refresh", async ({ body, client }) => publishHome(core, client, where(body).teamId, body.user.id, logger));

  // The new-case form changed: the product narrows the features, the subject brings knowledge suggestions. Every value is kept.
  app.action<BlockAction>(/^(product|subject|knowledge\.suggest)$/, async ({ ack, body, action, client }) => {
    await ack();
    if (!body.view || body.view.callback_id !== "case.new") return;
    const values = formValues(body.view.state);
    const state = formState(body.view.private_metadata);
    const productChanged = (action as { action_id?: string }).action_id === "product";
    try {
      const ctx = await ctxOf(client, body);
      const card = await newCaseForm(core, ctx, { key: state.key, channel: state.channel, linked: state.linked, values: productChanged ? { ...values, feature: undefined } : values, suggest: true });
      await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: cards.renderSlackModal(card).view });
    } catch (error) {
      // A stale hash means the user changed the form again meanwhile; the next change refreshes it.
      logger.warn({ err: error }, "could not refresh the new-case form");
    }
  });

  // An article: over the form when filing (so "This answered my question" can end the filing), else privately in the channel.
  app.action<BlockAction>(ACTION("knowledge.open"), async ({ ack, body, action, client }) => {
    await ack();
    const button = action as ButtonAction;
    if (button.url) return; // a link: the browser opened it
    try {
      const article = await core.knowledge.get(await ctxOf(client, body), button.value ?? "");
      const card = cards.buildArticleCard(article);
      if (body.view) await showForm(client, body.trigger_id, { surface: "form", callbackId: "done", title: "Article", submitLabel: "Back", state: {}, blocks: card.blocks }, true);
      else await tell(client, body, card);
    } catch (error) {
      await tell(client, body, errorCard(error, logger).card);
    }
  });

  on("knowledge.browse", async ({ ctx, body, value, client }) => tell(client, body, await browseCard(core, ctx, value)));
  on("publication.open", async ({ ctx, body, value, client }) => tell(client, body, cards.buildPublicationCard(await core.publications.read(ctx, value))));

  on("knowledge.answered", async ({ ctx, body, value, client }) => {
    await core.knowledge.answered(ctx, { slug: value, query: "" });
    const thanks = cards.buildConfirmation("Glad that helped", "No case was filed. If the problem comes back, file a case any time with /case new.");
    if (body.view) {
      // Ends the filing: the form underneath becomes the thank-you too.
      const view = cards.renderSlackModal({ surface: "form", callbackId: "done", title: "Thanks", submitLabel: "Close", state: {}, blocks: thanks.blocks }).view;
      await client.views.update({ view_id: body.view.root_view_id ?? body.view.id, view });
      if (body.view.root_view_id && body.view.root_view_id !== body.view.id) await client.views.update({ view_id: body.view.id, view });
    } else await tell(client, body, thanks);
  });
}
