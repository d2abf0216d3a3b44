import { createHash, randomBytes } from "node:crypto";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/adapters/http/server.ts";
import { startDelivery } from "../../src/app.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { Ctx } from "../../src/core/index.ts";
import { deliveryChannels } from "../../src/delivery/channels.ts";
import { fileLink } from "../../src/files/file-links.ts";
import { routeFiles } from "../../src/files/route.ts";
// @ts-expect-error: a plain .mjs script without types
import { buildTeamsPackage } from "../../scripts/teams-package.mjs";
import { AppCredentials } from "botframework-connector";
import { FakeBotConnector, type ConnectorCall } from "../fakes/bot-connector.ts";
import { FakeBotOpenId } from "../fakes/bot-openid.ts";
import { FakeFileHost } from "../fakes/file-host.ts";
import { channelConversation, message, PERSONAL, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, filing, operator, type World } from "../support/world.ts";

/**
 * Files Teams users send reach the case: in a personal chat the message is stored as a
 * reply and the file recorded in the outbox before Teams gets its answer; the delivery
 * worker then downloads the file Teams put in the sender's OneDrive (only from a trusted
 * host, within the size limit) and attaches it to the case the message names or the one
 * the sender last opened; in a channel thread that follows a case, a shared file is
 * recorded by its name and SharePoint link. Everything goes through /api/messages as
 * Teams sends it; the worker runs when the test says (app.worker.runOnce()).
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4
 */
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };
const alan: TeamsUser = { id: "29:alan", aadObjectId: "aad-alan", name: "Alan Acme" };
const MB = 1024 * 1024;

