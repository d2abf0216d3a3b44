import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { allCards } from "../test/cards/fixtures.ts";
import { renderBoth } from "../test/cards/render-helpers.ts";

/**
 * docs/screens.md: every card carebot shows, as a picture of its Teams Adaptive Card
 * (drawn by Microsoft's `adaptivecards` renderer in headless Chromium: `npm run docs:cards`)
 * and its Slack Block Kit JSON (the committed golden file, and a link that opens it in
 * Slack's Block Kit Builder; Slack has no offline renderer). The cards are the card
 * tests' own fixtures (test/cards/fixtures.ts), so the pictures show what the goldens hold.
 *
 * This module is pure (no browser), so test/docs/screens.test.ts can check quickly that
 * the committed page is current and names every card.
 */

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SCREENS_PAGE = "docs/screens.md";
export const PICTURES_DIR = "docs/images/cards";

export interface Screen {
  /** The fixture's name in test/cards/fixtures.ts (and of its golden files). */
  card: string;
  title: string;
  /** Who sees it, where, and what it does. */
  text: string;
}

export interface Section {
  title: string;
  intro: string;
  screens: Screen[];
}

export const SECTIONS: Section[] = [
  {
    title: "Filing a case",
    intro: "A customer opens the form with `/case new` in Slack or `new case` in Teams (or the message shortcut / message action \"Open a support case\" on any message). In Slack the form is a modal; in Teams it is an Adaptive Card dialog.",
    screens: [
      { card: "new-case-form", title: "New case form", text: "The spec's sections: account and contact (a parent account's users pick among their hierarchy; filing on behalf of another contact), case type, severity with its guidance, subject, description with the prompts as hints, product and feature, partner ID, example link, steps to reproduce, an optional test login, phone and up to 5 CC addresses." },
      { card: "new-case-form-product-chosen", title: "New case form, product chosen, with suggestions", text: "Once a product is chosen the feature list follows it, and knowledge articles matching the subject are suggested before filing (Slack refreshes them as the subject is typed; Teams has **Check for answers**)." },
      { card: "new-case-form-errors", title: "New case form with mistakes", text: "Each mistake is shown on its field, all at once, and every value typed is kept except the test password, which is never sent back to a client. A severity that does not fit the case type is warned about." },
      { card: "severity-guide", title: "Severity guide", text: "The four severity definitions, the facts that decide severity, and a short guided chooser." },
      { card: "severity-recommendation", title: "Severity recommendation", text: "What the guided chooser recommends from the answers, with a warning when the case type and severity do not fit (a feature request is S4)." },
      { card: "notice-confirmation", title: "Case filed", text: "The confirmation after filing; the case card follows where the form was opened, and that thread follows the case." },
    ],
  },
  {
    title: "Case cards",
    intro: "A case card is posted where the case was filed (or followed), and redrawn as the case changes. Its buttons are the actions this viewer may take now; in Teams they are `Action.Execute`, so the card updates for everyone in the conversation.",
    screens: [
      { card: "case-card-open", title: "Case card (customer view, open case)", text: "Number, subject, status, severity, owner, product, last update, the promise of the next update (*Next update by 14:30 on Thu 5 Mar, America/New_York time*, in the vendor's business-hours zone; never the internal targets, even when staff open it), the latest comments, and the customer's actions: Reply, Escalate, Recommend to close, Details." },
      { card: "case-card-files", title: "Case card with files", text: "The case's files (issue 14), newest last: name, size, who added them and from where (Slack, Teams, email). A file of an internal note is listed for staff only. Details and `show` answer one reader privately and give each file a **Download** link signed for that reader, valid for an hour; cards posted in a thread, read by many, name the files without links." },
      { card: "case-card-partner", title: "Case card, handed to a partner, close recommended", text: "The partner's name shows on the case once staff handed it over; after the customer recommends closing, the card says so until staff close it." },
      { card: "case-card-closed-reopen", title: "Closed case, within the reopen window", text: "A closed case with its closing reason. Within the reopen window (7 days by default) a reply reopens it, so the card offers **Reopen**." },
      { card: "case-card-closed-linked", title: "Closed case, after the reopen window", text: "After the window a reply cannot reopen the case; the card offers **New linked case** instead (here the case was closed as a duplicate of another)." },
      { card: "triage-card", title: "Triage card (staff)", text: "What engineers see in the triage channel for each new case: the internal priority, the time to the soonest service-level target with its state (here *First response due in 42 min (warning)*), and every staff action (Take, Assign, Set In Progress, Ask customer, Internal note, Change severity, Set priority, Hand to partner, Close, Show test login)." },
      { card: "triage-card-escalated", title: "Triage card of an escalated case (staff)", text: "The staff card lists the case's escalations (who escalated, the reason, the description, and the support feedback so far) with a **Support feedback** button on each. This one's promised update is past due: *Next update 1 h 10 min late (breached)*." },
      { card: "triage-card-paused", title: "Triage card of a case waiting on the customer (staff)", text: "While the case is Pending Your Response its first-response clock is paused, and the card says so." },
      { card: "triage-queue", title: "Triage queue (staff)", text: "`/case queue` (Slack) or `queue` (Teams chat): open cases by time to breach, late ones first and paused ones last, each with its soonest clock and **Open**. Customers who type it are told only support staff see it." },
      { card: "triage-queue-empty", title: "Triage queue, nothing running", text: "What the queue says when no open case has a running clock." },
    ],
  },
  {
    title: "Escalating",
    intro: "A customer escalates from the case card's **Escalate** button or with `/case escalate N` (Slack) / `escalate N` (Teams).",
    screens: [
      { card: "escalation-form", title: "Escalation form", text: "The six reasons with their help text and a description of at most 250 characters. When the case has no earlier escalation the form warns that Requesting Management Attention is meant for an escalation that got no answer or an unsatisfying one." },
      { card: "escalation-form-errors", title: "Escalation form with a mistake", text: "A description over the limit is refused on its field, with the text kept." },
      { card: "escalation-feedback-form", title: "Support feedback on an escalation (staff)", text: "Staff record their feedback on an escalation; customers never see this form, and the core refuses it to anyone but staff." },
      { card: "escalation-ack", title: "Escalation acknowledgement", text: "The answer at once: when the next update comes, by the case's severity (S1 *Immediately*, S2 *Within the upcoming hours*, S3 and S4 *Will be handled within 24 hours*), with the time it is due by. The on-call channel (or management) is notified." },
    ],
  },
  {
    title: "Finding cases and answers",
    intro: "Case views, search across what the user may see, and the knowledge base.",
    screens: [
      { card: "case-list", title: "A case view with paging", text: "`/case list [mine|open|account|closed]` in Slack, `my cases` / `open` / `account` / `closed` in Teams: All My Cases, My Open Cases, My Account's Open Cases, My Closed Cases, with Previous and Next." },
      { card: "case-list-empty", title: "An empty case view", text: "What a view with nothing in it says." },
      { card: "account-list", title: "Accounts to choose from", text: "`/case accounts` (Slack) or `my account` (Teams) by someone who may see several accounts (a parent account's users, staff): each with **Open**." },
      { card: "account-card", title: "An account", text: "The account's type and parent, seats used of the service package, the Customer Success Manager, and its contacts (inactive ones marked). Shown at once to someone with one account, and from **Open** on search results." },
      { card: "search-results", title: "Search results", text: "Cases, accounts and contacts matching the words, limited to what the user may see." },
      { card: "knowledge-results", title: "Knowledge results", text: "`/case search words` (Slack) or `search words` (Teams) shows matching articles first; while filing, a matching article can end the filing." },
      { card: "knowledge-browse-products", title: "Browse: the products", text: "`/case browse` (Slack) or `browse` (Teams) without a product lists the products, each with its **Articles** button." },
      { card: "knowledge-browse-articles", title: "Browse: one product's articles", text: "`browse uploads` or **Articles** on a product lists its articles with when each was updated; **Read** opens one." },
      { card: "article", title: "A knowledge article", text: "An article opened in chat, with **This answered my question**, which ends a filing and is counted." },
      { card: "rca-list", title: "The RCA list", text: "`/case rcas` (Slack) or `rcas` (Teams): the latest ten root-cause analyses, each with **Read**." },
      { card: "product-updates-empty", title: "Product updates, none yet", text: "`/case updates` (Slack) or `product updates` (Teams) lists the latest ten product updates; this is what it says before any is published." },
      { card: "rca-card", title: "An RCA", text: "A root-cause analysis (published for S1 incidents only) opened with **Read** on the home dashboard; product updates look the same." },
    ],
  },
  {
    title: "Home",
    intro: "Slack's App Home tab (and `/case home`); in Teams the same card answers `home` and greets a user who installs the app.",
    screens: [
      { card: "home", title: "Home dashboard", text: "Open cases, recently viewed items, knowledge links, product updates and RCAs, with buttons to file a case and open the views." },
    ],
  },
  {
    title: "Staff forms",
    intro: "Opened from the case card's or triage card's buttons. In Slack they are modals; in Teams, dialogs.",
    screens: [
      { card: "reply-form", title: "Reply", text: "A public comment on the case (customers use the same form)." },
      { card: "internal-note-form", title: "Internal note", text: "A note only staff see; it goes only into staff threads. In a triage thread, a reply starting with `internal:` or `note:` does the same." },
      { card: "ask-customer-form", title: "Ask the customer", text: "A question to the customer; the case becomes Pending Your Response and the clock starts (reminder after 5 days, automatic close after 10)." },
      { card: "change-severity-form", title: "Change severity (with a mistake)", text: "A new severity with the reason the customer will see; here the reason is missing." },
      { card: "set-priority-form", title: "Set priority", text: "The internal priority; it defaults to the severity and customers never see it." },
      { card: "close-form", title: "Close", text: "Only staff close, with one of the six reasons (a duplicate names its original)." },
      { card: "hand-to-partner-form", title: "Hand to a partner", text: "Hands the case to a certified partner: their support channel gets it, and their staff may see and answer it." },
      { card: "assign-form", title: "Assign", text: "Gives the case to an engineer." },
    ],
  },
  {
    title: "Notices",
    intro: "Short answers in the conversation.",
    screens: [
      { card: "notice-validation", title: "Please check what you entered", text: "A mistake outside a form (for example in a command), naming each field." },
      { card: "notice-unexpected", title: "Something went wrong", text: "An unexpected failure: our words and a reference that support can find in the logs, never an exception's text." },
      { card: "access-guidance", title: "Not set up yet", text: "What a chat user who is no contact (and no staff) is told: how to get access." },
    ],
  },
  {
    title: "Email",
    intro: "Replies by email that carebot held for staff, and each contact's choice of email updates ([email.md](email.md)).",
    screens: [
      { card: "held-email-list", title: "Held email (staff)", text: "`/case held` (Slack) or `held mail` (Teams chat): replies held for a decision, newest first: the case, the sender, when, its files, why it was held and whom a release writes it as, with **Release as …** and **Discard**. A reply that claims nobody carebot knows has no Release here (the CLI names the person). Customers who type it are told only support staff may." },
      { card: "held-email-triage", title: "A reply held, in the triage channel (staff)", text: "Posted to the triage channel (Slack and Teams) when a reply is held: the case, the sender, the subject, why it was held and whom a release writes it as, with **Release as …** and **Discard**. The customer's threads hear nothing of it." },
      { card: "held-email-list-empty", title: "Held email, none waiting", text: "What the list says when no reply is held." },
      { card: "held-email-released", title: "Held email released", text: "After **Release**: the reply is a comment by that person on its case, its files attached; **Discard** answers that it stays on record and never becomes a comment." },
      { card: "email-preference-saved", title: "Email preference saved", text: "`/case email on|off|auto` (Slack) or `email updates on|off|auto` (Teams chat): a contact's own choice (every update by email, chat only, or email when no chat thread of theirs follows the case); `email` alone shows it." },
    ],
  },
];

