import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { RATE_LIMITED_MESSAGE } from "../../src/adapters/shared/rate-limit.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { FakeBotOpenId } from "../fakes/bot-openid.ts";
import { channelConversation, invoke, message, PERSONAL, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, operator, type World } from "../support/world.ts";

/**
 * Teams, attacked and overloaded: where the bot may send (an activity's serviceUrl is
 * the sender's word), what an odd payload gets, what a user may not open, and what an
 * acknowledgement promises.
 */
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };
const eve: TeamsUser = { id: "29:eve", aadObjectId: "aad-eve", name: "Eve Engineer" };
const METADATA = "http://169.254.169.254/latest/";
const NOT_VISIBLE = "No case with that number is visible to you.";

describe("Teams in local mode: only this machine's connector is ever contacted", () => {
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  const adaCtx = (): Ctx => ({ actor: { personId: w.people.acmeUser.id }, source: "teams" });
  const storedReference = async () =>
    (await t.app.db.prisma.conversationRef.findUniqueOrThrow({ where: { platform_conversationId: { platform: "teams", conversationId: PERSONAL(ada).id } } })).reference as { serviceUrl?: string };

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    t = await startTestApp({ TEAMS_LOCAL: "on", RATE_LIMIT_USER_BURST: "1000", RATE_LIMIT_TENANT_BURST: "1000" });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: TENANT, userId: eve.aadObjectId });
    // Ada has talked to the bot once: her personal chat is remembered with the real connector.
    expect((await postActivity(endpoint, message(connector.url, ada, "help"))).status).toBe(200);
    await connector.waitFor((c) => c.kind === "send" || c.kind === "reply");
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
  });

  it("refuses an activity pointing at the cloud metadata address at once: nothing contacted, nothing stored, Ada's chat still reachable", async () => {
    const calls = connector.calls.length;
    const before = { comments: await t.app.db.prisma.comment.count(), refs: await t.app.db.prisma.conversationRef.count() };
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Do not redirect me" }));
    const tricks = [METADATA, "http://127.0.0.1.nip.io/", "http://localhost@169.254.169.254/", "https://smba.trafficmanager.net.evil.test/amer/"];
    for (const serviceUrl of tricks) {
      const started = Date.now();
      const res = await postActivity(endpoint, message(serviceUrl, ada, `reply ${c.number} hello from somewhere else`));
      expect(res.status, serviceUrl).toBe(400);
      expect(res.json().error, serviceUrl).toContain("serviceUrl");
      expect(Date.now() - started, serviceUrl).toBeLessThan(5_000);
    }
    expect(connector.calls.length).toBe(calls);
    expect(await t.app.db.prisma.comment.count()).toBe(before.comments);
    expect(await t.app.db.prisma.conversationRef.count()).toBe(before.refs);
    expect((await storedReference()).serviceUrl).toBe(connector.url);
  });

  it("a conversation reference stored with a foreign host is never used: that destination is recorded as refused, with the reason, without connecting", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Notify me safely" }));
    await t.app.worker!.runOnce();
    // As a reference stored before hosts were checked would be.
    await t.app.core.threads.rememberConversation({ platform: "teams", conversationId: PERSONAL(ada).id, tenantId: TENANT, userId: ada.aadObjectId, reference: { ...(await storedReference()), serviceUrl: METADATA } });
    await t.app.core.cases.comment({ actor: { personId: w.people.engineer.id }, source: "cli" }, c.number, { body: "We are looking into it." });
    const calls = connector.calls.length;
    const started = Date.now();
    await t.app.worker!.runOnce();
    // Refused before any connection: no timeout against the foreign host.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(connector.calls.length).toBe(calls);
    const notification = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" } });
    const receipts = await t.app.db.prisma.deliveryReceipt.findMany({ where: { notificationId: notification.id } });
    expect(receipts.map((r) => r.externalId).find((id) => id?.startsWith("refused: "))).toContain("Teams delivery refused");
    // Retrying the notification never tries that destination again.
    await t.app.core.outbox.retry({ id: notification.id });
    await t.app.worker!.runOnce();
    expect(connector.calls.length).toBe(calls);

    // Ada writes again from her real chat: the reference is her real one again.
    expect((await postActivity(endpoint, message(connector.url, ada, "help"))).status).toBe(200);
    expect((await storedReference()).serviceUrl).toBe(connector.url);
  });

  it("answers a text that is not a string with 400 naming the field, and runs nothing", async () => {
    const calls = connector.calls.length;
    for (const text of [42, { body: "hi" }, ["reply", "1"]]) {
      const res = await postActivity(endpoint, { ...message(connector.url, ada, "x"), text });
      expect(res.status).toBe(400);
      expect(res.json().error).toContain("text");
    }
    // Fields the reply and the remembered conversation are built from: wrong there, the turn could not answer or store.
    const broken: [string, Record<string, unknown>][] = [
      ["recipient", { recipient: undefined }],
      ["recipient.name", { recipient: { id: "28:carebot", name: {} } }],
      ["conversation.id", { conversation: { ...PERSONAL(ada), id: "a:personal-\u00e9t\u00e9" } }],
      ["locale", { locale: -1 }],
      ["activity.from.name", { from: { ...message(connector.url, ada, "x").from, name: "Ada\u0000" } }],
    ];
    for (const [field, change] of broken) {
      const res = await postActivity(endpoint, { ...message(connector.url, ada, "my cases"), ...change });
      expect(res.status, field).toBe(400);
      expect(res.json().error, field).toContain(field);
    }
    expect(connector.calls.length).toBe(calls);
  });

  it("buttons and dialogs with values of the wrong type get a card that says so, never a failure", async () => {
    const answers = [
      await postActivity(endpoint, invoke(connector.url, ada, "task/fetch", { data: { action: "case.escalate", value: 10001 } })),
      await postActivity(endpoint, invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.escalate", state: "00010001", reason: "CASE_UPDATE_NEEDED" } })),
      await postActivity(endpoint, invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.reply", state: { case: "1" }, body: { html: "<b>hi</b>" } } })),
      await postActivity(endpoint, invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "case.open", data: { value: { number: 1 } } }, trigger: "manual" })),
      await postActivity(endpoint, invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: 7 }, trigger: "manual" })),
      await postActivity(endpoint, invoke(connector.url, ada, "composeExtension/fetchTask", { commandId: "openCase", messagePayload: { body: { content: 5 } } })),
    ];
    for (const res of answers) {
      expect(res.status, res.text).toBe(200);
      expect(res.text).toContain("Please check what you entered");
      expect(res.text).not.toContain("Something went wrong");
    }
  });

  it("a case of another account is 'not found' wherever it is asked for, exactly like a case that does not exist", async () => {
    const { case: theirs } = await t.app.core.cases.file({ actor: { personId: w.people.globexUser.id }, source: "cli" }, filing(w.accounts.globex.id, { subject: "Globex only", severity: "S2" }));
    const missing = "99999999";
    const asks = (number: string) => [
      invoke(connector.url, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.escalate", value: number } }),
      invoke(connector.url, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.reply", value: number } }),
      invoke(connector.url, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.close", value: number } }),
      invoke(connector.url, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.newLinkedCase", value: number } }),
      invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.escalate", state: { case: number }, reason: "CASE_UPDATE_NEEDED", description: "Please hurry." } }),
      invoke(connector.url, ada, "task/submit", { data: { callbackId: "case.reply", state: { case: number }, body: "Anyone there?" } }),
      invoke(connector.url, ada, "adaptiveCard/action", { action: { type: "Action.Execute", verb: "form.submit", data: { callbackId: "case.escalate", state: { case: number }, reason: "CASE_UPDATE_NEEDED", description: "Please hurry." } }, trigger: "manual" }),
    ];
    const theirAnswers = await Promise.all(asks(theirs.number).map((a) => postActivity(endpoint, a)));
    const missingAnswers = await Promise.all(asks(missing).map((a) => postActivity(endpoint, a)));
    theirAnswers.forEach((res, i) => {
      expect(res.status, `ask ${i}`).toBe(200);
      expect(res.text, `ask ${i}`).toContain(NOT_VISIBLE);
      expect(res.text, `ask ${i}`).not.toContain("Globex only");
      expect(res.json(), `ask ${i}`).toEqual(missingAnswers[i]!.json());
    });

    // Typed in the chat, the same answer (a message is answered once its turn is over, so its reply is already posted).
    const notVisible = () => connector.posts().filter((p) => JSON.stringify(p.activity ?? {}).includes(NOT_VISIBLE));
    const seen = notVisible().length;
    await postActivity(endpoint, message(connector.url, ada, `escalate ${theirs.number}`));
    await postActivity(endpoint, message(connector.url, ada, `escalate ${missing}`));
    const [toTheirs, toMissing] = notVisible().slice(seen);
    expect(toTheirs?.activity?.attachments).toBeDefined();
    expect(toTheirs!.activity!.attachments).toEqual(toMissing?.activity?.attachments);

    expect(await t.app.db.prisma.escalation.count({ where: { caseId: theirs.id } })).toBe(0);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: theirs.id } })).toBe(0);
  });

  it("a reply whose turn fails before it is stored is answered 5xx, not acknowledged, and stored when Teams delivers it again", async () => {
    const alan: TeamsUser = { id: "29:alan", aadObjectId: "aad-alan", name: "Alan Acme" };
    connector.members.set(alan.id, { email: "alan@acme.test", aadObjectId: alan.aadObjectId });
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Flaky roster" }));
    // Alan is not linked yet: who he is comes from the roster, which is down.
    const reply = message(connector.url, alan, `reply ${c.number} Seen on our side too.`, { id: "outage-1" });
    connector.failWith = 403;
    try {
      const failed = await postActivity(endpoint, reply);
      expect(failed.status).toBe(500);
      expect(failed.json().reference).toEqual(expect.any(String));
      expect(failed.text).not.toMatch(/403|failing on purpose/);
    } finally {
      connector.failWith = undefined;
    }
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(0);

    expect((await postActivity(endpoint, reply)).status).toBe(200);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "Seen on our side too." } })).toBe(1);
  });

  it("the same message delivered twice, even at once, is one comment", async () => {
    const { case: c } = await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject: "Said once" }));
    const root = "1700000000999";
    await postActivity(endpoint, message(connector.url, ada, `follow ${c.number}`, { conversation: channelConversation(root), id: root, mention: true }));
    const reply = message(connector.url, ada, "It happens on every upload.", { conversation: channelConversation(root), id: "1700000001000" });
    const answers = await Promise.all([postActivity(endpoint, reply), postActivity(endpoint, reply)]);
    answers.push(await postActivity(endpoint, reply));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "It happens on every upload." } })).toBe(1);

    const typed = message(connector.url, ada, `reply ${c.number} And on every download.`, { id: "typed-once" });
    await postActivity(endpoint, typed);
    await postActivity(endpoint, typed);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "And on every download." } })).toBe(1);
  });
});