/** OneDrive's id of a file (a GUID), the same for the same name. */
function uniqueIdOf(name: string): string {
  const h = createHash("md5").update(name).digest("hex").toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A file as Teams attaches it to a personal-chat message (supportsFiles: true). */
function downloadInfo(name: string, downloadUrl: string) {
  return {
    contentType: "application/vnd.microsoft.teams.file.download.info",
    contentUrl: `https://contoso-my.sharepoint.com/personal/ada_contoso_com/Documents/Microsoft%20Teams%20Chat%20Files/${encodeURIComponent(name)}`,
    name,
    content: { downloadUrl, uniqueId: uniqueIdOf(name), fileType: name.split(".").pop(), etag: "123" },
  };
}

describe("Teams: files reach the case", () => {
  let connector: FakeBotConnector;
  let files: FakeFileHost;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  const adaCtx = (): Ctx => ({ actor: { personId: w.people.acmeUser.id }, source: "cli" });
  const newCase = async (subject: string) => (await t.app.core.cases.file(adaCtx(), filing(w.accounts.acme.id, { subject }))).case;
  const sendFile = (user: TeamsUser, text: string, attachments: unknown[], extra: Record<string, unknown> = {}) => ({ ...message(connector.url, user, text), attachments, ...extra });
  const toldTo = (user: TeamsUser, words: string) => connector.waitFor((c: ConnectorCall) => c.conversationId === PERSONAL(user).id && JSON.stringify(c.activity ?? {}).includes(words), 10_000);
  const attachmentsOf = (caseId: string) => t.app.db.prisma.attachment.findMany({ where: { caseId }, orderBy: { createdAt: "asc" } });
  const fileRequests = (caseId: string) => t.app.db.prisma.notification.findMany({ where: { caseId, event: "case.files_shared" } });
  /** The delivery worker's turn: it fetches the files the turns recorded. */
  const deliver = () => t.app.worker!.runOnce();

  beforeAll(async () => {
    connector = new FakeBotConnector();
    files = new FakeFileHost();
    await connector.start();
    await files.start();
    // The fake OneDrive is on 127.0.0.1, named as an operator would name a sovereign cloud's SharePoint; "localhost" (the same machine) is not named.
    t = await startTestApp({ TEAMS_LOCAL: "on", TEAMS_FILE_HOSTS: "127.0.0.1", RATE_LIMIT_USER_BURST: "100", RATE_LIMIT_TENANT_BURST: "100" });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser2.id, platform: "teams", tenantId: TENANT, userId: alan.aadObjectId });
  });
  afterAll(async () => {
    await t?.close();
    await connector?.stop();
    await files?.stop();
  });

  it("the app package lets Teams send the bot files (supportsFiles)", async () => {
    const zip = await JSZip.loadAsync(await buildTeamsPackage({ out: "" }));
    const manifest = JSON.parse(await zip.file("manifest.json")!.async("string"));
    expect(manifest.bots[0].supportsFiles).toBe(true);
  });

  it("a file Ada sends with 'reply N' joins her reply on that case, bytes and all, once however often Teams delivers it", async () => {
    const c = await newCase("Player freezes");
    const log = Buffer.from("12:00:01 ERROR decoder stalled\n".repeat(200));
    const activity = sendFile(ada, `reply ${c.number} Here is the player log.`, [downloadInfo("player.log", files.put("player.log", { content: log, contentType: "text/plain" }))]);
    const first = await postActivity(endpoint, activity);
    expect(first.status).toBe(200);
    // Stored before the turn was answered: the reply, naming what came with it, and the file to fetch; nothing fetched yet.
    const comment = await t.app.db.prisma.comment.findFirstOrThrow({ where: { caseId: c.id, body: "Here is the player log." } });
    expect(await fileRequests(c.id)).toHaveLength(1);
    expect(files.fetchesOf("player.log")).toBe(0);
    await toldTo(ada, `Adding to case ${c.number}`);
    // Teams gives up waiting and delivers it again before the worker ran: still one request.
    expect((await postActivity(endpoint, activity)).status).toBe(200);
    await toldTo(ada, `Already being added to case ${c.number}`);
    expect(await fileRequests(c.id)).toHaveLength(1);
    await deliver();
    await toldTo(ada, `Attached to case ${c.number}`);
    const [file] = await attachmentsOf(c.id);
    expect(file).toMatchObject({ name: "player.log", contentType: "text/plain", size: log.length, source: "teams", addedById: w.people.acmeUser.id, commentId: comment.id });
    const opened = await t.app.core.email.attachments.open(adaCtx(), file!.id);
    expect(opened.content.equals(log)).toBe(true);
    // The case as anyone reads it lists the file.
    expect((await t.app.core.cases.get(adaCtx(), c.number)).attachments?.map((f) => f.name)).toEqual(["player.log"]);

    // Teams delivers the same message again: nothing is stored or fetched twice.
    expect((await postActivity(endpoint, activity)).status).toBe(200);
    await toldTo(ada, `Already on case ${c.number}`);
    await deliver();
    expect(await fileRequests(c.id)).toHaveLength(1);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(1);
    expect(await attachmentsOf(c.id)).toHaveLength(1);
    expect(files.fetchesOf("player.log")).toBe(1);
  });

  it("the same OneDrive file sent again in another message is attached once", async () => {
    const c = await newCase("Sent twice");
    const dump = Buffer.from("core dump\n".repeat(50));
    const address = files.put("dump.txt", { content: dump, contentType: "text/plain" });
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} the dump`, [downloadInfo("dump.txt", address)], { id: "dump-first" }));
    await deliver();
    await toldTo(ada, `Attached to case ${c.number}`);
    // A second message (another activity, so another reply) with the very same file: two requests, one file on the case.
    const before = connector.calls.length;
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} did you get the dump?`, [downloadInfo("dump.txt", address)], { id: "dump-second" }));
    await deliver();
    await connector.waitFor((x: ConnectorCall) => connector.calls.indexOf(x) >= before && JSON.stringify(x.activity ?? {}).includes(`Attached to case ${c.number}`), 10_000);
    expect(await fileRequests(c.id)).toHaveLength(2);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(2);
    const held = await attachmentsOf(c.id);
    expect(held.map((f) => [f.name, f.size])).toEqual([["dump.txt", dump.length]]);
  });

  it("when OneDrive fails for a moment the outbox tries again later, and Ada hears only the outcome", async () => {
    const c = await newCase("OneDrive hiccup");
    const notes = Buffer.from("release notes\n");
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} notes`, [downloadInfo("notes.txt", files.put("notes.txt", { content: notes, contentType: "text/plain", failFirst: 1 }))]));
    await deliver();
    // The 503 is not Ada's problem: nothing attached, nothing told, the request waits for another attempt.
    const [row] = await fileRequests(c.id);
    expect(row).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(row!.lastError).toContain("HTTP 503");
    expect(await attachmentsOf(c.id)).toEqual([]);
    expect(connector.calls.some((x) => JSON.stringify(x.activity ?? {}).includes("notes.txt: the download failed"))).toBe(false);
    // Its time comes (the backoff, brought forward here): the second attempt attaches it.
    await t.app.db.prisma.notification.update({ where: { id: row!.id }, data: { availableAt: new Date(0) } });
    await deliver();
    await toldTo(ada, `Attached to case ${c.number}`);
    expect((await attachmentsOf(c.id)).map((f) => f.name)).toEqual(["notes.txt"]);
    expect(files.fetchesOf("notes.txt")).toBe(2);
  });

  it("a file sent on its own goes to the case Ada last opened in the chat", async () => {
    const c = await newCase("Captions out of sync");
    await postActivity(endpoint, message(connector.url, ada, `case ${c.number}`));
    const shot = randomBytes(4096);
    expect((await postActivity(endpoint, sendFile(ada, "", [downloadInfo("captions.png", files.put("captions.png", { content: shot, contentType: "image/png" }))]))).status).toBe(200);
    await deliver();
    await toldTo(ada, `Attached to case ${c.number}`);
    const [file] = await attachmentsOf(c.id);
    expect(file).toMatchObject({ name: "captions.png", contentType: "image/png", size: 4096, source: "teams" });
    expect(await t.app.db.prisma.comment.findFirstOrThrow({ where: { id: file!.commentId! } })).toMatchObject({ body: "Sent a file in Teams: captions.png" });
  });

  it("with no case named and none opened, the sender is asked which case: nothing is stored or fetched", async () => {
    const before = await t.app.db.prisma.comment.count();
    await postActivity(endpoint, sendFile(alan, "see attached", [downloadInfo("orphan.txt", files.put("orphan.txt", { content: Buffer.from("x") }))]));
    await toldTo(alan, "Which case is this file for?");
    expect(await t.app.db.prisma.comment.count()).toBe(before);
    expect(files.fetchesOf("orphan.txt")).toBe(0);
  });

  it("a download address off SharePoint/OneDrive is refused without being fetched", async () => {
    const c = await newCase("Untrusted host");
    // The same fake server by another name ("localhost" is not a trusted host), and the cloud metadata address.
    const elsewhere = files.put("elsewhere.txt", { content: Buffer.from("not for us") }, "localhost");
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} two files`, [downloadInfo("elsewhere.txt", elsewhere), downloadInfo("metadata.json", "http://169.254.169.254/latest/meta-data/")]));
    await deliver();
    const told = await toldTo(ada, `Not attached to case ${c.number}`);
    expect(JSON.stringify(told.activity)).toContain("SharePoint or OneDrive");
    expect(files.fetchesOf("elsewhere.txt")).toBe(0);
    expect(await attachmentsOf(c.id)).toEqual([]);
    // A trusted host that redirects off the list is not followed either.
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} a redirect`, [downloadInfo("hop.txt", files.put("hop.txt", { content: Buffer.alloc(0), redirectTo: elsewhere }))]));
    await deliver();
    await connector.waitFor((x) => JSON.stringify(x.activity ?? {}).includes("hop.txt: it is not stored in SharePoint"), 10_000);
    expect(files.fetchesOf("elsewhere.txt")).toBe(0);
    expect(await attachmentsOf(c.id)).toEqual([]);
  });

  it("a file over the size limit is refused with a message, whether or not its size was declared", async () => {
    const c = await newCase("Huge recording");
    const big = Buffer.alloc(10 * MB + 1, 7);
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} declared`, [downloadInfo("declared.mp4", files.put("declared.mp4", { content: big }))]));
    await deliver();
    expect(JSON.stringify((await toldTo(ada, "declared.mp4: files may be at most 10 MB")).activity)).toContain(`Not attached to case ${c.number}`);
    // Chunked, with no Content-Length: stopped while streaming.
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} streamed`, [downloadInfo("streamed.mp4", files.put("streamed.mp4", { content: big, chunked: true }))]));
    await deliver();
    await toldTo(ada, "streamed.mp4: files may be at most 10 MB");
    expect(await attachmentsOf(c.id)).toEqual([]);
    // The replies themselves were stored: what Ada wrote is not lost with the file.
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(2);
  });

  it("a program is refused before anything is fetched", async () => {
    const c = await newCase("Sent a program");
    await postActivity(endpoint, sendFile(ada, `reply ${c.number} run this`, [downloadInfo("fix.exe", files.put("fix.exe", { content: Buffer.from("MZ") }))]));
    // The core's own rule and words (attachments.ts attachmentProblem), told before any download.
    expect(JSON.stringify((await toldTo(ada, "fix.exe")).activity)).toContain("Not attached");
    expect(files.fetchesOf("fix.exe")).toBe(0);
    expect(await t.app.db.prisma.comment.count({ where: { caseId: c.id } })).toBe(0);
  });

  it("a file shared in a channel thread that follows a case is recorded by name and SharePoint link, not fetched", async () => {
    const c = await newCase("Shared in the channel");
    const root = "1700000009000";
    await postActivity(endpoint, message(connector.url, ada, `follow ${c.number}`, { conversation: channelConversation(root), id: root, mention: true }));
    const link = "https://contoso.sharepoint.com/sites/Support/Shared%20Documents/General/encoder-settings.png";
    const reply = {
      ...message(connector.url, ada, "Our encoder settings", { conversation: channelConversation(root), id: "1700000009001" }),
      attachments: [
        { contentType: "text/html", content: "<div>Our encoder settings</div><attachment id=\"abc\"></attachment>" },
        { contentType: "reference", contentUrl: link, name: "encoder-settings.png" },
        // Not on SharePoint: not recorded as a file (staff would click it).
        { contentType: "reference", contentUrl: "https://files.evil.example/invoice.pdf", name: "invoice.pdf" },
      ],
    };
    expect((await postActivity(endpoint, reply)).status).toBe(200);
    const comment = await t.app.db.prisma.comment.findFirstOrThrow({ where: { caseId: c.id, externalId: { not: null } } });
    expect(comment.body).toContain("Our encoder settings");
    expect(comment.body).toContain(`encoder-settings.png: ${link}`);
    expect(comment.body).not.toContain("evil.example");
    // Shown on the case, to whoever reads it.
    expect(JSON.stringify((await t.app.core.cases.get(adaCtx(), c.number)).comments)).toContain(link);
    expect(await attachmentsOf(c.id)).toEqual([]);
  });

  describe("the attached file is opened only through a signed link, by someone who may see the case", () => {
    let http: HttpServer;
    const keys = { current: randomBytes(32) };
    beforeAll(async () => {
      http = await startHttpServer({ port: 0, host: "127.0.0.1", logger: t.app.logger, readiness: [] });
      routeFiles(http, { keys, attachments: t.app.core.email.attachments, now: () => new Date(), logger: t.app.logger });
    });
    afterAll(() => http?.drain(1000));

    it("Ada downloads it; a customer of another account gets 404 even with a genuine link made out to her", async () => {
      const c = await newCase("Link check");
      const content = Buffer.from("only for Acme\n");
      await postActivity(endpoint, sendFile(ada, `reply ${c.number} the config`, [downloadInfo("config.txt", files.put("config.txt", { content, contentType: "text/plain" }))]));
      await deliver();
      await toldTo(ada, `Attached to case ${c.number}`);
      const [file] = await attachmentsOf(c.id);
      const link = (personId: string) => fileLink({ base: `http://127.0.0.1:${http.port}`, keys, attachmentId: file!.id, personId, now: new Date() });
      const own = await fetch(link(w.people.acmeUser.id));
      expect(own.status).toBe(200);
      expect(await own.text()).toBe("only for Acme\n");
      const other = await fetch(link(w.people.globexUser.id));
      expect(other.status).toBe(404);
      expect(await other.text()).not.toContain("only for Acme");
    });
  });
});

