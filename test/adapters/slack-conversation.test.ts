import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockKitProblems } from "../support/block-kit-check.ts";
import { blockAction, eventBody, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

describe("Slack: following a case in its thread", () => {
  let s: SlackWorld;
  let number = "";
  let caseId = "";
  let root = { channel: "C1", ts: "" };
  let triageTs = "";

  beforeAll(async () => {
    s = await startSlackWorld();
    // A case filed by Ada, with its card in C1 and a triage thread for staff.
    const ctx = { actor: { personId: s.w.people.acmeUser.id }, source: "slack" as const };
    const filed = await s.t.app.core.cases.file(ctx, filing(s.w.accounts.acme.id, { subject: "Player error 1002" }));
    number = filed.case.number;
    caseId = filed.case.id;
    root = { channel: "C1", ts: "1700000000.000001" };
    await s.t.app.core.threads.follow(ctx, { case: number, platform: "slack", tenantId: "T1", channelId: root.channel, threadId: root.ts, audience: "CUSTOMER" });
    await s.t.app.worker!.runOnce();
    triageTs = String((await s.slack.waitFor("chat.postMessage", (a) => a.channel === "CTRIAGE")).ts ?? "");
    const triageThread = await s.t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId, audience: "STAFF" } });
    triageTs = triageThread.threadId;
  });
  afterAll(() => s.close());

  const reply = (user: string, text: string, channel: string, threadTs: string, eventId: string, ts = `${Date.now() / 1000}`) =>
    eventBody({ type: "message", channel, user, text, ts, thread_ts: threadTs, event_ts: ts, channel_type: "channel" }, eventId);

  it("a customer's reply in the thread becomes a comment, and reaches the triage thread (not back to its own)", async () => {
    const res = await sendToSlackEndpoint(s.endpoint, reply(s.users.ada, "It still fails on <!channel> pages", root.channel, root.ts, "Ev1", "1700000001.000100"), JSON_TYPE);
    expect(res.status).toBe(200);
    await expect.poll(() => s.t.app.db.prisma.comment.count({ where: { caseId } })).toBe(1);
    const comment = await s.t.app.db.prisma.comment.findFirstOrThrow({ where: { caseId } });
    expect(comment).toMatchObject({ source: "slack", visibility: "PUBLIC", authorId: s.w.people.acmeUser.id });

    const postsBefore = s.slack.of("chat.postMessage").length;
    await s.t.app.worker!.runOnce();
    const relayed = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "CTRIAGE" && a.thread_ts === triageTs);
    // Customer text travels only as plain_text, which Slack never reads as a mention: it cannot ping.
    expect(JSON.stringify(relayed.blocks)).toContain("It still fails on <!channel> pages");
    expect(JSON.stringify(relayed.blocks)).not.toContain('"mrkdwn"');
    const intoOwnThread = s.slack.of("chat.postMessage").slice(postsBefore).filter((a) => a.channel === root.channel);
    expect(intoOwnThread).toEqual([]);
  });

  it("the same event delivered twice (a retry) makes one comment", async () => {
    const body = reply(s.users.ada, "Any news?", root.channel, root.ts, "Ev2", "1700000002.000100");
    await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE);
    await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { retryNum: 1 });
    await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { retryNum: 2 });
    await expect.poll(() => s.t.app.db.prisma.comment.count({ where: { caseId, body: "Any news?" } })).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId, body: "Any news?" } })).toBe(1);
  });

  it("a reply that cannot be stored is answered 500 and not marked seen, so Slack's retry stores it once", async () => {
    // A real database failure for this one reply: a trigger refuses its insert until it is dropped.
    await s.t.app.db.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_reply() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.body = 'Stored on the retry' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await s.t.app.db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_reply BEFORE INSERT ON "Comment" FOR EACH ROW EXECUTE FUNCTION refuse_reply()`);
    const body = reply(s.users.ada, "Stored on the retry", root.channel, root.ts, "EvRetry", "1700000002.000900");
    const now = Math.floor(Date.now() / 1000);
    const first = await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now });
    expect(first.status).toBe(500);
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId, body: "Stored on the retry" } })).toBe(0);
    expect(s.slack.of("chat.postEphemeral").filter((a) => a.user === s.users.ada && JSON.stringify(a).includes("reference"))).toEqual([]); // not told yet: Slack retries

    await s.t.app.db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_reply ON "Comment"`);
    await s.t.app.db.prisma.$executeRawUnsafe(`DROP FUNCTION refuse_reply()`);
    // Slack signs each retry anew; acknowledged means stored, so the count is checked without waiting.
    const retried = await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now - 1, retryNum: 1 });
    expect(retried.status).toBe(200);
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId, body: "Stored on the retry" } })).toBe(1);
    expect((await sendToSlackEndpoint(s.endpoint, body, JSON_TYPE, { timestamp: now - 2, retryNum: 2 })).status).toBe(200);
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId, body: "Stored on the retry" } })).toBe(1);
  });

  it("a staff reply in the triage thread is posted back to the customer's thread; an internal one is not", async () => {
    await sendToSlackEndpoint(s.endpoint, reply(s.users.eve, "Please clear the player cache and retry.", "CTRIAGE", triageTs, "Ev3", "1700000003.000100"), JSON_TYPE);
    await sendToSlackEndpoint(s.endpoint, reply(s.users.eve, "internal: probably the CDN again", "CTRIAGE", triageTs, "Ev4", "1700000004.000100"), JSON_TYPE);
    await expect.poll(() => s.t.app.db.prisma.comment.count({ where: { caseId, authorId: s.w.people.engineer.id } })).toBe(2);
    const note = await s.t.app.db.prisma.comment.findFirstOrThrow({ where: { caseId, visibility: "INTERNAL" } });
    expect(note.body).toBe("probably the CDN again");

    await s.t.app.worker!.runOnce();
    const back = await s.slack.waitFor("chat.postMessage", (a) => a.channel === root.channel && a.thread_ts === root.ts);
    expect(String(back.text)).toContain("Eve Engineer");
    expect(JSON.stringify(back.blocks)).toContain("Please clear the player cache and retry.");
    expect(blockKitProblems(back, "message")).toEqual([]);
    const leaked = s.slack.of("chat.postMessage").filter((a) => a.channel === root.channel && JSON.stringify(a).includes("CDN"));
    expect(leaked).toEqual([]);
  });

  it("ignores the bot's own messages and messages in threads that follow no case", async () => {
    const before = await s.t.app.db.prisma.comment.count();
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "message", subtype: "bot_message", bot_id: "BBOT", channel: root.channel, text: "echo", ts: "1700000005.1", thread_ts: root.ts }, "Ev5"), JSON_TYPE);
    await sendToSlackEndpoint(s.endpoint, reply(s.users.ada, "unrelated chatter", "C9", "1600000000.000001", "Ev6"), JSON_TYPE);
    await new Promise((r) => setTimeout(r, 200));
    expect(await s.t.app.db.prisma.comment.count()).toBe(before);
    expect(await s.t.app.db.prisma.case.count()).toBe(1);
  });

  it("escalates from the card: the form, the acknowledgement with its timeframe, and the on-call channel", async () => {
    const message = { ts: root.ts, type: "message", text: "card", blocks: [] };
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "case.escalate", value: number, channel: root.channel, message }), FORM);
    const opened = await s.slack.waitFor("views.open", (a) => (a.view as { callback_id?: string }).callback_id === "case.escalate");
    const view = opened.view as Record<string, unknown>;
    expect(JSON.stringify(view)).toContain("no earlier escalation");

    const tooLong = "x".repeat(251);
    const refused = await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: s.users.ada, view, values: { reason: "PROLONGED_RESOLUTION_TIME", description: tooLong } }), FORM);
    expect(refused.json()).toEqual({ response_action: "errors", errors: { description: "Keep the description to 250 characters." } });
    expect(await s.t.app.db.prisma.escalation.count({ where: { caseId } })).toBe(0);

    const res = await sendToSlackEndpoint(s.endpoint, viewSubmission({ user: s.users.ada, view, values: { reason: "PROLONGED_RESOLUTION_TIME", description: "Our launch is Friday." } }), FORM);
    const ack = res.json() as { response_action: string; view: Record<string, unknown> };
    expect(ack.response_action).toBe("update");
    expect(JSON.stringify(ack.view)).toContain("Will be handled within 24 hours"); // S3's timeframe
    expect(blockKitProblems(ack.view, "modal")).toEqual([]);

    await s.t.app.worker!.runOnce();
    const oncall = await s.slack.waitFor("chat.postMessage", (a) => a.channel === "CONCALL");
    expect(JSON.stringify(oncall.blocks)).toContain("Our launch is Friday.");
    const toCustomer = await s.slack.waitFor("chat.postMessage", (a) => a.channel === root.channel && String(a.text).includes("Escalation"));
    expect(String(toCustomer.text)).toContain("Will be handled within 24 hours");
  });

  it("recommends closing from the card: the card updates and the customer is told privately", async () => {
    const message = { ts: root.ts, type: "message", text: "card", blocks: [{ type: "actions", elements: [{ type: "button", action_id: "case.recommendClose" }] }] };
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "case.recommendClose", value: number, channel: root.channel, message }), FORM);
    const updated = await s.slack.waitFor("chat.update", (a) => a.channel === root.channel && a.ts === root.ts);
    expect(JSON.stringify(updated.blocks)).toContain("Closing recommended");
    expect(JSON.stringify(updated.blocks)).not.toContain("case.recommendClose");
    const told = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === s.users.ada && String(a.text).includes("Closing recommended"));
    expect(told.channel).toBe(root.channel);
    const row = await s.t.app.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row.recommendedCloseAt).not.toBeNull();
    expect(row.status).not.toBe("CLOSED");
  });

  it("a customer cannot use a staff button, whatever the payload says", async () => {
    const message = { ts: root.ts, type: "message", text: "card", blocks: [] };
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "case.take", value: number, channel: root.channel, message }), FORM);
    await s.slack.waitFor("chat.postEphemeral", (a) => a.user === s.users.ada && String(a.text).includes("permission"));
    expect((await s.t.app.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).ownerId).toBeNull();
  });

  it("shows the home dashboard when the App Home opens", async () => {
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_home_opened", user: s.users.ada, channel: "DADA", tab: "home", event_ts: "1700000009.1" }, "EvHome"), JSON_TYPE);
    const published = await s.slack.waitFor("views.publish", (a) => a.user_id === s.users.ada);
    const view = published.view as Record<string, unknown>;
    expect(blockKitProblems(view, "home")).toEqual([]);
    expect(JSON.stringify(view)).toContain("Player error 1002");
  });

  it("publishes an RCA that the home tab lists and a click reads", async () => {
    const { id } = await s.t.app.core.publications.publish({ actor: { operator: true }, source: "cli" }, { kind: "RCA", severity: "S1", title: "RCA: upload outage", body: "A certificate expired on the upload servers." });
    await sendToSlackEndpoint(s.endpoint, eventBody({ type: "app_home_opened", user: s.users.ada, channel: "DADA", tab: "home", event_ts: "1700000010.1" }, "EvHome2"), JSON_TYPE);
    await s.slack.waitFor("views.publish", (a) => JSON.stringify(a.view).includes("RCA: upload outage"));
    await sendToSlackEndpoint(s.endpoint, blockAction({ user: s.users.ada, actionId: "publication.open", value: id, channel: "DADA", message: { ts: "1.9", type: "message", text: "x" } }), FORM);
    const read = await s.slack.waitFor("chat.postEphemeral", (a) => JSON.stringify(a).includes("A certificate expired"));
    expect(read.user).toBe(s.users.ada);
  });
});