describe("Teams with app credentials: the token must vouch for the serviceUrl", () => {
  const APP_ID = "00000000-1111-2222-3333-444444444444";
  let openid: FakeBotOpenId;
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  beforeAll(async () => {
    openid = new FakeBotOpenId();
    connector = new FakeBotConnector();
    await openid.start();
    await connector.start();
    t = await startTestApp({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: "test-password-not-used-offline", TEAMS_OPENID_METADATA_URL: openid.metadataUrl, TEAMS_SERVICE_URL_HOSTS: "127.0.0.1" });
    w = await buildWorld(t.app.core);
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    endpoint = t.url("/api/messages");
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
    await openid.stop();
  });

  const opening = (serviceUrl: string) => invoke(serviceUrl, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.new", value: "new" } });
  const bearer = (serviceUrl: string) => ({ authorization: `Bearer ${openid.token({ audience: APP_ID, serviceUrl })}` });

  it("refuses an activity whose serviceUrl the token does not name, or whose host is not a Bot Framework host, with nothing stored", async () => {
    const before = { refs: await t.app.db.prisma.conversationRef.count(), events: await t.app.db.prisma.inboundEvent.count() };
    // Signed for the real connector, sent to a Microsoft host: a replayed or altered activity.
    const mismatch = await postActivity(endpoint, opening("https://smba.trafficmanager.net/amer/"), bearer(connector.url));
    expect(mismatch.status).toBe(401);
    // Signed for the activity's own URL, but that is the metadata address: not a host the bot sends to.
    const foreign = await postActivity(endpoint, opening(METADATA), bearer(METADATA));
    expect(foreign.status).toBe(400);
    expect(foreign.json().error).toContain("serviceUrl");
    // Microsoft's hosts are https only.
    expect((await postActivity(endpoint, opening("http://smba.trafficmanager.net/amer/"), bearer("http://smba.trafficmanager.net/amer/"))).status).toBe(400);
    expect(connector.calls).toEqual([]);
    expect(await t.app.db.prisma.conversationRef.count()).toBe(before.refs);
    expect(await t.app.db.prisma.inboundEvent.count()).toBe(before.events);
  });

  it("runs the turn and remembers the conversation when the token names the activity's serviceUrl", async () => {
    const res = await postActivity(endpoint, opening(connector.url), bearer(connector.url));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ task: { type: "continue" } });
    const stored = await t.app.db.prisma.conversationRef.findUniqueOrThrow({ where: { platform_conversationId: { platform: "teams", conversationId: PERSONAL(ada).id } } });
    expect((stored.reference as { serviceUrl?: string }).serviceUrl).toBe(connector.url);
  });
});