/** The Block Kit payload Slack's Block Kit Builder opens: a message's blocks, a modal's view, or the home view. */
export function builderPayload(slack: unknown): unknown {
  const value = slack as { view?: unknown; type?: string; blocks?: unknown[] };
  if (value.view) return value.view;
  if (value.type === "home") return value;
  return { blocks: value.blocks };
}

export function builderLink(slack: unknown): string {
  // encodeURIComponent leaves parentheses, which would end a Markdown link early.
  const encoded = encodeURIComponent(JSON.stringify(builderPayload(slack))).replace(/\(/g, "%28").replace(/\)/g, "%29");
  return `https://app.slack.com/block-kit-builder/#${encoded}`;
}

export const pictureFile = (card: string) => `${PICTURES_DIR}/${card}.png`;

/** Which Adaptive Card each picture was drawn from (a hash of its JSON), so a test tells a stale picture. */
export const PICTURES_INDEX = `${PICTURES_DIR}/drawn-from.json`;

export function cardHash(teams: unknown): string {
  return createHash("sha256").update(JSON.stringify(teams)).digest("hex").slice(0, 16);
}

/** Every card rendered for both platforms, by fixture name. */
export function renderedCards() {
  return Object.fromEntries(Object.entries(allCards()).map(([name, card]) => [name, renderBoth(card)]));
}

