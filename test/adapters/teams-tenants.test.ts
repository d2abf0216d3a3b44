import { randomUUID } from "node:crypto";
import { AppCredentials } from "botframework-connector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspacesCommand } from "../../src/cli/workspaces.ts";
import { FakeBotConnector, type ConnectorCall } from "../fakes/bot-connector.ts";
import { FakeBotOpenId } from "../fakes/bot-openid.ts";
import { pollFor } from "../fakes/poll.ts";
import { postActivity } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, operator, type World } from "../support/world.ts";

/**
 * Issue 13, Teams across tenants, end to end: real Bot Framework activities through
 * /api/messages, signed by the local OpenID fake, from two customer tenants and the
 * vendor's own, each tenant's Teams answered by its own local connector (its own
 * serviceUrl), so the recorded requests show which tenant's connector each card reached.
 */
const APP_ID = "00000000-1111-2222-3333-555555555555";
const VENDOR = "tenant-vendor";
/** The Bot Framework token the bot sends on its own calls. Azure AD is out of reach here: see seedBotToken. */
const BOT_TOKEN = "bot-token-from-azure-ad";

interface Tenant {
  id: string;
  connector: FakeBotConnector;
  team: string;
  channel: string;
}
interface User {
  id: string;
  aadObjectId: string;
  name: string;
}

/**
 * The token botbuilder would fetch from Azure AD for its calls to the connector,
 * placed in botbuilder's own token cache (keyed by app id and audience: AppCredentials
 * getToken). This machine reaches no Microsoft login; everything after the token, the
 * calls and what they carry, is the real code's.
 */
