import { z } from "zod";
import * as cards from "../cards/index.ts";
import { caseViewSchema } from "../core/cases/schemas.ts";
import { buildEmailPreferenceCard, buildHeldEmailList } from "../cards/email-cards.ts";
import type { Logger } from "../logger.ts";
import { escalationForm, newCaseForm } from "./form-builders.ts";
import { homeFor } from "./home.ts";
import { browseCard } from "./knowledge.ts";
import type { CommandSource, Env, Outcome } from "./outcome.ts";
import { parse } from "./values.ts";
import { connectChannel, disconnectChannel, verifyIdentity } from "./channels.ts";
import { linkWorkspace, listWorkspaces, unlinkWorkspace } from "./workspaces.ts";
import { readerFileLinks } from "./form-files.ts";

/**
 * Every typed command, once: the words that call it (Slack's `/case …` and the words
 * typed to the bot in Slack's Messages tab, a Teams chat or after @carebot in a channel
 * all read the same), its arguments' schema, and the core call. Anything else is the help.
 */
interface Command<A> {
  /** The words, tried in order; named groups are the arguments. */
  words: RegExp[];
  args: z.ZodType<A>;
  /** Whether it stores something (a redelivered one must not be lost: see Teams' turn limits). */
  writes?: true;
  /** For the help: how to type it after `/case` (Slack), how to type it to the bot, and what it does. */
  help: { slash?: string; chat?: string; does: string };
  run(env: Env, args: A, source: CommandSource, logger: Logger): Promise<Outcome>;
}

export interface AnyCommand {
  words: RegExp[];
  args: z.ZodType<unknown>;
  writes?: true;
  help: { slash?: string; chat?: string; does: string };
  run(env: Env, args: never, source: CommandSource, logger: Logger): Promise<Outcome>;
}

const command = <A>(c: Command<A>): Command<A> => c;
const workspaceArgs = z.object({ platform: z.string().max(10).optional(), tenant: z.string().max(200), account: z.string().max(200) });
const number = z.string().regex(/^\d{1,10}$/);
/** As many as a chat card holds with room to spare (Slack allows 50 blocks). */
const QUEUE_SHOWN = 20;
const reply = (...shown: cards.MessageCard[]): Outcome => ({ kind: "reply", cards: shown });

/** The card offered where a form cannot open from a typed message: its button opens the form. */
function offer(title: string, text: string, actions: cards.CardAction[]): cards.MessageCard {
  const card = cards.buildNotice({ title, text });
  card.blocks.push({ type: "actions", actions });
  return card;
}

/** Offered where the new-case form cannot open from a typed message. */
export const newCaseOffer = () =>
  offer("File a new support case", "The form asks for what support needs to help you quickly.", [
    { id: "case.new", label: "Open the new-case form", value: "new", style: "primary" },
    { id: "severity.guide", label: "Which severity?", value: "guide" },
  ]);

/** Offered where the escalation form cannot open from a typed message. */
export const escalationOffer = (number: string) =>
  offer(`Escalate case ${number}`, "The form asks why, and says when the next update comes.", [{ id: "case.escalate", label: "Open the escalation form", value: number, style: "primary" }]);