describe("Teams rate limits: per user and per tenant, politely", () => {
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    // Two requests at once per user, four per tenant; one back every 3 seconds.
    t = await startTestApp({ TEAMS_LOCAL: "on", RATE_LIMIT_USER_BURST: "2", RATE_LIMIT_USER_PER_MINUTE: "20", RATE_LIMIT_TENANT_BURST: "4", RATE_LIMIT_TENANT_PER_MINUTE: "20" });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
  });

  it("a user over the limit is asked to slow down; a reply refused then is answered 429 and stored when Teams delivers it again", async () => {
    const { case: c } = await t.app.core.cases.file({ actor: { personId: w.people.acmeUser.id }, source: "cli" }, filing(w.accounts.acme.id, { subject: "Busy day" }));
    expect((await postActivity(endpoint, message(connector.url, ada, "help"))).status).toBe(200);
    expect((await postActivity(endpoint, message(connector.url, ada, "help"))).status).toBe(200);

    expect((await postActivity(endpoint, message(connector.url, ada, "help"))).status).toBe(200);
    const reply = message(connector.url, ada, `reply ${c.number} Sent while busy.`, { id: "busy-1" });
    const refused = await postActivity(endpoint, reply);
    expect(refused.status).toBe(429);
    expect(refused.json().error).toBe(RATE_LIMITED_MESSAGE);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const dialogOpen = await postActivity(endpoint, invoke(connector.url, ada, "task/fetch", { data: { action: "case.new", value: "new" } }));
    expect(dialogOpen.status).toBe(200);
    expect(dialogOpen.text).toContain(RATE_LIMITED_MESSAGE);
    // Told once per flood in the chat (each message of ours is an outbound call); the dialog shows it as its card.
    expect(connector.posts().filter((p) => p.activity?.text === RATE_LIMITED_MESSAGE).length).toBe(1);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(0);
    expect(t.logLines.some((l) => l.includes('"level":40') && l.includes("rate limit") && l.includes('"scope":"user"'))).toBe(true);

    // Nothing marked the refused message as seen: Teams' next delivery of it is stored, once.
    await expect.poll(async () => (await postActivity(endpoint, reply)).status, { timeout: 8_000, interval: 1_000 }).toBe(200);
    await postActivity(endpoint, reply);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "Sent while busy." } })).toBe(1);
  });

  it("a whole tenant over its limit is refused too, whoever asks", async () => {
    const tenant = "tenant-busy";
    const someone = (n: number): TeamsUser => ({ id: `29:user-${n}`, aadObjectId: `aad-user-${n}`, name: `User ${n}` });
    const statuses: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const res = await postActivity(endpoint, invoke(connector.url, someone(n), "task/fetch", { data: { action: "severity.guide", value: "guide" } }, { conversation: PERSONAL(someone(n), tenant) }));
      statuses.push(res.text.includes(RATE_LIMITED_MESSAGE) ? "refused" : "served");
    }
    expect(statuses).toEqual(["served", "served", "served", "served", "refused"]);
    expect(t.logLines.some((l) => l.includes("rate limit") && l.includes('"scope":"tenant"'))).toBe(true);
  });
});