function seedBotToken(): void {
  const expiresOn = new Date(Date.now() + 60 * 60 * 1000);
  for (const scope of ["https://api.botframework.com", "https://api.botframework.com/.default"]) {
    (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.set(`${APP_ID}${scope}-cache`, { accessToken: BOT_TOKEN, expiresOn });
  }
}

describe("Teams across tenants: installs recorded, identities per tenant, cards to each tenant's own conversation", () => {
  let openid: FakeBotOpenId;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  // Acme's tenant and Globex's tenant, and the vendor's own (TEAMS_APP_TENANT_ID).
  const acme = { id: "tenant-acme", team: "19:acme-team@thread.tacv2", channel: "19:acme-support@thread.tacv2" } as Tenant;
  const globex = { id: "tenant-globex", team: "19:globex-team@thread.tacv2", channel: "19:globex-support@thread.tacv2" } as Tenant;
  const vendor = { id: VENDOR, team: "19:vendor-team@thread.tacv2", channel: "19:vendor-support@thread.tacv2" } as Tenant;
  // Ada works at Acme. Mallory is in Globex's tenant, where someone gave her Ada's address.
  const ada: User = { id: "29:acme-ada", aadObjectId: "aad-ada", name: "Ada Acme" };
  const gail: User = { id: "29:globex-gail", aadObjectId: "aad-gail", name: "Gail Globex" };
  const mallory: User = { id: "29:globex-mallory", aadObjectId: "aad-mallory", name: "Ada Acme" };
  // The same AAD object id as Ada's, in another tenant: not Ada.
  const adaLookalike: User = { id: "29:globex-lookalike", aadObjectId: "aad-ada", name: "Ada Acme" };
  const alanAtVendor: User = { id: "29:vendor-alan", aadObjectId: "aad-alan", name: "Alan Acme" };
  const eve: User = { id: "29:vendor-eve", aadObjectId: "aad-eve", name: "Eve Engineer" };

  let counter = 0;
  function activity(tenant: Tenant, user: User, conversation: Record<string, unknown>, extra: Record<string, unknown>) {
    counter += 1;
    const channel = conversation.conversationType === "channel";
    return {
      id: `act-${tenant.id}-${counter}`,
      channelId: "msteams",
      serviceUrl: tenant.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
      recipient: { id: "28:carebot", name: "carebot" },
      conversation: { ...conversation, tenantId: tenant.id },
      channelData: { tenant: { id: tenant.id }, ...(channel ? { team: { id: tenant.team }, channel: { id: String(conversation.id).split(";")[0] } } : {}) },
      locale: "en-US",
      ...extra,
    };
  }
  const personal = (tenant: Tenant, user: User) => ({ id: `a:personal-${tenant.id}-${user.aadObjectId}`, conversationType: "personal" });
  const channelOf = (tenant: Tenant, id = tenant.channel) => ({ id, conversationType: "channel", isGroup: true });
  /** Posted as the Bot Connector posts it: with a token it signed for the tenant's serviceUrl. */
  const post = (tenant: Tenant, body: Record<string, unknown>) => postActivity(endpoint, body, { authorization: `Bearer ${openid.token({ audience: APP_ID, serviceUrl: tenant.connector.url })}` });
  const say = (tenant: Tenant, user: User, text: string) => post(tenant, activity(tenant, user, personal(tenant, user), { type: "message", text, textFormat: "plain" }));
  const install = (tenant: Tenant, user: User, conversation: Record<string, unknown>, action = "add") => post(tenant, activity(tenant, user, conversation, { type: "installationUpdate", action }));
  const fileFrom = (tenant: Tenant, user: User, accountId: string, subject: string, conversation = personal(tenant, user)) =>
    post(tenant, activity(tenant, user, conversation, { type: "invoke", name: "task/submit", value: { data: { callbackId: "case.new", state: { key: randomUUID() }, accountId, caseType: "TECHNICAL_ISSUE", severity: "S3", subject, description: "Seen since this morning.", feature: "live/webcast" } } }));
  const text = (c: ConnectorCall) => JSON.stringify(c.activity ?? {});
  /** The bot's next answer in a tenant's conversation that mentions `needle`. */
  const answer = (tenant: Tenant, conversationId: string, needle: string) =>
    pollFor(
      () => tenant.connector.calls.find((c) => (c.kind === "send" || c.kind === "reply") && c.conversationId === conversationId && text(c).includes(needle)),
      () => `no answer in ${conversationId} mentioning "${needle}"; answers there: ${JSON.stringify(tenant.connector.posts(conversationId).map((c) => JSON.stringify(c.activity?.attachments ?? c.activity?.text).slice(0, 700)))}`,
    );

  beforeAll(async () => {
    openid = new FakeBotOpenId();
    await openid.start();
    for (const tenant of [acme, globex, vendor]) {
      tenant.connector = new FakeBotConnector();
      await tenant.connector.start();
    }
    // The local connectors listen on 127.0.0.1, not a Bot Framework host: allowed by name, as an operator allows a sovereign cloud's.
    t = await startTestApp({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: "test-password-not-used-offline", TEAMS_APP_TENANT_ID: VENDOR, TEAMS_OPENID_METADATA_URL: openid.metadataUrl, TEAMS_SERVICE_URL_HOSTS: "127.0.0.1" });
    seedBotToken();
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    // Each tenant's roster, as its own Teams reports it.
    acme.connector.members.set(ada.id, { email: "ada@acme.test", aadObjectId: ada.aadObjectId });
    globex.connector.members.set(gail.id, { email: "gail@globex.test", aadObjectId: gail.aadObjectId });
    globex.connector.members.set(mallory.id, { email: "ada@acme.test", aadObjectId: mallory.aadObjectId });
    globex.connector.members.set(adaLookalike.id, { email: "someone@globex.test", aadObjectId: adaLookalike.aadObjectId });
    vendor.connector.members.set(alanAtVendor.id, { email: "alan@acme.test", aadObjectId: alanAtVendor.aadObjectId });
  });
  afterAll(async () => {
    await t?.close();
    for (const tenant of [acme, globex, vendor]) await tenant.connector?.stop();
    await openid?.stop();
  });

  it("a customer admin's installs are recorded per tenant and conversation, with the serviceUrl the token vouched for, and audited once", async () => {
    // Acme's admin adds the app to a team; Gail adds it for herself in Globex's tenant.
    expect((await install(acme, ada, channelOf(acme, acme.team))).status).toBe(200);
    expect((await install(globex, gail, personal(globex, gail))).status).toBe(200);
    // Teams repeats the event on an app upgrade: no second install on record.
    expect((await install(acme, ada, channelOf(acme, acme.team), "add-upgrade")).status).toBe(200);

    const rows = await t.app.db.prisma.teamsInstallation.findMany({ orderBy: { tenantId: "asc" } });
    expect(rows).toMatchObject([
      { tenantId: acme.id, conversationId: acme.team, scope: "team", teamId: acme.team, serviceUrl: acme.connector.url, installerId: ada.aadObjectId, removedAt: null },
      { tenantId: globex.id, conversationId: personal(globex, gail).id, scope: "personal", teamId: null, serviceUrl: globex.connector.url, installerId: gail.aadObjectId, removedAt: null },
    ]);
    const audits = await t.app.db.prisma.auditEntry.findMany({ where: { action: "teams.installed" } });
    expect(audits.map((a) => (a.changes as { tenantId: string }).tenantId).sort()).toEqual([acme.id, globex.id]);

    // Installed in a team, the bot stays quiet; in a personal chat it greets, and Gail (not linked yet) gets the guidance, from her own tenant's connector.
    expect(acme.connector.posts()).toEqual([]);
    const greeting = await answer(globex, personal(globex, gail).id, "not linked to a customer account");
    expect(greeting.authorization).toBe(`Bearer ${BOT_TOKEN}`);

    // The operator sees both installs beside Slack's.
    const cli = await workspacesCommand(t.app.core, operator, "installations", {});
    expect(cli.text).toMatch(new RegExp(`${acme.id}\\s+team\\s+${acme.team.replace(/[.]/g, "\\.")}`));
    expect(cli.text).toMatch(new RegExp(`${globex.id}\\s+personal`));
    // Support staff see them in chat too (Eve, linked in the vendor's own tenant).
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: VENDOR, userId: eve.aadObjectId });
    await say(vendor, eve, "workspaces");
    const card = await answer(vendor, personal(vendor, eve).id, "Workspaces and their accounts");
    expect(text(card)).toContain(`Teams ${acme.id}: installed in 1 conversation since`);
    expect(text(card)).toContain(`Teams ${globex.id}: installed in 1 conversation since`);
  });

  it("a Globex user whose roster email is Acme's Ada gets no access: told to get the tenant linked, then, linked to Globex, still not Ada", async () => {
    await say(globex, mallory, "my cases");
    await answer(globex, personal(globex, mallory).id, "not linked to a customer account");
    expect(await t.app.db.prisma.chatIdentity.count({ where: { tenantId: globex.id } })).toBe(0);

    await workspacesCommand(t.app.core, operator, "link", { platform: "teams", tenant: globex.id, account: w.accounts.globex.id });
    await say(globex, mallory, "my cases");
    await answer(globex, personal(globex, mallory).id, "not set up");
    // Gail, whose address is Globex's own contact's, is matched in her linked tenant.
    await say(globex, gail, "my cases");
    await answer(globex, personal(globex, gail).id, "All My Cases");
    expect(await t.app.db.prisma.chatIdentity.findMany({ where: { tenantId: globex.id }, select: { userId: true, personId: true } })).toEqual([{ userId: gail.aadObjectId, personId: w.people.globexUser.id }]);
    // Nothing of it went to another tenant's connector.
    expect(acme.connector.calls.filter((c) => c.kind !== "member")).toEqual([]);
  });

  it("the same AAD object id in another tenant is another person; Ada is matched only in the tenant linked to Acme", async () => {
    await workspacesCommand(t.app.core, operator, "link", { platform: "teams", tenant: acme.id, account: w.accounts.acme.id });
    await say(acme, ada, "my cases");
    await answer(acme, personal(acme, ada).id, "All My Cases");
    await say(globex, adaLookalike, "my cases");
    await answer(globex, personal(globex, adaLookalike).id, "not set up");
    const identities = await t.app.db.prisma.chatIdentity.findMany({ where: { userId: ada.aadObjectId }, select: { tenantId: true, personId: true } });
    expect(identities).toEqual([{ tenantId: acme.id, personId: w.people.acmeUser.id }]);
  });

  it("an activity naming two tenants is refused before anything runs or is stored", async () => {
    const before = { refs: await t.app.db.prisma.conversationRef.count(), identities: await t.app.db.prisma.chatIdentity.count() };
    const mixed = activity(globex, gail, personal(globex, gail), { type: "message", text: "my cases", textFormat: "plain" });
    const res = await post(globex, { ...mixed, conversation: { ...mixed.conversation, tenantId: acme.id } });
    expect(res.status).toBe(400);
    expect(res.json().error).toContain("different tenants");
    expect({ refs: await t.app.db.prisma.conversationRef.count(), identities: await t.app.db.prisma.chatIdentity.count() }).toEqual(before);
  });

  it("in the vendor's own tenant (TEAMS_APP_TENANT_ID) a user is matched by email in any account, as before", async () => {
    await say(vendor, alanAtVendor, "my cases");
    await answer(vendor, personal(vendor, alanAtVendor).id, "All My Cases");
    expect(await t.app.db.prisma.chatIdentity.findFirst({ where: { tenantId: VENDOR, userId: alanAtVendor.aadObjectId }, select: { personId: true } })).toEqual({ personId: w.people.acmeUser2.id });
  });

  it("each tenant's new case card goes to its own conversation through its own connector, naming its tenant", async () => {
    // Ada files in her personal chat in Acme's tenant; Gail files at the top of Globex's support channel.
    await post(globex, activity(globex, gail, channelOf(globex), { type: "message", text: "<at>carebot</at> help", entities: [{ type: "mention", text: "<at>carebot</at>", mentioned: { id: "28:carebot", name: "carebot" } }] }));
    expect((await fileFrom(acme, ada, w.accounts.acme.id, "Acme's stream stalls")).status).toBe(200);
    expect((await fileFrom(globex, gail, w.accounts.globex.id, "Globex's captions lag", channelOf(globex))).status).toBe(200);
    await t.app.worker!.runOnce();

    const acmeCard = await answer(acme, personal(acme, ada).id, "Acme's stream stalls");
    expect(acmeCard).toMatchObject({ conversationId: personal(acme, ada).id, tenantId: acme.id, authorization: `Bearer ${BOT_TOKEN}` });
    // A new channel thread is a new conversation in Globex's tenant, on Globex's connector.
    const globexCard = await globex.connector.waitFor((c) => c.kind === "create" && text(c).includes("Globex's captions lag"));
    expect(globexCard).toMatchObject({ conversationId: globex.channel, tenantId: globex.id, authorization: `Bearer ${BOT_TOKEN}` });
    // Neither card reached the other tenant's connector.
    expect(acme.connector.calls.some((c) => text(c).includes("Globex's captions lag"))).toBe(false);
    expect(globex.connector.calls.some((c) => text(c).includes("Acme's stream stalls"))).toBe(false);
    expect(vendor.connector.calls.some((c) => text(c).includes("Acme's stream stalls") || text(c).includes("Globex's captions lag"))).toBe(false);
  });

  it("a tenant linked to Globex never sees Acme's cases, even by number", async () => {
    const acmeCase = await t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Acme's stream stalls" } });
    await say(globex, gail, "my cases");
    const list = await answer(globex, personal(globex, gail).id, "Globex's captions lag");
    expect(text(list)).not.toContain("Acme's stream stalls");
    const chat = personal(globex, gail).id;
    const seen = globex.connector.posts(chat).length;
    await say(globex, gail, `show ${acmeCase.number}`);
    const refused = await pollFor(() => globex.connector.posts(chat)[seen], () => "no answer to show");
    expect(text(refused)).toContain("No case with that number is visible to you.");
    expect(text(refused)).not.toContain("Acme's stream stalls");
  });

  it("removed from a team, the bot sends nothing more to any of its channels, not only the one Teams named", async () => {
    const { case: c } = await t.app.core.cases.file({ actor: { personId: w.people.acmeUser.id }, source: "teams" }, filing(w.accounts.acme.id, { subject: "Followed in Acme's channel" }));
    // Ada has the case followed in a thread of Acme's support channel (not the team's General channel, which the install names).
    const root = "1700000009000";
    const mention = { entities: [{ type: "mention", text: "<at>carebot</at>", mentioned: { id: "28:carebot", name: "carebot" } }] };
    await post(acme, activity(acme, ada, channelOf(acme, `${acme.channel};messageid=${root}`), { type: "message", id: root, text: `<at>carebot</at> follow ${c.number}`, ...mention }));
    await answer(acme, `${acme.channel};messageid=${root}`, "Followed in Acme");
    const engineer = { actor: { personId: w.people.engineer.id }, source: "cli" } as const;
    await t.app.core.cases.comment(engineer, c.number, { body: "Looking at the logs." });
    await t.app.worker!.runOnce();
    await answer(acme, `${acme.channel};messageid=${root}`, "Looking at the logs.");

    expect((await install(acme, ada, channelOf(acme, acme.team), "remove")).status).toBe(200);
    await t.app.core.cases.comment(engineer, c.number, { body: "Found it." });
    await t.app.worker!.runOnce();
    const owed = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" }, orderBy: { createdAt: "desc" } });
    const receipt = await t.app.db.prisma.deliveryReceipt.findFirstOrThrow({ where: { notificationId: owed.id, target: `thread:${acme.channel}:${root}` } });
    expect(receipt.externalId).toMatch(/^refused: carebot was removed from that Teams conversation/);
    expect(acme.connector.calls.some((x) => text(x).includes("Found it."))).toBe(false);
    // Added to the team again, its channels are served again.
    await install(acme, ada, channelOf(acme, acme.team));
    expect(await t.app.core.teamsInstallations.isRemoved(acme.id, acme.channel, acme.team)).toBe(false);
  });

  it("removing the app is recorded and audited; nothing more is sent there, and installing again brings it back", async () => {
    const { case: c } = await t.app.core.cases.file({ actor: { personId: w.people.acmeUser.id }, source: "teams" }, filing(w.accounts.acme.id, { subject: "After the removal" }));
    await t.app.worker!.runOnce();
    // Ada's personal chat with the bot, recorded as an install, then removed by her.
    await install(acme, ada, personal(acme, ada));
    expect((await install(acme, ada, personal(acme, ada), "remove")).status).toBe(200);
    const row = await t.app.db.prisma.teamsInstallation.findUniqueOrThrow({ where: { tenantId_conversationId: { tenantId: acme.id, conversationId: personal(acme, ada).id } } });
    expect(row.removedAt).not.toBeNull();
    const removals = await t.app.db.prisma.auditEntry.findMany({ where: { action: "teams.removed" } });
    expect(removals.filter((r) => (r.changes as { conversationId?: string }).conversationId === personal(acme, ada).id)).toHaveLength(1);

    // An engineer answers: the answer is owed to Ada's personal chat, which the app was removed from.
    const before = acme.connector.posts(personal(acme, ada).id).length;
    await t.app.core.cases.comment({ actor: { personId: w.people.engineer.id }, source: "cli" }, c.number, { body: "We are on it." });
    await t.app.worker!.runOnce();
    // That destination is refused for good and recorded (no retries); the notification still reaches every other one.
    const owed = await t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" } });
    expect(owed.status).toBe("DELIVERED");
    const receipt = await t.app.db.prisma.deliveryReceipt.findFirstOrThrow({ where: { notificationId: owed.id, target: "dm" } });
    expect(receipt.externalId).toMatch(/^refused: carebot was removed from that Teams conversation/);
    expect(acme.connector.posts(personal(acme, ada).id).length).toBe(before);

    await install(acme, ada, personal(acme, ada));
    expect((await t.app.db.prisma.teamsInstallation.findUniqueOrThrow({ where: { tenantId_conversationId: { tenantId: acme.id, conversationId: personal(acme, ada).id } } })).removedAt).toBeNull();
    expect((await t.app.core.teamsInstallations.list(operator)).filter((i) => i.tenantId === acme.id && !i.removedAt)).toHaveLength(2);
  });
});
