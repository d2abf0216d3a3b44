import type { App } from "@slack/bolt";
import * as cards from "../../cards/index.ts";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { browseCard } from "../shared/knowledge-cards.ts";
import { caseForm, escalationForm, newCaseForm, showForm } from "./forms.ts";
import { slackCtx } from "./identity.ts";
import { errorCard } from "./replies.ts";

/**
 * /case new [subject] | list [mine|open|account|closed] | show N | reply N text |
 * escalate N | search words | help. Anything else gets the help.
 */
export const HELP = [
  "*/case new* [subject]: file a new case",
  "*/case list* [mine | open | account | closed]: your cases (default: open)",
  "*/case show* N: a case and its latest comments",
  "*/case reply* N text: reply on a case",
  "*/case escalate* N: escalate a case",
  "*/case search* words: answers in the knowledge base, and your cases, accounts and contacts",
  "*/case browse* [product]: knowledge articles by product",
  "*/case help*: this list",
  "Reply in a case's thread to comment on it.",
].join("\n");

export type CaseCommand =
  | { verb: "new"; subject: string }
  | { verb: "list"; view: "mine" | "open" | "account" | "closed" }
  | { verb: "show" | "escalate"; number: string }
  | { verb: "reply"; number: string; text: string }
  | { verb: "search"; words: string }
  | { verb: "browse"; product: string }
  | { verb: "help" };

export function parseCaseCommand(text: string): CaseCommand {
  const [verb = "", ...rest] = text.trim().split(/\s+/);
  const arg = rest.join(" ");
  const number = rest[0] ?? "";
  switch (verb.toLowerCase()) {
    case "new":
      return { verb: "new", subject: arg };
    case "list": {
      const view = (rest[0] ?? "open").toLowerCase();
      return ["mine", "open", "account", "closed"].includes(view) ? { verb: "list", view: view as "open" } : { verb: "help" };
    }
    case "show":
    case "escalate":
      return /^\d{1,10}$/.test(number) ? { verb: verb.toLowerCase() as "show", number } : { verb: "help" };
    case "reply": {
      // Everything after "reply N", with its line breaks kept.
      const replyText = text.trim().replace(/^\S+\s+\S+\s*/, "");
      return /^\d{1,10}$/.test(number) && replyText ? { verb: "reply", number, text: replyText } : { verb: "help" };
    }
    case "search":
      return arg ? { verb: "search", words: arg } : { verb: "help" };
    case "browse":
      return { verb: "browse", product: arg };
    default:
      return { verb: "help" };
  }
}

export function registerCommands(app: App, core: Core, logger: Logger): void {
  app.command("/case", async ({ command, ack, client, respond }) => {
    const parsed = parseCaseCommand(command.text ?? "");
    if (parsed.verb === "help") {
      await ack({ response_type: "ephemeral", text: HELP });
      return;
    }
    // NOTE: Slack needs the ack within 3 seconds; the work follows it.
    await ack();
    const say = async (card: cards.MessageCard) => {
      const m = cards.renderSlackMessage(card);
      await respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks });
    };
    try {
      const ctx = await slackCtx(core, client, command.team_id, command.user_id);
      switch (parsed.verb) {
        case "new":
          await showForm(client, command.trigger_id, await newCaseForm(core, ctx, { channel: command.channel_id, subject: parsed.subject }));
          return;
        case "list":
          await say(cards.buildCaseList(await core.cases.list(ctx, { view: parsed.view }), parsed.view));
          return;
        case "show":
          await say(cards.buildCaseCard(await core.cases.get(ctx, parsed.number), core.catalog, { maxComments: 10 }));
          return;
        case "escalate":
          await showForm(client, command.trigger_id, await escalationForm(core, ctx, parsed.number));
          return;
        case "reply": {
          const result = await core.cases.comment(ctx, parsed.number, { body: parsed.text });
          await say(cards.buildConfirmation(`Reply added to case ${result.case.number}`, result.reopened ? "Your reply reopened the case." : "Support will see it on the case."));
          return;
        }
        case "browse":
          await say(await browseCard(core, ctx, parsed.product));
          return;
        case "search":
          await say(cards.buildKnowledgeResults(parsed.words, await core.knowledge.search(ctx, { query: parsed.words })));
          await say(cards.buildSearchResults(await core.search(ctx, { query: parsed.words })));
          return;
      }
    } catch (error) {
      await say(errorCard(error, logger).card);
    }
  });
}

export { caseForm };