export function screensPage(): string {
  const rendered = renderedCards();
  const lines = [
    "# Every screen",
    "",
    "<!-- Generated by `npm run docs:cards` (scripts/docs-screens.ts, scripts/docs-cards.ts); do not edit by hand.",
    "     test/docs/screens.test.ts fails when this page is out of date or misses a card. -->",
    "",
    "Each card carebot shows, in its typical states, from the card tests' own fixtures",
    "(`test/cards/fixtures.ts`; the sample case is Acme Media's 00010042). The pictures are",
    "the **Teams** Adaptive Cards drawn by Microsoft's official renderer (the `adaptivecards`",
    "package) in headless Chromium; Teams' own styling differs a little (fonts, colours).",
    "Slack has no offline renderer, so for **Slack** each card links its Block Kit JSON (the",
    "committed golden file the tests compare against) and a link that opens it in Slack's",
    "Block Kit Builder (sign in to Slack to see it).",
    "",
    "To see them live without a workspace, run `npm run playground`: carebot in Microsoft's",
    "Agents Playground, with screenshots in [teams.md](teams.md#try-it-locally-agents-playground).",
    "",
  ];
  for (const section of SECTIONS) {
    lines.push(`- [${section.title}](#${section.title.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")})`);
  }
  lines.push("");
  for (const section of SECTIONS) {
    lines.push(`## ${section.title}`, "", section.intro, "");
    for (const screen of section.screens) {
      const both = rendered[screen.card];
      if (!both) throw new Error(`no card fixture named ${screen.card}`);
      lines.push(
        `### ${screen.title}`,
        "",
        screen.text,
        "",
        `![${screen.title}, in Teams](images/cards/${screen.card}.png)`,
        "",
        `Slack: [Block Kit JSON](../test/cards/__golden__/${screen.card}.slack.json) · [open in Block Kit Builder](${builderLink(both.slack)}) · Teams: [Adaptive Card JSON](../test/cards/__golden__/${screen.card}.teams.json)`,
        "",
      );
    }
  }
  return lines.join("\n");
}