describe("Teams with app credentials: signed activities, and the bot's token only where Teams wants it", () => {
  const APP_ID = "00000000-1111-2222-3333-444444444444";
  const BOT_TOKEN = "bot-token-for-the-connector";
  let openid: FakeBotOpenId;
  let connector: FakeBotConnector;
  let host: FakeFileHost;
  let t: TestApp;
  let w: World;
  let endpoint = "";

  beforeAll(async () => {
    openid = new FakeBotOpenId();
    connector = new FakeBotConnector();
    // One local host plays both the Bot Connector's origin (the activities' serviceUrl, where pasted images live) and OneDrive.
    host = new FakeFileHost({ connector: () => connector.url });
    await Promise.all([openid.start(), connector.start(), host.start()]);
    t = await startTestApp({
      TEAMS_APP_ID: APP_ID,
      TEAMS_APP_PASSWORD: "test-password-not-used-offline",
      TEAMS_OPENID_METADATA_URL: openid.metadataUrl,
      TEAMS_SERVICE_URL_HOSTS: "127.0.0.1",
      TEAMS_FILE_HOSTS: "127.0.0.1",
    });
    w = await buildWorld(t.app.core);
    endpoint = t.url("/api/messages");
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    // The token botbuilder would get from Azure AD for its calls (this machine reaches no Microsoft login), in botbuilder's own cache (AppCredentials getToken).
    const expiresOn = new Date(Date.now() + 60 * 60 * 1000);
    for (const scope of ["https://api.botframework.com", "https://api.botframework.com/.default"]) {
      (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.set(`${APP_ID}${scope}-cache`, { accessToken: BOT_TOKEN, expiresOn });
    }
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([connector?.stop(), host?.stop(), openid?.stop()]);
  });

  it("a pasted image is fetched from the Bot Connector with the bot's token, an uploaded file from OneDrive without it; both reach the case", async () => {
    const { case: c } = await t.app.core.cases.file({ actor: { personId: w.people.acmeUser.id }, source: "cli" }, filing(w.accounts.acme.id, { subject: "Signed and pasted" }));
    const png = randomBytes(2048);
    const log = Buffer.from("signed log\n");
    const activity = {
      ...message(host.url, ada, `reply ${c.number} screenshot and log`),
      attachments: [
        { contentType: "image/png", contentUrl: host.putInline("0-weu-d1-abc", { content: png, contentType: "image/png" }) },
        downloadInfo("signed.log", host.put("signed.log", { content: log, contentType: "text/plain" })),
      ],
    };
    const res = await postActivity(endpoint, activity, { authorization: `Bearer ${openid.token({ audience: APP_ID, serviceUrl: host.url })}` });
    expect(res.status).toBe(200);
    await t.app.worker!.runOnce();
    await connector.waitFor((x) => JSON.stringify(x.activity ?? {}).includes(`Attached to case ${c.number}`), 10_000);
    // Every message to the connector (the turn's answer, and the worker's after the download) went with the bot's token.
    const posts = host.requests.filter((r) => r.path.startsWith("/v3/conversations"));
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((r) => r.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
    const files = await t.app.db.prisma.attachment.findMany({ where: { caseId: c.id }, orderBy: { name: "asc" } });
    expect(files.map((f) => [f.name, f.contentType, f.size, f.source])).toEqual([
      ["image-1.png", "image/png", 2048, "teams"],
      ["signed.log", "text/plain", log.length, "teams"],
    ]);
    expect((await t.app.core.email.attachments.open({ actor: { personId: w.people.acmeUser.id }, source: "cli" }, files[0]!.id)).content.equals(png)).toBe(true);
    const requests = host.requests.filter((r) => !r.path.startsWith("/v3/conversations"));
    expect(requests.find((r) => r.path.startsWith("/v3/attachments/"))?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(requests.find((r) => r.path.includes("download.aspx"))?.authorization).toBeUndefined();
  });

  it("a pasted image that is not on the activity's own Bot Connector is neither fetched with the token nor attached", async () => {
    const { case: c } = await t.app.core.cases.file({ actor: { personId: w.people.acmeUser.id }, source: "cli" }, filing(w.accounts.acme.id, { subject: "Image elsewhere" }));
    const before = host.requests.length;
    const activity = { ...message(host.url, ada, `reply ${c.number} pasted`), attachments: [{ contentType: "image/png", contentUrl: "https://us-api.asm.skype.com/v1/objects/0-eus-d7-abc/views/imgo" }] };
    expect((await postActivity(endpoint, activity, { authorization: `Bearer ${openid.token({ audience: APP_ID, serviceUrl: host.url })}` })).status).toBe(200);
    await t.app.worker!.runOnce();
    await connector.waitFor((x) => JSON.stringify(x.activity ?? {}).includes(`Not attached to case ${c.number}`), 10_000);
    expect(host.requests.slice(before).filter((r) => !r.path.startsWith("/v3/conversations"))).toEqual([]);
    expect(await t.app.db.prisma.attachment.count({ where: { caseId: c.id } })).toBe(0);
  });
});

describe("Teams: a file sent in personal chat survives the server stopping right after Teams got its answer", () => {
  let connector: FakeBotConnector;
  let files: FakeFileHost;
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    connector = new FakeBotConnector();
    files = new FakeFileHost();
    await Promise.all([connector.start(), files.start()]);
    t = await startTestApp({ TEAMS_LOCAL: "on", TEAMS_FILE_HOSTS: "127.0.0.1" });
    w = await buildWorld(t.app.core);
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([connector?.stop(), files?.stop()]);
  });

  it("the file to fetch is an outbox row before the 200; a worker that never saw the turn fetches and attaches it", async () => {
    const adaCtx: Ctx = { actor: { personId: w.people.acmeUser.id }, source: "cli" };
    const { case: c } = await t.app.core.cases.file(adaCtx, filing(w.accounts.acme.id, { subject: "Stopped mid-way" }));
    const trace = Buffer.from("trace id 42\n".repeat(100));
    const address = files.put("trace.txt", { content: trace, contentType: "text/plain" });
    const res = await postActivity(t.url("/api/messages"), { ...message(connector.url, ada, `reply ${c.number} the trace`), attachments: [downloadInfo("trace.txt", address)] });
    expect(res.status).toBe(200);

    // When Teams has its answer, the request is in the database, with where the bytes are; nothing was downloaded.
    const [row] = await t.app.db.prisma.notification.findMany({ where: { caseId: c.id, event: "case.files_shared" } });
    expect(row).toMatchObject({ status: "PENDING" });
    expect(row!.payload).toMatchObject({ number: c.number, from: { platform: "teams", tenantId: TENANT, userId: ada.aadObjectId }, files: [{ name: "trace.txt", url: address, inline: false }] });
    expect(files.fetchesOf("trace.txt")).toBe(0);

    // The server that answered stops taking requests; the server's own worker never runs.
    await t.app.http.drain(1000);
    // A delivery worker of its own (as `npm run worker` builds it: channels from config, on the same database) does the download.
    const worker = startDelivery({ config: t.app.config, db: t.app.db, core: t.app.core, logger: t.app.logger, clock: systemClock, channels: deliveryChannels(t.app.config, t.app.core, t.app.logger), manual: true });
    try {
      await worker.runOnce();
    } finally {
      await worker.stop();
    }
    await connector.waitFor((x: ConnectorCall) => x.conversationId === PERSONAL(ada).id && JSON.stringify(x.activity ?? {}).includes(`Attached to case ${c.number}`), 10_000);
    const held = await t.app.db.prisma.attachment.findMany({ where: { caseId: c.id } });
    expect(held.map((f) => [f.name, f.size, f.source])).toEqual([["trace.txt", trace.length, "teams"]]);
    expect((await t.app.db.prisma.notification.findUniqueOrThrow({ where: { id: row!.id } })).status).toBe("DELIVERED");
    expect(files.fetchesOf("trace.txt")).toBe(1);
  });
});
