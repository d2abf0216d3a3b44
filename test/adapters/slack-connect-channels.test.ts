import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSmtp } from "../fakes/smtp.ts";
import { blockKitProblems } from "../support/block-kit-check.ts";
import { blockAction, commandBody, eventBody, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { operator } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

/**
 * Slack Connect support channels (issue 13). CSHARED lives in the vendor's workspace (T1)
 * and is shared with Acme's own workspace (TCUST, linked to Acme). Eve is vendor staff
 * (T1); Alan is Acme's contact, a guest from TCUST whose email Slack shares; Grace is a
 * guest from TGUEST, an unlinked workspace, whose email Slack does not share. Every
 * request is a signed Slack payload to the real endpoint; Slack's Web API is the local fake,
 * email the local SMTP server.
 */
describe("Slack Connect: a channel bound to a customer's account", () => {
  let s: SlackWorld;
  let smtp: FakeSmtp;
  let counter = 0;
  const CHANNEL = "CSHARED";

  beforeAll(async () => {
    smtp = new FakeSmtp();
    await smtp.start();
    s = await startSlackWorld({ SMTP_URL: smtp.url, SMTP_FROM: "carebot <support@vendor.test>" });
    await s.t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "TCUST", accountId: s.w.accounts.acme.id });
    s.slack.emails.set("UALAN", "alan@acme.test");
  });
  afterAll(async () => {
    await s.close();
    await smtp.stop();
  });

  /** `/case <text>` typed in a channel: what carebot answered the one who typed it (ack or response_url). */
  async function slash(user: string, team: string, text: string, channel = CHANNEL): Promise<string> {
    counter += 1;
    const id = `connect-${counter}`;
    const from = s.slack.calls.length;
    const res = await sendToSlackEndpoint(s.endpoint, commandBody({ text, user, team, channel, responseUrl: s.slack.responseUrl(id) }), FORM);
    expect(res.status).toBe(200);
    if (res.text) return res.text;
    const answer = await s.slack.waitFor("respond", () => s.slack.calls.slice(from).some((c) => c.method === "respond"));
    return JSON.stringify(s.slack.calls.slice(from).filter((c) => c.method === "respond").map((c) => c.args)) || JSON.stringify(answer);
  }

  /** A message in a thread of the channel, as Slack delivers it to the vendor's workspace. */
  async function replyInThread(user: string, userTeam: string, text: string, threadTs: string) {
    counter += 1;
    const ts = `1700009${String(counter).padStart(3, "0")}.000100`;
    const body = eventBody({ type: "message", channel: CHANNEL, user, user_team: userTeam, text, ts, thread_ts: threadTs, channel_type: "channel" }, `EvConnect${counter}`);
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE)).status).toBe(200);
  }

  const binding = () => s.t.app.db.prisma.channelBinding.findUnique({ where: { platform_channelId: { platform: "slack", channelId: CHANNEL } } });

  it("before it is bound, the channel grants nothing: a guest from an unlinked workspace is told to ask for a link, and verify is refused", async () => {
    expect(await slash("UGRACE", "TGUEST", "list")).toContain("not linked to a customer account yet");
    expect(await slash("UGRACE", "TGUEST", "verify grace@acme.test")).toContain("works in a customer's support channel");
    expect(await s.t.app.db.prisma.identityClaim.count()).toBe(0);
  });

  it("a customer cannot bind the channel, nor unbind it", async () => {
    expect(await slash("UALAN", "TCUST", "connect Acme Media")).toContain("Only support staff can connect a channel to an account.");
    expect(await binding()).toBeNull();
  });

  it("support staff bind it with /case connect <account>: recorded, audited, and the channel is Acme's", async () => {
    expect(await slash(s.users.eve, "T1", "connect Acme Media")).toContain("This channel is now Acme Media's support channel");
    expect(await binding()).toMatchObject({ accountId: s.w.accounts.acme.id, tenantId: "T1", boundById: s.w.people.engineer.id });
    const audit = await s.t.app.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "channel.bound" } });
    expect(audit).toMatchObject({ accountId: s.w.accounts.acme.id, actorId: s.w.people.engineer.id, source: "slack" });
    expect(await slash("UALAN", "TCUST", "disconnect")).toContain("Only support staff can connect a channel to an account.");
    expect(await binding()).not.toBeNull();
  });

  it("a guest files a case there: its card is posted in the channel, and replies from both sides become comments with their real authors", async () => {
    // Alan (a guest from Acme's linked workspace) submits the new-case form opened in the channel.
    const view = { callback_id: "case.new", private_metadata: JSON.stringify({ key: `connect-file-${Date.now()}`, channel: CHANNEL }), blocks: [] };
    const values = { accountId: s.w.accounts.acme.id, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: "Shared channel: captions late", description: "Captions arrive an hour late.", feature: "captions/machine", contactId: s.w.people.acmeUser2.id };
    expect((await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: "UALAN", team: "TCUST", view, values }), FORM)).status).toBe(200);
    const c = await s.t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Shared channel: captions late" } });
    expect(c.createdById).toBe(s.w.people.acmeUser2.id);

    await s.t.app.worker!.runOnce();
    await s.slack.waitFor("chat.postMessage", (a) => a.channel === CHANNEL && JSON.stringify(a.blocks).includes("Shared channel: captions late"));
    // The card's message roots the thread that follows the case for the customer.
    const thread = await s.t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id, channelId: CHANNEL } });
    expect(thread.audience).toBe("CUSTOMER");
    const root = thread.threadId;

    // Eve answers in the channel's thread: a public answer (the customer sees it), authored by Eve.
    await replyInThread(s.users.eve, "T1", "We are looking at the caption queue now.", root);
    // Alan answers back from his own workspace.
    await replyInThread("UALAN", "TCUST", "Thanks, the newest lecture is affected too.", root);
    await expect.poll(() => s.t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(2);
    const comments = await s.t.app.db.prisma.comment.findMany({ where: { caseId: c.id }, orderBy: { createdAt: "asc" }, select: { body: true, authorId: true, visibility: true } });
    expect(comments).toEqual([
      { body: "We are looking at the caption queue now.", authorId: s.w.people.engineer.id, visibility: "PUBLIC" },
      { body: "Thanks, the newest lecture is affected too.", authorId: s.w.people.acmeUser2.id, visibility: "PUBLIC" },
    ]);
    // Staff see the customer's words in the triage thread; nothing is echoed back into the channel's thread.
    const before = s.slack.of("chat.postMessage").length;
    await s.t.app.worker!.runOnce();
    const after = s.slack.of("chat.postMessage").slice(before);
    expect(after.some((a) => a.channel === "CTRIAGE" && JSON.stringify(a.blocks).includes("the newest lecture is affected"))).toBe(true);
    expect(after.filter((a) => a.channel === CHANNEL && a.thread_ts === root)).toEqual([]);
  });

  it("no other account's case shows in the channel: a Globex case filed there goes to the filer's DM, and follow is refused", async () => {
    // Eve files for Globex from Acme's channel (staff may file for any account).
    const view = { callback_id: "case.new", private_metadata: JSON.stringify({ key: `connect-globex-${Date.now()}`, channel: CHANNEL }), blocks: [] };
    const values = { accountId: s.w.accounts.globex.id, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: "Globex only: player stalls", description: "Stalls.", feature: "player/playback", contactId: s.w.people.globexUser.id };
    expect((await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: s.users.eve, team: "T1", view, values }), FORM)).status).toBe(200);
    const c = await s.t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Globex only: player stalls" } });
    await s.t.app.worker!.runOnce();
    await s.slack.waitFor("chat.postMessage", (a) => a.channel === s.users.eve && JSON.stringify(a.blocks).includes("Globex only"));
    expect(s.slack.of("chat.postMessage").filter((a) => a.channel === CHANNEL && JSON.stringify(a).includes("Globex only"))).toEqual([]);
    expect(await s.t.app.db.prisma.caseThread.count({ where: { caseId: c.id, channelId: CHANNEL } })).toBe(0);

    const number = String(c.number).padStart(8, "0");
    expect(await slash(s.users.eve, "T1", `follow ${number}`)).toContain("only its cases can be followed here");
    expect(await s.t.app.db.prisma.caseThread.count({ where: { caseId: c.id, channelId: CHANNEL } })).toBe(0);
  });

  it("a guest whose email Slack does not share is offered a one-time code; after confirming it they are Acme's contact", async () => {
    // Grace (TGUEST, no email shared) tries to list cases: not a bare refusal, but how to confirm.
    const offer = await slash("UGRACE", "TGUEST", "list");
    expect(offer).toContain("Acme Media's support channel");
    expect(offer).toContain("/case verify");
    // She gives Ada's address on file: a code goes there, and only there.
    const reply = await slash("UGRACE", "TGUEST", "verify ada@acme.test");
    expect(reply).toContain("If ada@acme.test is on file for a contact of Acme Media");
    await s.t.app.worker!.runOnce();
    await expect.poll(() => smtp.messages.filter((m) => m.subject === "Your carebot confirmation code").length).toBe(1);
    const mail = smtp.messages.find((m) => m.subject === "Your carebot confirmation code")!;
    expect(mail.envelopeTo).toEqual(["ada@acme.test"]);
    const code = /\b(\d{6})\b/.exec(mail.text ?? "")![1]!;
    // The code is stored only sealed; the outbox row carries the claim's id alone.
    const claim = await s.t.app.db.prisma.identityClaim.findFirstOrThrow({ where: { userId: "UGRACE" } });
    expect(claim.codeSealed).not.toContain(code);
    expect(JSON.stringify(await s.t.app.db.prisma.notification.findMany({ where: { event: "identity.code" } }))).not.toContain(code);

    // Someone else typing the code is not confirmed by it: it is bound to who asked.
    expect(await slash("UMALLORY", "TGUEST", `verify ${code}`)).not.toContain("Welcome");
    const wrong = code === "123456" ? "654321" : "123456";
    expect(await slash("UGRACE", "TGUEST", `verify ${wrong}`)).toContain("That code is not right");
    expect(await slash("UGRACE", "TGUEST", `verify ${code}`)).toContain("Welcome, Ada Acme");
    expect(await s.t.app.db.prisma.chatIdentity.findUnique({ where: { platform_tenantId_userId: { platform: "slack", tenantId: "TGUEST", userId: "UGRACE" } } })).toMatchObject({ personId: s.w.people.acmeUser.id });
    expect(await s.t.app.db.prisma.auditEntry.count({ where: { action: "identity.linked_by_code" } })).toBe(1);
    // Single use: the same code again links nothing more (she is known now).
    expect(await slash("UGRACE", "TGUEST", `verify ${code}`)).toContain("carebot knows you as Ada Acme");
    // And she now uses carebot as Ada.
    expect(await slash("UGRACE", "TGUEST", "list account")).toContain("Shared channel: captions late");
  });

  it("an address that is no contact of the account gets the same answer, and no email", async () => {
    const sent = smtp.messages.length;
    expect(await slash("UPAT", "TGUEST", "verify gail@globex.test")).toContain("If gail@globex.test is on file for a contact of Acme Media");
    await s.t.app.worker!.runOnce();
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length).toBe(sent);
    expect(await s.t.app.db.prisma.identityClaim.count({ where: { userId: "UPAT" } })).toBe(0);
  });

  it("without an address to use, staff are asked in triage; Approve links the guest to the contact, a customer cannot approve", async () => {
    expect(await slash("UHERO", "TGUEST", "verify Alan Acme")).toContain("Support staff were asked");
    await s.t.app.worker!.runOnce();
    const card = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "CTRIAGE" && JSON.stringify(a.blocks).includes("UHERO"));
    expect(JSON.stringify(card.blocks)).toContain("the contact Alan Acme");
    expect(blockKitProblems(card, "message")).toEqual([]);
    const claim = await s.t.app.db.prisma.identityClaim.findFirstOrThrow({ where: { userId: "UHERO" } });

    const pressed = async (user: string, team: string, actionId: string) => {
      const from = s.slack.calls.length;
      const res = await sendToSlackEndpoint(s.endpoint, blockAction({ user, team, actionId, value: claim.id, channel: "CTRIAGE", message: { ts: "1700000999.000100" }, responseUrl: s.slack.responseUrl(`approve-${user}`) }), FORM);
      expect(res.status).toBe(200);
      await expect.poll(() => s.slack.calls.slice(from).some((c) => ["respond", "chat.postEphemeral"].includes(c.method))).toBe(true);
      return JSON.stringify(s.slack.calls.slice(from));
    };
    expect(await pressed("UALAN", "TCUST", "identity.approve")).toContain("Only support staff approve");
    expect(await s.t.app.db.prisma.chatIdentity.count({ where: { userId: "UHERO" } })).toBe(0);
    expect(await pressed(s.users.eve, "T1", "identity.approve")).toContain("Approved");
    expect(await s.t.app.db.prisma.chatIdentity.findFirst({ where: { userId: "UHERO", tenantId: "TGUEST" } })).toMatchObject({ personId: s.w.people.acmeUser2.id });
    expect(await pressed(s.users.eve, "T1", "identity.decline")).toContain("already approved");
  });

  it("members kept from apps mention the bot instead: @carebot list answers privately, @carebot verify works the same", async () => {
    counter += 1;
    const from = s.slack.calls.length;
    const mention = eventBody({ type: "app_mention", channel: CHANNEL, user: "UALAN", user_team: "TCUST", text: "<@UBOT> list mine", ts: `1700009${counter}.000200` }, `EvMention${counter}`);
    expect((await sendToSlackEndpoint(s.endpoint, mention, JSON_TYPE)).status).toBe(200);
    const answer = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UALAN" && a.channel === CHANNEL);
    expect(JSON.stringify(answer)).toContain("Shared channel: captions late");
    expect(s.slack.calls.slice(from).filter((c) => c.method === "chat.postMessage")).toEqual([]);

    const unknown = eventBody({ type: "app_mention", channel: CHANNEL, user: "UNEW", user_team: "TGUEST", text: "<@UBOT> list", ts: `1700009${counter}.000300` }, `EvMention${counter}b`);
    expect((await sendToSlackEndpoint(s.endpoint, unknown, JSON_TYPE)).status).toBe(200);
    const offer = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UNEW");
    expect(JSON.stringify(offer)).toContain("Acme Media's support channel");
  });

  it("a command after a mention in a case thread is answered, not stored as a comment; other words there are a reply", async () => {
    const c = await s.t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Shared channel: captions late" } });
    const thread = await s.t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id, channelId: CHANNEL } });
    const comments = await s.t.app.db.prisma.comment.count({ where: { caseId: c.id } });
    counter += 1;
    const ts = `1700009${counter}.000400`;
    const text = "<@UBOT> list";
    // Slack sends both: the message (message.channels) and the mention (app_mention).
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "message", channel: CHANNEL, user: "UALAN", user_team: "TCUST", text, ts, thread_ts: thread.threadId, channel_type: "channel" }, `EvThreadMsg${counter}`), JSON_TYPE);
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_mention", channel: CHANNEL, user: "UALAN", user_team: "TCUST", text, ts, thread_ts: thread.threadId }, `EvThreadMention${counter}`), JSON_TYPE);
    await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UALAN" && a.thread_ts === thread.threadId);
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(comments);

    await replyInThread("UALAN", "TCUST", "<@UBOT> it works again, thanks", thread.threadId);
    await expect.poll(() => s.t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(comments + 1);
  });

  it("a button pressed or a form sent there by someone carebot does not know gets the offer too", async () => {
    const from = s.slack.calls.length;
    const press = blockAction({ user: "UZED", team: "TGUEST", actionId: "list.page", value: "mine:1", channel: CHANNEL, message: { ts: "1700000999.000100" }, responseUrl: s.slack.responseUrl("zed") });
    expect((await sendToSlackEndpoint(s.endpoint, press, FORM)).status).toBe(200);
    await expect.poll(() => JSON.stringify(s.slack.calls.slice(from))).toContain("Acme Media's support channel");

    const view = { callback_id: "case.new", private_metadata: JSON.stringify({ key: `connect-zed-${Date.now()}`, channel: CHANNEL }), blocks: [] };
    const values = { accountId: s.w.accounts.acme.id, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: "Zed files", description: "Zed.", feature: "captions/machine", contactId: s.w.people.acmeUser.id };
    const sent = await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: "UZED", team: "TGUEST", view, values }), FORM);
    expect(sent.status).toBe(200);
    expect(await s.t.app.db.prisma.case.count({ where: { subject: "Zed files" } })).toBe(0);
  });

  it("the operator binds, lists and unbinds from the CLI's core calls, and staff disconnect in the channel", async () => {
    const bound = await s.t.app.core.channels.bind(operator, { platform: "slack", tenantId: "T1", channelId: "COTHER", account: s.w.accounts.globex.id });
    expect(bound).toMatchObject({ accountName: "Globex Corp", created: true });
    expect((await s.t.app.core.channels.list(operator)).map((b) => `${b.channelId}:${b.accountName}`).sort()).toEqual(["COTHER:Globex Corp", `${CHANNEL}:Acme Media`]);
    await s.t.app.core.channels.unbind(operator, { platform: "slack", channelId: "COTHER" });
    expect(await slash(s.users.eve, "T1", "disconnect")).toContain("no longer Acme Media's support channel");
    expect(await binding()).toBeNull();
    expect(await s.t.app.db.prisma.auditEntry.count({ where: { action: "channel.unbound" } })).toBe(2);
  });
});
