import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArticles, SAMPLE_ARTICLES_DIR } from "../../src/core/knowledge/article-files.ts";
import type { Ctx } from "../../src/core/index.ts";
import { ACTION_IDS, COMMAND_VERBS, FORM_IDS, opensForm, type ActionId, type CommandVerb, type FormId } from "../../src/interactions/index.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { adaptiveCardProblems } from "../support/adaptive-check.ts";
import { blockAction, commandBody, interactiveBody, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { CHANNEL, channelConversation, invoke, message, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { filing, operator } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

/**
 * Every interaction of the tables (src/interactions), through both adapters end to end:
 * each button pressed with a signed Slack block_actions payload and as a Teams invoke
 * (task/fetch for a button that opens a form, adaptiveCard/action otherwise), each form
 * submitted as a Slack view_submission and a Teams task/submit, each command typed as
 * `/case …` and as a Teams message. The scenario tables are typed by the tables' ids
 * (`satisfies Record<ActionId, …>`), so an interaction added without a scenario here does
 * not compile. Each answer must be what the interaction promises, on both platforms, and
 * never an error.
 */
const FORM = "application/x-www-form-urlencoded";
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };
const eve: TeamsUser = { id: "29:eve", aadObjectId: "aad-eve", name: "Eve Engineer" };
type Who = "ada" | "eve";
type Platform = "slack" | "teams";

/** Words an error card shows: none may appear in an answer here. */
const ERRORS = ["That did not work", "Something went wrong", "Please check what you entered", "not set up for support"];

/** Where the pressed card sits: a Slack message (channel, ts) or a Teams channel thread's root. */
interface Place {
  value: string;
  slack?: { channel: string; ts: string };
  teamsThread?: string;
  /** Pressed inside an open form (its id and state). */
  inForm?: { callbackId: FormId; state: Record<string, string>; values: Record<string, string> };
}

interface ButtonScenario {
  by: Who;
  /** What the press answers with, and a text it shows. */
  answer: { kind: "form"; form: FormId } | { kind: "reply" | "redraw" | "home" | "done" };
  /** Texts the answer shows, all of them. */
  sees: string | string[];
  place(platform: Platform): Promise<Place>;
}

describe("every interaction, through Slack and Teams", () => {
  let s: SlackWorld;
  let connector: FakeBotConnector;
  let teamsEndpoint = "";
  let rcaId = "";
  let counter = 0;
  const adaCtx = (): Ctx => ({ actor: { personId: s.w.people.acmeUser.id }, source: "cli" });
  const slackUser = (who: Who) => (who === "ada" ? s.users.ada : s.users.eve);
  const teamsUser = (who: Who) => (who === "ada" ? ada : eve);

  /** A case of Ada's, with a test login stored, new each time (presses change cases). */
  async function freshCase(subject = "Every interaction") {
    counter += 1;
    const { case: c } = await s.t.app.core.cases.file(adaCtx(), filing(s.w.accounts.acme.id, { subject: `${subject} ${counter}`, credentials: { username: "tester", password: "pw-123" } }));
    return c;
  }

  /** A card at the root of a thread that follows a fresh case for an audience, on one platform. */
  async function followedCard(platform: Platform, audience: "CUSTOMER" | "STAFF") {
    const c = await freshCase();
    counter += 1;
    const root = platform === "slack" ? `1700001${String(counter).padStart(3, "0")}.000100` : `17000010${counter}`;
    const channelId = platform === "slack" ? (audience === "STAFF" ? "CTRIAGE" : "C1") : CHANNEL;
    await s.t.app.core.threads.follow(operator, { case: c.number, platform, tenantId: platform === "slack" ? "T1" : TENANT, channelId, threadId: root, audience });
    return { value: c.number, slack: { channel: channelId, ts: root }, teamsThread: root };
  }

  const caseNumber = async () => ({ value: (await freshCase()).number });
  /** A fresh case escalated by Ada: "number:escalation id", as the triage card's feedback button carries it. */
  async function escalated() {
    const c = await freshCase();
    const { escalationId } = await s.t.app.core.cases.escalate(adaCtx(), c.number, { reason: "CASE_UPDATE_NEEDED", description: "Need an update." });
    return { number: c.number, escalationId };
  }
  const fixed = (value: string) => async () => ({ value });
  /** A fresh guest's request, in a channel bound to Acme, that staff confirm them as Alan: its id, as the triage card's buttons carry it. */
  async function identityRequest() {
    counter += 1;
    await s.t.app.core.channels.bind(operator, { platform: "slack", tenantId: "T1", channelId: "CACMEIDENT", account: "Acme Media" });
    const chat = { platform: "slack" as const, tenantId: "TGUEST", userId: `UGUEST${counter}` };
    await s.t.app.core.identityClaims.verify({ actor: { chat }, source: "slack" }, { channelId: "CACMEIDENT", text: "Alan Acme" });
    return { value: (await s.t.app.db.prisma.identityClaim.findFirstOrThrow({ where: { userId: chat.userId } })).id };
  }
  /** A fresh case of Ada's closed by Eve (solution provided): Ada, its contact, is asked to rate the support. */
  async function closedCase() {
    const c = await freshCase();
    await s.t.app.core.cases.close({ actor: { personId: s.w.people.engineer.id }, source: "cli" }, c.number, { reason: "SOLUTION_PROVIDED" });
    return c.number;
  }

  /** A forged reply to a fresh case of Ada's, held for staff: its id, as the held-email card's buttons carry it. */
  async function heldEmail() {
    const c = await freshCase();
    counter += 1;
    const messageId = `<held-${counter}@elsewhere.test>`;
    await s.t.app.core.email.inbound.receive({ messageId, caseNumber: Number(c.number), recipient: { kind: "person", personId: s.w.people.acmeUser.id }, from: "mallory@elsewhere.test", subject: `Re: [Case ${c.number}]`, body: "Forged reply", automatic: null });
    return { value: (await s.t.app.db.prisma.inboundEmail.findUniqueOrThrow({ where: { messageId } })).id };
  }

  const buttons = {
    "email.release": { by: "eve", answer: { kind: "reply" }, sees: ["Email released to case", "Ada Acme"], place: heldEmail },
    "email.discard": { by: "eve", answer: { kind: "reply" }, sees: "Email discarded", place: heldEmail },
    "case.reply": { by: "ada", answer: { kind: "form", form: "case.reply" }, sees: "Your reply", place: caseNumber },
    "case.reopen": { by: "ada", answer: { kind: "form", form: "case.reply" }, sees: "Your reply", place: caseNumber },
    "case.internalNote": { by: "eve", answer: { kind: "form", form: "case.internalNote" }, sees: "Only support staff see internal notes.", place: caseNumber },
    "case.askCustomer": { by: "eve", answer: { kind: "form", form: "case.askCustomer" }, sees: "What do you need from the customer?", place: caseNumber },
    "case.changeSeverity": { by: "eve", answer: { kind: "form", form: "case.changeSeverity" }, sees: "New severity", place: caseNumber },
    "case.setPriority": { by: "eve", answer: { kind: "form", form: "case.setPriority" }, sees: "Internal priority", place: caseNumber },
    "case.close": { by: "eve", answer: { kind: "form", form: "case.close" }, sees: "Note to the customer", place: caseNumber },
    "case.handToPartner": { by: "eve", answer: { kind: "form", form: "case.handToPartner" }, sees: "CaptionCo", place: caseNumber },
    "case.assign": { by: "eve", answer: { kind: "form", form: "case.assign" }, sees: "Max Manager", place: caseNumber },
    "case.escalate": { by: "ada", answer: { kind: "form", form: "case.escalate" }, sees: "no earlier escalation", place: caseNumber },
    "case.new": { by: "ada", answer: { kind: "form", form: "case.new" }, sees: "New support case", place: fixed("new") },
    "case.newLinkedCase": { by: "ada", answer: { kind: "form", form: "case.new" }, sees: "New support case", place: caseNumber },
    "severity.guide": { by: "ada", answer: { kind: "form", form: "severity.guide" }, sees: "Choose a severity", place: fixed("guide") },
    "escalation.feedback": {
      by: "eve",
      answer: { kind: "form", form: "escalation.feedback" },
      sees: "Need an update.",
      place: async () => {
        const { number, escalationId } = await escalated();
        return { value: `${number}:${escalationId}` };
      },
    },
    "satisfaction.rate": { by: "ada", answer: { kind: "form", form: "satisfaction.comment" }, sees: "you rated case", place: async () => ({ value: `${await closedCase()}:4` }) },
    "account.open": { by: "ada", answer: { kind: "reply" }, sees: "Robin Lee", place: async () => ({ value: s.w.accounts.acme.id }) },
    "case.revealCredentials": { by: "eve", answer: { kind: "form", form: "done" }, sees: "pw-123", place: caseNumber },
    "case.recommendClose": { by: "ada", answer: { kind: "redraw" }, sees: "Closing recommended", place: (p) => followedCard(p, "CUSTOMER") },
    "case.take": { by: "eve", answer: { kind: "redraw" }, sees: ["Eve Engineer", "Test login"], place: (p) => followedCard(p, "STAFF") },
    "case.setInProgress": { by: "eve", answer: { kind: "redraw" }, sees: ["In Progress", "Test login"], place: (p) => followedCard(p, "STAFF") },
    "case.details": { by: "ada", answer: { kind: "reply" }, sees: "Every interaction", place: caseNumber },
    "case.open": { by: "ada", answer: { kind: "reply" }, sees: "Every interaction", place: caseNumber },
    "list.page": { by: "ada", answer: { kind: "reply" }, sees: "All My Cases", place: fixed("mine:1") },
    "home.refresh": { by: "ada", answer: { kind: "home" }, sees: "Support for Ada Acme", place: fixed("refresh") },
    "knowledge.open": { by: "ada", answer: { kind: "reply" }, sees: "chunks", place: fixed("large-upload-fails") },
    "knowledge.browse": { by: "ada", answer: { kind: "reply" }, sees: "Browse answers by product", place: fixed("") },
    "publication.open": { by: "ada", answer: { kind: "reply" }, sees: "A certificate expired", place: async () => ({ value: rcaId }) },
    "knowledge.answered": { by: "ada", answer: { kind: "done" }, sees: "Glad that helped", place: fixed("large-upload-fails") },
    "knowledge.suggest": {
      by: "ada",
      answer: { kind: "form", form: "case.new" },
      sees: "large uploads fail",
      place: async () => ({ value: "subject", inForm: { callbackId: "case.new", state: { key: "k-every" }, values: { subject: "large uploads fail", description: "half typed" } } }),
    },
    "identity.approve": { by: "eve", answer: { kind: "reply" }, sees: ["Approved", "Alan Acme"], place: identityRequest },
    "identity.decline": { by: "eve", answer: { kind: "reply" }, sees: "Declined", place: identityRequest },
  } satisfies Record<ActionId, ButtonScenario>;

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    // Ada types and presses everything here within a minute: the rate limits have their own tests (slack-/teams-hardening).
    s = await startSlackWorld({ TEAMS_LOCAL: "on", RATE_LIMIT_USER_BURST: "1000", RATE_LIMIT_TENANT_BURST: "1000" });
    teamsEndpoint = s.t.url("/api/messages");
    connector.members.set(ada.id, { email: "ada@acme.test", aadObjectId: ada.aadObjectId });
    await s.t.app.core.directory.linkIdentity(operator, { personId: s.w.people.engineer.id, platform: "teams", tenantId: TENANT, userId: eve.aadObjectId });
    await s.t.app.core.knowledge.import(operator, readArticles(SAMPLE_ARTICLES_DIR));
    ({ id: rcaId } = await s.t.app.core.publications.publish(operator, { kind: "RCA", severity: "S1", title: "RCA: upload outage", body: "A certificate expired on the upload servers." }));
  });
  afterAll(async () => {
    await s.close();
    await connector.stop();
  });

  /** Slack calls made since `from` that match. */
  const slackSince = (from: number, method: string, match: (args: Record<string, unknown>) => boolean) =>
    s.slack.calls.slice(from).find((c) => c.method === method && match(c.args))?.args;
  const noErrorsSince = (from: number) => {
    const said = JSON.stringify(s.slack.calls.slice(from));
    for (const words of ERRORS) expect(said).not.toContain(words);
  };

  async function pressInSlack(id: ActionId, scenario: ButtonScenario) {
    const place = await scenario.place("slack");
    const user = slackUser(scenario.by);
    const from = s.slack.calls.length;
    const at = place.slack ?? { channel: "C1", ts: "1700000999.000100" };
    const body = place.inForm
      ? interactiveBody({
          type: "block_actions",
          team: { id: "T1", domain: "test" },
          user: { id: user, team_id: "T1" },
          api_app_id: "A1",
          trigger_id: "trigger-every",
          container: { type: "view", view_id: "V1" },
          view: {
            id: "V1", type: "modal", hash: "h1", root_view_id: "V1", callback_id: place.inForm.callbackId, private_metadata: JSON.stringify(place.inForm.state),
            state: { values: Object.fromEntries(Object.entries(place.inForm.values).map(([k, v]) => [k, { [k]: { type: "plain_text_input", value: v } }])) },
          },
          actions: [{ type: "button", action_id: id, block_id: "b1", value: place.value, action_ts: "1700000000.1" }],
        })
      : blockAction({ user, actionId: id, value: place.value, channel: at.channel, message: { ts: at.ts, type: "message", text: "card" } });
    expect((await sendToSlackEndpoint(s.endpoint, body, FORM)).status).toBe(200);
    const has = (args: Record<string, unknown>) => [scenario.sees].flat().every((text) => JSON.stringify(args).includes(text));
    const answer = scenario.answer;
    await expect
      .poll(() => {
        switch (answer.kind) {
          case "form":
            return ["views.open", "views.push", "views.update"].map((m) => slackSince(from, m, (a) => has(a) && (a.view as { callback_id?: string }).callback_id === answer.form)).find(Boolean);
          case "reply":
          case "done":
            return slackSince(from, "chat.postEphemeral", (a) => has(a) && a.user === user);
          case "redraw":
            return slackSince(from, "chat.update", (a) => has(a) && a.ts === at.ts && a.channel === at.channel);
          case "home":
            return slackSince(from, "views.publish", (a) => has(a) && a.user_id === user);
        }
      }, { timeout: 5000 })
      .toBeTruthy();
    noErrorsSince(from);
  }

  async function pressInTeams(id: ActionId, scenario: ButtonScenario) {
    const place = await scenario.place("teams");
    const user = teamsUser(scenario.by);
    const conversation = place.teamsThread ? { conversation: channelConversation(place.teamsThread) } : {};
    let res;
    if (place.inForm) {
      res = await postActivity(teamsEndpoint, invoke(connector.url, user, "task/submit", { data: { action: id, value: place.value, callbackId: place.inForm.callbackId, state: place.inForm.state, ...place.inForm.values } }, conversation));
    } else if (opensForm(id)) {
      res = await postActivity(teamsEndpoint, invoke(connector.url, user, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: id, value: place.value } }, conversation));
    } else {
      res = await postActivity(teamsEndpoint, invoke(connector.url, user, "adaptiveCard/action", { action: { type: "Action.Execute", verb: id, data: { action: id, value: place.value } }, trigger: "manual" }, conversation));
    }
    expect(res.status).toBe(200);
    const body = res.json() as { task?: { type: string; value: { card?: { content: unknown } } }; value?: unknown };
    const shown = JSON.stringify(body);
    for (const text of [scenario.sees].flat()) expect(shown).toContain(text);
    for (const words of ERRORS) expect(shown).not.toContain(words);
    const card = body.task?.value.card?.content ?? body.value;
    expect(adaptiveCardProblems(card)).toEqual([]);
    if (scenario.answer.kind === "form") {
      // A dialog with the form: its submit button names it.
      expect(body.task?.type).toBe("continue");
      expect(shown).toContain(`"callbackId":"${scenario.answer.form}"`);
    }
  }

  describe("every button", () => {
    for (const id of ACTION_IDS) {
      const scenario: ButtonScenario = buttons[id];
      it(`${id}: pressed in Slack and in Teams, answers with ${scenario.answer.kind === "form" ? `the form ${scenario.answer.form}` : `a ${scenario.answer.kind}`}`, async () => {
        await pressInSlack(id, scenario);
        await pressInTeams(id, scenario);
      });
    }
  });

  it("Teams redraws a card for the audience its thread follows the case for, not for whoever pressed", async () => {
    // A customer thread in a Teams channel; an engineer takes the case from its card there.
    const place = await followedCard("teams", "CUSTOMER");
    const res = await postActivity(teamsEndpoint, invoke(connector.url, eve, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "case.take", data: { action: "case.take", value: place.value } }, trigger: "manual" }, { conversation: channelConversation(place.teamsThread) }));
    const card = JSON.stringify((res.json() as { value: unknown }).value);
    expect(card).toContain("Eve Engineer"); // the new owner
    expect(card).not.toContain("Test login"); // the customers' card: no staff facts
    expect(card).not.toContain("case.internalNote"); // and no staff buttons
    // Pressed where no thread follows the case, the card is the presser's own: staff get the triage card.
    const other = await freshCase();
    const own = await postActivity(teamsEndpoint, invoke(connector.url, eve, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "case.take", data: { action: "case.take", value: other.number } }, trigger: "manual" }));
    expect(JSON.stringify((own.json() as { value: unknown }).value)).toContain("Test login");
  });

  it("the account view and support feedback reach only those the permission matrix allows", async () => {
    // Ada (Acme) asks for another customer's account: not found, as if it did not exist.
    const from = s.slack.calls.length;
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "account.open", value: s.w.accounts.globex.id, channel: "C1", message: { ts: "1700000998.1", type: "message", text: "x" } }), FORM);
    const refused = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === s.users.ada && JSON.stringify(a).includes("does not exist"));
    expect(JSON.stringify(refused)).not.toContain("Globex");
    expect(s.slack.calls.slice(from).some((c) => JSON.stringify(c.args).includes("Robin Lee"))).toBe(false);
    const teamsRefused = await postActivity(teamsEndpoint, invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "account.open", data: { action: "account.open", value: s.w.accounts.globex.id } }, trigger: "manual" }));
    expect(teamsRefused.text).toContain("does not exist");
    expect(teamsRefused.text).not.toContain("Globex");

    // Support feedback is staff-only: Ada's own escalation, her feedback refused and nothing stored.
    const { number, escalationId } = await escalated();
    const submitted = await postActivity(teamsEndpoint, invoke(connector.url, ada, "task/submit", { data: { callbackId: "escalation.feedback", state: { case: number, escalation: escalationId }, feedback: "I liked it." } }));
    expect(submitted.text).toContain("Only support staff write support feedback.");
    expect((await caseRow(number)).escalations.map((e) => e.supportFeedback)).toEqual([null]);
  });

  interface FormScenario {
    by: Who;
    /** The form's values and state for a case (fresh for each platform). */
    fill(number: string): { values: Record<string, string>; state?: Record<string, string> };
    /** What the answer shows: Slack's view update or Teams' dialog ("" for a form that just closes). */
    sees: { slack: string; teams: string };
    /** State the form carries beyond its case (made for that case). */
    prepare?(number: string): Promise<Record<string, string>>;
    /** What the core now holds. */
    stored(number: string): Promise<unknown>;
    holds: unknown;
  }

  const caseRow = (number: string) => s.t.app.db.prisma.case.findFirstOrThrow({ where: { number: Number(number) }, include: { comments: true, escalations: true } });
  const forms = {
    "case.new": {
      by: "ada",
      fill: (number) => ({
        values: { accountId: s.w.accounts.acme.id, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: `Filed from a form ${number}`, description: "Buffering every 30 s.", feature: "live/webcast", contactId: s.w.people.acmeUser.id },
        state: { key: `key-${number}-${Math.random()}` },
      }),
      sees: { slack: "", teams: "was filed" },
      stored: async (number) => s.t.app.db.prisma.case.count({ where: { subject: `Filed from a form ${number}` } }),
      holds: 1,
    },
    "case.escalate": {
      by: "ada",
      fill: () => ({ values: { reason: "CASE_UPDATE_NEEDED", description: "Need an update." } }),
      sees: { slack: "Escalation received", teams: "Escalation received" },
      stored: async (number) => (await caseRow(number)).escalations.length,
      holds: 1,
    },
    "severity.guide": {
      by: "ada",
      fill: () => ({ values: { outage: "no", degraded: "yes" } }),
      sees: { slack: "Severity", teams: "Severity" },
      stored: async () => "nothing stored",
      holds: "nothing stored",
    },
    "case.reply": { by: "ada", fill: () => ({ values: { body: "Replied in a form" } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).comments.map((c) => c.body), holds: ["Replied in a form"] },
    "case.internalNote": {
      by: "eve",
      fill: () => ({ values: { body: "Noted in a form" } }),
      sees: { slack: "", teams: "Done." },
      stored: async (n) => (await caseRow(n)).comments.map((c) => [c.body, c.visibility]),
      holds: [["Noted in a form", "INTERNAL"]],
    },
    "case.askCustomer": { by: "eve", fill: () => ({ values: { body: "Which browser?" } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).status, holds: "PENDING" },
    "case.changeSeverity": { by: "eve", fill: () => ({ values: { severity: "S2", reason: "More viewers hit." } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).severity, holds: "S2" },
    "case.setPriority": { by: "eve", fill: () => ({ values: { priority: "S1" } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).priority, holds: "S1" },
    "case.close": { by: "eve", fill: () => ({ values: { reason: "SOLUTION_PROVIDED", note: "Fixed." } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).status, holds: "CLOSED" },
    "case.handToPartner": { by: "eve", fill: () => ({ values: { partnerId: s.w.partners.partner.id } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).partnerId, holds: "partner" },
    "case.assign": { by: "eve", fill: () => ({ values: { engineerId: s.w.people.manager.id } }), sees: { slack: "", teams: "Done." }, stored: async (n) => (await caseRow(n)).ownerId, holds: "manager" },
    "escalation.feedback": {
      by: "eve",
      fill: () => ({ values: { feedback: "Called the customer back." } }),
      prepare: async (number) => {
        const { escalationId } = await s.t.app.core.cases.escalate(adaCtx(), number, { reason: "CASE_UPDATE_NEEDED", description: "Need an update." });
        return { escalation: escalationId };
      },
      sees: { slack: "", teams: "Feedback saved." },
      stored: async (n) => (await caseRow(n)).escalations.map((e) => e.supportFeedback),
      holds: ["Called the customer back."],
    },
    "satisfaction.comment": {
      by: "ada",
      fill: () => ({ values: { comment: "Quick and kind." }, state: { score: "5" } }),
      prepare: async (number) => {
        await s.t.app.core.cases.close({ actor: { personId: s.w.people.engineer.id }, source: "cli" }, number, { reason: "SOLUTION_PROVIDED" });
        return {};
      },
      sees: { slack: "Thank you for your feedback", teams: "Thank you for your feedback" },
      stored: async (n) => {
        const survey = await s.t.app.db.prisma.satisfactionSurvey.findFirstOrThrow({ where: { case: { number: Number(n) } } });
        return [survey.score, survey.comment];
      },
      holds: [5, "Quick and kind."],
    },
    done: { by: "ada", fill: () => ({ values: {} }), sees: { slack: "", teams: "Done." }, stored: async () => "nothing stored", holds: "nothing stored" },
  } satisfies Record<FormId, FormScenario>;
  const expected = (holds: unknown) => (holds === "partner" ? s.w.partners.partner.id : holds === "manager" ? s.w.people.manager.id : holds);

  describe("every form", () => {
    for (const id of FORM_IDS) {
      const scenario: FormScenario = forms[id];
      it(`${id}: submitted as a Slack modal and a Teams dialog, stores what it says`, async () => {
        // Slack: the modal as we opened it, submitted with the values typed into it.
        const onSlack = (await freshCase()).number;
        const slackFill = scenario.fill(onSlack);
        const view = { callback_id: id, private_metadata: JSON.stringify({ case: onSlack, ...slackFill.state, ...(await scenario.prepare?.(onSlack)) }), blocks: [] };
        const res = await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: slackUser(scenario.by), view, values: slackFill.values }), FORM);
        expect(res.status).toBe(200);
        if (scenario.sees.slack) expect(res.text).toContain(scenario.sees.slack);
        else expect(res.text).toBe("");
        expect(await scenario.stored(onSlack)).toEqual(expected(scenario.holds));

        const onTeams = (await freshCase()).number;
        const teamsFill = scenario.fill(onTeams);
        const submitted = await postActivity(teamsEndpoint, invoke(connector.url, teamsUser(scenario.by), "task/submit", { data: { callbackId: id, state: { case: onTeams, ...teamsFill.state, ...(await scenario.prepare?.(onTeams)) }, ...teamsFill.values } }));
        expect(submitted.status).toBe(200);
        expect(submitted.text).toContain(scenario.sees.teams);
        for (const words of ERRORS) expect(submitted.text).not.toContain(words);
        expect(await scenario.stored(onTeams)).toEqual(expected(scenario.holds));
      });
    }
  });

  interface CommandScenario {
    by: Who;
    /** The words typed (the same on both platforms), given a fresh case's number. */
    words(number: string): string;
    sees: { slack: string; teams: string };
    /** Slack answers in a modal (a form opened from the command's trigger) rather than ephemerally. */
    slackOpens?: FormId;
    /** Made before the words are typed, for that case's number (on each platform). */
    prepare?(number: string): Promise<void>;
  }

  const commands = {
    email: { by: "ada", words: () => "email updates auto", sees: { slack: "Email preference saved", teams: "Email preference saved" } },
    held: { by: "eve", words: () => "held mail", prepare: async (n) => void (await s.t.app.core.email.inbound.receive({ messageId: `<held-cmd-${n}@elsewhere.test>`, caseNumber: Number(n), recipient: { kind: "person", personId: s.w.people.acmeUser.id }, from: "mallory@elsewhere.test", subject: `Re: [Case ${n}]`, body: "Forged reply", automatic: null })), sees: { slack: "mallory@elsewhere.test", teams: "mallory@elsewhere.test" } },
    new: { by: "ada", words: () => "new case", sees: { slack: "New support case", teams: "Open the new-case form" }, slackOpens: "case.new" },
    list: { by: "ada", words: () => "my cases", sees: { slack: "All My Cases", teams: "All My Cases" } },
    show: { by: "ada", words: (n) => `case ${n}`, sees: { slack: "Every interaction", teams: "Every interaction" } },
    reply: { by: "ada", words: (n) => `reply ${n} typed reply`, sees: { slack: "Reply added", teams: "Reply added" } },
    escalate: { by: "ada", words: (n) => `escalate ${n}`, sees: { slack: "no earlier escalation", teams: "form.submit" }, slackOpens: "case.escalate" },
    search: { by: "ada", words: () => "search large upload", sees: { slack: "large", teams: "large" } },
    browse: { by: "ada", words: () => "browse", sees: { slack: "Browse answers by product", teams: "Browse answers by product" } },
    follow: { by: "ada", words: (n) => `follow ${n}`, sees: { slack: "Every interaction", teams: "Every interaction" } },
    accounts: { by: "ada", words: () => "my account", sees: { slack: "Robin Lee", teams: "Robin Lee" } },
    updates: { by: "ada", words: () => "product updates", sees: { slack: "Product updates", teams: "Product updates" } },
    rcas: { by: "ada", words: () => "rcas", sees: { slack: "RCA: upload outage", teams: "RCA: upload outage" } },
    queue: { by: "eve", words: () => "queue", sees: { slack: "Triage queue by time to breach", teams: "First response" } },
    home: { by: "ada", words: () => "home", sees: { slack: "Support for Ada Acme", teams: "Support for Ada Acme" } },
    linkWorkspace: { by: "eve", words: (n) => `link-workspace TLINK${n} Acme Media`, sees: { slack: "belongs to Acme Media", teams: "belongs to Acme Media" } },
    unlinkWorkspace: {
      by: "eve",
      words: (n) => `unlink workspace TLINK${n} acme`,
      prepare: async (n) => void (await s.t.app.core.workspaces.link(operator, { platform: "slack", tenantId: `TLINK${n}`, accountId: s.w.accounts.acme.id })),
      sees: { slack: "no longer belongs to Acme Media", teams: "no longer belongs to Acme Media" },
    },
    workspaces: { by: "eve", words: () => "workspaces", sees: { slack: "Workspaces and their accounts", teams: "Workspaces and their accounts" } },
    // Eve's channel (C1, her Teams chat) becomes Acme's support channel, then stops being it (disconnect binds it first when run alone).
    connect: { by: "eve", words: () => "connect Acme Media", sees: { slack: "Acme Media's support channel", teams: "Acme Media's support channel" } },
    disconnect: {
      by: "eve",
      words: () => "disconnect",
      prepare: async () => {
        await s.t.app.core.channels.bind(operator, { platform: "slack", tenantId: "T1", channelId: "C1", account: "Acme Media" });
        await s.t.app.core.channels.bind(operator, { platform: "teams", tenantId: TENANT, channelId: `a:personal-${eve.aadObjectId}`, account: "Acme Media" });
      },
      sees: { slack: "no longer Acme Media's support channel", teams: "no longer Acme Media's support channel" },
    },
    verify: { by: "ada", words: () => "verify", sees: { slack: "carebot knows you as Ada Acme", teams: "carebot knows you as Ada Acme" } },
    help: { by: "ada", words: () => "help", sees: { slack: "/case new", teams: "what you can ask" } },
  } satisfies Record<CommandVerb, CommandScenario>;

  describe("every command", () => {
    for (const verb of COMMAND_VERBS) {
      const scenario: CommandScenario = commands[verb];
      it(`${verb}: typed as /case in Slack and to the bot in Teams, answers alike`, async () => {
        const onSlack = (await freshCase()).number;
        await scenario.prepare?.(onSlack);
        const from = s.slack.calls.length;
        const typed = scenario.words(onSlack);
        const res = await sendToSlackEndpoint(s.endpoint, commandBody({ text: typed, user: slackUser(scenario.by), channel: "C1", responseUrl: s.slack.responseUrl(`every-${verb}`) }), FORM);
        expect(res.status).toBe(200);
        const opens = scenario.slackOpens;
        await expect
          .poll(() => {
            if (res.text.includes(scenario.sees.slack)) return true;
            if (opens) return slackSince(from, "views.open", (a) => (a.view as { callback_id?: string }).callback_id === opens && JSON.stringify(a).includes(scenario.sees.slack));
            return s.slack.calls.slice(from).some((c) => ["respond", "chat.postMessage", "views.publish"].includes(c.method) && JSON.stringify(c.args).includes(scenario.sees.slack));
          }, { timeout: 5000 })
          .toBeTruthy();
        noErrorsSince(from);
        if (verb === "reply") expect((await caseRow(onSlack)).comments.map((c) => c.body)).toEqual(["typed reply"]);
        if (verb === "follow") expect(await s.t.app.db.prisma.caseThread.count({ where: { platform: "slack", channelId: "C1", caseId: (await caseRow(onSlack)).id } })).toBe(1);

        const onTeams = (await freshCase()).number;
        await scenario.prepare?.(onTeams);
        const posts = connector.posts().length;
        expect((await postActivity(teamsEndpoint, message(connector.url, teamsUser(scenario.by), scenario.words(onTeams)))).status).toBe(200);
        const answers = connector.posts().slice(posts).map((p) => JSON.stringify(p.activity));
        expect(answers.some((a) => a.includes(scenario.sees.teams)), answers.join("\n")).toBe(true);
        for (const words of ERRORS) expect(answers.join("\n")).not.toContain(words);
        if (verb === "reply") expect((await caseRow(onTeams)).comments.map((c) => c.body)).toEqual(["typed reply"]);
      });
    }
  });

  it("show: in Teams the promise is told in the reader's own time zone (the activity's localTimezone), else the vendor's", async () => {
    const c = await freshCase("Promised");
    await s.t.app.core.cases.escalate(adaCtx(), c.number, { reason: "CASE_UPDATE_NEEDED", description: "Need an update." });
    const answer = async (localTimezone: string) => {
      const posts = connector.posts().length;
      expect((await postActivity(teamsEndpoint, { ...message(connector.url, ada, `case ${c.number}`), localTimezone })).status).toBe(200);
      return connector.posts().slice(posts).map((p) => JSON.stringify(p.activity)).join("\n");
    };
    expect(await answer("Europe/Zurich")).toMatch(/Next update by \d\d:\d\d on \w{3} \d{1,2} \w{3}, Europe\/Zurich time/);
    // A zone the client made up is not trusted: the card falls back to the catalog's business-hours zone.
    expect(await answer("Mars/Olympus_Mons")).toMatch(/Next update by \d\d:\d\d on \w{3} \d{1,2} \w{3}, America\/New_York time/);
  });

  it("link-workspace, unlink-workspace and workspaces: a customer who types them is told only support staff may, on both platforms, and nothing is linked", async () => {
    const refusal = "Only support staff or the operator may link workspaces to accounts.";
    for (const words of ["link-workspace TSNEAK Acme Media", "unlink-workspace TSNEAK Globex", "workspaces"]) {
      const from = s.slack.calls.length;
      const res = await sendToSlackEndpoint(s.endpoint, commandBody({ text: words, user: slackUser("ada"), channel: "C1", responseUrl: s.slack.responseUrl("every-link-customer") }), FORM);
      expect(res.status).toBe(200);
      await expect.poll(() => res.text.includes(refusal) || JSON.stringify(s.slack.calls.slice(from)).includes(refusal), { timeout: 5000 }).toBe(true);
      const posts = connector.posts().length;
      expect((await postActivity(teamsEndpoint, message(connector.url, teamsUser("ada"), words))).status).toBe(200);
      expect(connector.posts().slice(posts).map((p) => JSON.stringify(p.activity)).join("\n")).toContain(refusal);
    }
    expect(await s.t.app.db.prisma.workspaceLink.count({ where: { tenantId: "TSNEAK" } })).toBe(0);
  });

  it("link-workspace names the account by its name or id, and says which when the words fit several", async () => {
    const typed = async (words: string) => {
      const from = s.slack.calls.length;
      const res = await sendToSlackEndpoint(s.endpoint, commandBody({ text: words, user: slackUser("eve"), channel: "C1", responseUrl: s.slack.responseUrl("every-link-names") }), FORM);
      const said = () => res.text + JSON.stringify(s.slack.calls.slice(from).filter((c) => c.method === "respond"));
      await expect.poll(() => said().length > 2, { timeout: 5000 }).toBe(true);
      return said();
    };
    expect(await typed(`link-workspace EGRID1 ${s.w.accounts.globex.id}`)).toContain("EGRID1 belongs to Globex Corp");
    expect(await typed("link-workspace TAMBIG Department")).toContain("names more than one account (History Department, Physics Department)");
    expect(await typed("link-workspace TNONE Nobody Inc")).toMatch(/No account is named .{0,2}Nobody Inc/);
    expect(await s.t.app.db.prisma.workspaceLink.findMany({ where: { tenantId: { in: ["EGRID1", "TAMBIG", "TNONE"] } }, select: { tenantId: true, accountId: true } })).toEqual([{ tenantId: "EGRID1", accountId: s.w.accounts.globex.id }]);
  });

  it("queue: a customer who types it is told only support staff see it, on both platforms, and sees no case of the queue", async () => {
    const refusal = "Only support staff see the triage queue.";
    const from = s.slack.calls.length;
    const res = await sendToSlackEndpoint(s.endpoint, commandBody({ text: "queue", user: slackUser("ada"), channel: "C1", responseUrl: s.slack.responseUrl("every-queue-customer") }), FORM);
    expect(res.status).toBe(200);
    await expect.poll(() => res.text.includes(refusal) || JSON.stringify(s.slack.calls.slice(from)).includes(refusal), { timeout: 5000 }).toBe(true);
    expect(`${res.text}${JSON.stringify(s.slack.calls.slice(from))}`).not.toContain("Triage queue by time to breach");

    const posts = connector.posts().length;
    expect((await postActivity(teamsEndpoint, message(connector.url, teamsUser("ada"), "queue"))).status).toBe(200);
    const answers = connector.posts().slice(posts).map((p) => JSON.stringify(p.activity)).join("\n");
    expect(answers).toContain(refusal);
    expect(answers).not.toContain("Triage queue by time to breach");
  });
});