export const commands = {
  new: command({
    words: [/^(?:new|file(?: a)?)(?: case)?(?:\s+(?<subject>[\s\S]*))?$/i],
    args: z.object({ subject: z.string().max(200).default("") }),
    help: { slash: "new [subject]", chat: "new case", does: "file a new support case" },
    // The new-case form is too big for a chat card: where no modal or dialog can open, its button is offered.
    run: async (env, { subject }, source) => ((source.forms ?? "open") === "open" ? { kind: "form", form: await newCaseForm(env, { channel: source.channel, subject }) } : reply(newCaseOffer())),
  }),
  list: command({
    words: [
      /^list(?:\s+(?<view>\S+))?$/i,
      /^(?<view>mine|open|account|closed)$/i,
      /^(?:all )?my (?<view>cases)$/i,
      /^my (?<view>open|closed) cases$/i,
      /^my (?<view>account)'?s open cases$/i,
    ],
    args: z.object({ view: z.string().max(100).optional() }),
    help: { slash: "list [mine | open | account | closed]", chat: "my cases · open · account · closed", does: "your cases (default: open)" },
    run: async ({ core, ctx }, args) => {
      const typed = (args.view || "open").toLowerCase();
      const view = parse(caseViewSchema, typed === "cases" ? "mine" : typed, "view");
      return reply(cards.buildCaseList(await core.cases.list(ctx, { view }), view));
    },
  }),
  show: command({
    words: [/^(?:show|case)\s+(?<number>\S+)$/i],
    args: z.object({ number }),
    help: { slash: "show N", chat: "case N", does: "a case and its latest comments" },
    // Answered to the asker alone: on Slack its files carry download links signed for them (readerFileLinks).
    run: async ({ core, ctx }, args, source) =>
      reply(cards.buildCaseCard(await core.cases.get(ctx, args.number), core.catalog, { maxComments: 10, timeZone: source.timeZone, fileUrl: await readerFileLinks({ core, ctx }) })),
  }),
  reply: command({
    words: [/^reply\s+(?<number>\S+)\s+(?<text>[\s\S]+)$/i],
    args: z.object({ number, text: z.string().min(1) }),
    writes: true,
    help: { slash: "reply N text", chat: "reply N text", does: "reply on a case" },
    run: async ({ core, ctx }, args, source) => {
      const result = await core.cases.comment(ctx, args.number, { body: args.text, externalId: source.deliveryId });
      return reply(cards.buildConfirmation(`Reply added to case ${result.case.number}`, result.reopened ? "Your reply reopened the case." : "Support will see it on the case."));
    },
  }),
  escalate: command({
    words: [/^escalate\s+(?<number>\S+)$/i],
    args: z.object({ number }),
    help: { slash: "escalate N", chat: "escalate N", does: "escalate a case" },
    run: async (env, args, source) => (source.forms === "offer" ? reply(escalationOffer(args.number)) : { kind: "form", form: await escalationForm(env, args.number) }),
  }),
  search: command({
    words: [/^search\s+(?<words>[\s\S]+)$/i],
    args: z.object({ words: z.string().max(1_000) }),
    help: { slash: "search words", chat: "search words", does: "answers in the knowledge base, and your cases, accounts and contacts" },
    run: async ({ core, ctx }, { words }) =>
      reply(cards.buildKnowledgeResults(words, await core.knowledge.search(ctx, { query: words })), cards.buildSearchResults(await core.search(ctx, { query: words }))),
  }),
  browse: command({
    words: [/^browse(?:\s+(?<product>[\s\S]*))?$/i],
    args: z.object({ product: z.string().max(200).default("") }),
    help: { slash: "browse [product]", chat: "browse [product]", does: "knowledge articles by product" },
    run: async (env, { product }) => reply(await browseCard(env, product)),
  }),
  follow: command({
    words: [/^follow\s+(?<number>\S+)$/i],
    args: z.object({ number }),
    writes: true,
    help: { slash: "follow N", chat: "follow N", does: "post a case here; replies in its thread become comments" },
    run: async ({ core, ctx }, args) => ({ kind: "follow", view: await core.cases.get(ctx, args.number) }),
  }),
  accounts: command({
    words: [/^(?:my )?accounts$|^my account$|^account info$/i],
    args: z.object({}),
    help: { slash: "accounts", chat: "my account", does: "your account: contacts, seats and your Customer Success Manager" },
    run: async ({ core, ctx }) => {
      const accounts = await core.directory.listAccounts(ctx);
      // One account (most people): its card at once; several (a parent account, staff): the list to choose from.
      if (accounts.length === 1) return reply(cards.buildAccountCard(await core.directory.getAccount(ctx, accounts[0]!.id)));
      return reply(cards.buildAccountList(accounts));
    },
  }),
  updates: command({
    words: [/^(?:product )?updates$/i],
    args: z.object({}),
    help: { slash: "updates", chat: "product updates", does: "the latest product updates" },
    run: async ({ core, ctx }) => reply(cards.buildPublicationList("PRODUCT_UPDATE", await core.publications.latest(ctx, "PRODUCT_UPDATE", 10))),
  }),
  rcas: command({
    words: [/^(?:rcas?|root[- ]cause analys[ei]s)$/i],
    args: z.object({}),
    help: { slash: "rcas", chat: "rcas", does: "root-cause analyses of S1 incidents" },
    run: async ({ core, ctx }) => reply(cards.buildPublicationList("RCA", await core.publications.latest(ctx, "RCA", 10))),
  }),
  queue: command({
    words: [/^(?:triage )?queue$/i],
    args: z.object({}),
    help: { slash: "queue", chat: "queue", does: "support staff: open cases by time to breach, each with its Open button" },
    // The core refuses anyone but staff with its own message; the card shows the 20 nearest their targets.
    run: async ({ core, ctx }) => reply(cards.buildTriageQueue(await core.serviceLevels.queue(ctx, { limit: QUEUE_SHOWN }))),
  }),
  linkWorkspace: command({
    words: [/^link[- ]workspace(?:\s+(?<platform>slack|teams))?\s+(?<tenant>\S+)\s+(?<account>\S[\s\S]*)$/i],
    args: workspaceArgs,
    writes: true,
    help: { slash: "link-workspace ID account", chat: "link workspace ID account", does: "support staff: a customer's Slack workspace (T…), Grid org (E…) or Teams tenant belongs to the account" },
    run: (env, args) => linkWorkspace(env, args),
  }),
  unlinkWorkspace: command({
    words: [/^unlink[- ]workspace(?:\s+(?<platform>slack|teams))?\s+(?<tenant>\S+)\s+(?<account>\S[\s\S]*)$/i],
    args: workspaceArgs,
    writes: true,
    help: { slash: "unlink-workspace ID account", chat: "unlink workspace ID account", does: "support staff: end that link" },
    run: (env, args) => unlinkWorkspace(env, args),
  }),
  workspaces: command({
    words: [/^workspaces$/i],
    args: z.object({}),
    help: { slash: "workspaces", chat: "workspaces", does: "support staff: installed workspaces and the accounts they belong to" },
    run: (env) => listWorkspaces(env),
  }),
  connect: command({
    words: [/^connect(?:\s+(?<account>[\s\S]*))?$/i],
    args: z.object({ account: z.string().max(200).default("") }),
    writes: true,
    help: { slash: "connect account", chat: "connect account", does: "support staff: this channel (shared with a customer) becomes that account's support channel" },
    run: (env, args, source) => connectChannel(env, args, source),
  }),
  disconnect: command({
    words: [/^disconnect$/i],
    args: z.object({}),
    writes: true,
    help: { slash: "disconnect", chat: "disconnect", does: "support staff: this channel is no longer an account's support channel" },
    run: (env, _args, source) => disconnectChannel(env, source),
  }),
  verify: command({
    words: [/^verify(?:\s+(?<what>[\s\S]*))?$/i],
    args: z.object({ what: z.string().max(500).default("") }),
    writes: true,
    help: { slash: "verify your@address | code | your name", chat: "verify your@address | code | your name", does: "in a customer's support channel: confirm you are one of its contacts (a code emailed to your address on file, or staff approval)" },
    run: (env, args, source) => verifyIdentity(env, args, source),
  }),
  email: command({
    words: [/^email(?: updates)?(?:\s+(?<choice>on|always|off|chat|chat[- ]only|auto|default))?$/i],
    args: z.object({ choice: z.string().max(20).optional() }),
    help: { slash: "email [on | off | auto]", chat: "email updates on · off · auto", does: "whether case updates reach you by email (off: chat only)" },
    run: async ({ core, ctx }, { choice }) => {
      if (!choice) return reply(buildEmailPreferenceCard(await core.email.preferences.get(ctx), false));
      const word = choice.toLowerCase();
      const emailUpdates = word === "on" || word === "always" ? "ALWAYS" : word === "auto" || word === "default" ? "AUTO" : "CHAT_ONLY";
      return reply(buildEmailPreferenceCard(await core.email.preferences.set(ctx, { emailUpdates }), true));
    },
  }),
  held: command({
    words: [/^held(?: (?:mail|emails?))?$/i],
    args: z.object({}),
    help: { slash: "held", chat: "held mail", does: "support staff: email replies held for a decision, each with Release and Discard" },
    // The core refuses anyone but staff and the operator with its own message.
    run: async ({ core, ctx }) => reply(buildHeldEmailList(await core.email.inbound.held(ctx))),
  }),
  home: command({
    words: [/^home$/i],
    args: z.object({}),
    help: { slash: "home", chat: "home", does: "your open cases, recently viewed, knowledge, product updates and RCAs" },
    run: async (env, _args, _source, logger) => ({ kind: "home", home: await homeFor(env, logger) }),
  }),
  help: command({
    words: [],
    args: z.object({}),
    help: { slash: "help", chat: "help", does: "this list" },
    run: async () => reply(chatHelp()),
  }),
} satisfies Record<string, AnyCommand>;

export type CommandVerb = keyof typeof commands;
export const COMMAND_VERBS = Object.keys(commands) as CommandVerb[];

/** What was typed: the command it calls and its arguments as typed (each command's schema parses them when it runs). */
export interface Typed {
  verb: CommandVerb;
  args: Record<string, string | undefined>;
}

export function readCommand(text: string): Typed {
  // Spaces collapse, except inside a reply's text, whose line breaks are kept.
  const trimmed = text.trim();
  const oneLine = trimmed.replace(/\s+/g, " ");
  for (const verb of COMMAND_VERBS) {
    for (const words of (commands[verb] as AnyCommand).words) {
      const match = (verb === "reply" ? trimmed : oneLine).match(words);
      if (match) return { verb, args: { ...match.groups } };
    }
  }
  return { verb: "help", args: {} };
}

/** Whether what was typed would store something. */
export const commandWrites = (text: string): boolean => (commands[readCommand(text).verb] as AnyCommand).writes === true;

/** The help of `/case` (Slack's slash command: Slack formats its text). */
export const SLASH_HELP = [
  ...COMMAND_VERBS.flatMap((verb) => {
    const h = (commands[verb] as AnyCommand).help;
    return h.slash ? [`*/case ${h.slash}*: ${h.does}`] : [];
  }),
  "Reply in a case's thread to comment on it.",
].join("\n");

/** The help of the words typed to the bot (Teams, and Slack's Messages tab): a card, the same on both. */
export function chatHelp(): cards.MessageCard {
  const lines = COMMAND_VERBS.flatMap((verb) => {
    const h = (commands[verb] as AnyCommand).help;
    return h.chat ? [`${h.chat}: ${h.does}`] : [];
  });
  return cards.buildNotice({ title: "carebot: what you can ask", text: [...lines, "Reply in a case's thread to comment on it."].join("\n\n") });
}
