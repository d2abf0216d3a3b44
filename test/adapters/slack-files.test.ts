import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { startInboundEmail } from "../../src/email/start.ts";
import { blockAction, eventBody, interactiveBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { CUSTOMER_TOKEN, startTwoWorkspaces, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { as, filing } from "../support/world.ts";

/**
 * Issue 14: a file shared in a case's Slack thread reaches the case. The message is stored
 * (and Slack answered) first; the delivery worker then fetches the file with the token of
 * the workspace it was shared in, only from a trusted host, and attaches it to the comment.
 * Alan is a contact of Acme in Acme's own workspace (TCUST, installed with OAuth), so his
 * files must be fetched with TCUST's token, never the vendor's.
 */
const JSON_TYPE = "application/json";
const FORM = "application/x-www-form-urlencoded";
const MB = 1024 * 1024;

describe("Slack: files shared in a case thread", () => {
  let s: TwoWorkspaces;
  const alan = () => as(s.w.people.acmeUser2.id);
  let thread = 0;

  beforeAll(async () => {
    // One MB a file here, so a refusal needs no large download; the local Slack's file host
    // (loopback, any port) is trusted as files.slack.com is in production, and 127.0.0.2 is not.
    s = await startTwoWorkspaces({ ATTACHMENT_MAX_MB: "1", SLACK_FILE_HOSTS: "files.slack.com,127.0.0.1" });
    s.slack.emails.set("UALAN", "alan@acme.test");
    // As the server's start-up does (src/main.ts): file links are served, and signed with this key.
    await startInboundEmail({ env: { EMAIL_TOKEN_KEY: randomBytes(32).toString("base64"), EMAIL_LINK_BASE_URL: s.t.url("/") }, email: s.t.app.core.email, http: s.t.app.http, logger: s.t.app.logger });
  });
  afterAll(() => s?.close());

  /** A case of Acme's, followed in a thread of Acme's workspace. */
  async function caseInThread(subject: string) {
    const { case: c } = await s.t.app.core.cases.file(alan(), filing(s.w.accounts.acme.id, { subject }));
    thread += 1;
    const where = { channel: "CACME", threadTs: `1700001000.00000${thread}` };
    await s.t.app.core.threads.follow(alan(), { case: c.number, platform: "slack", tenantId: "TCUST", channelId: where.channel, threadId: where.threadTs, audience: "CUSTOMER" });
    await s.t.app.worker!.runOnce(); // the new case's own notifications out of the way
    return { c, ...where };
  }

  const share = (where: { channel: string; threadTs: string }, ts: string, text: string, files: Record<string, unknown>[], eventId: string, retryNum?: number) =>
    sendToSlackEndpoint(
      s.t.url("/slack/events"),
      eventBody({ type: "message", subtype: "file_share", channel: where.channel, user: "UALAN", user_team: "TCUST", text, ts, thread_ts: where.threadTs, files }, eventId, "TCUST"),
      JSON_TYPE,
      { retryNum },
    );

  it("reaches the case with its content, fetched with the workspace's own token, and the thread's card lists it", async () => {
    const { c, ...where } = await caseInThread("Player errors");
    s.slack.addFile("F0LOG1", { name: "player.log", mimetype: "text/plain", content: "ERROR 42 at 09:00\n", token: CUSTOMER_TOKEN });
    const res = await share(where, "1700001000.000100", "see the log", [{ id: "F0LOG1", name: "player.log", size: 18 }], "EvShare1");
    expect(res.status).toBe(200);
    // Stored at once, fetched only by the worker: the ack did not wait for a download.
    const comment = await s.t.app.db.prisma.comment.findFirstOrThrow({ where: { caseId: c.id, body: { startsWith: "see the log" } } });
    expect(comment.body).toBe("see the log\nShared a file: player.log");
    expect(s.slack.downloads).toEqual([]);

    await s.t.app.worker!.runOnce();
    const files = await s.t.app.core.email.attachments.list(alan(), c.number);
    expect(files).toMatchObject([{ name: "player.log", contentType: "text/plain", size: 18, source: "slack", commentId: comment.id, addedBy: { name: "Alan Acme" } }]);
    const opened = await s.t.app.core.email.attachments.open(alan(), files[0]!.id);
    expect(opened.content.toString()).toBe("ERROR 42 at 09:00\n");
    // Acme's workspace token asked for the file and downloaded it; the vendor's never did.
    expect(s.recorder.tokensOf("files.info")).toEqual([CUSTOMER_TOKEN]);
    expect(s.slack.downloads).toEqual([{ id: "F0LOG1", token: CUSTOMER_TOKEN, served: true }]);
    // The thread's card is redrawn with the file on it.
    const redrawn = await s.slack.waitFor("chat.update", (a) => a.channel === where.channel && a.ts === where.threadTs && JSON.stringify(a.blocks).includes("player.log"));
    expect(JSON.stringify(redrawn.blocks)).toContain("Alan Acme");
  });

  it("a redelivered event stores the comment and the file once", async () => {
    const { c, ...where } = await caseInThread("Twice");
    s.slack.addFile("F0SHOT1", { name: "screen.png", mimetype: "image/png", content: "PNG...", token: CUSTOMER_TOKEN });
    await share(where, "1700001000.000200", "", [{ id: "F0SHOT1", name: "screen.png", size: 6 }], "EvShare2");
    await share(where, "1700001000.000200", "", [{ id: "F0SHOT1", name: "screen.png", size: 6 }], "EvShare2", 1);
    await s.t.app.worker!.runOnce();
    await s.t.app.worker!.runOnce();
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId: c.id, body: "Shared a file: screen.png" } })).toBe(1);
    expect((await s.t.app.core.email.attachments.list(alan(), c.number)).map((f) => f.name)).toEqual(["screen.png"]);
  });

  it("a file over the limit is refused with the limit named, at once when Slack says its size, the comment kept", async () => {
    const { c, ...where } = await caseInThread("Too big");
    s.slack.addFile("F0BIG1", { name: "capture.mp4", mimetype: "video/mp4", content: Buffer.alloc(2 * MB, 1), token: CUSTOMER_TOKEN });
    const before = s.slack.of("chat.postEphemeral").length;
    expect((await share(where, "1700001000.000300", "recording", [{ id: "F0BIG1", name: "capture.mp4", size: 2 * MB }], "EvShare3")).status).toBe(200);
    const told = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UALAN" && JSON.stringify(a.blocks).includes("capture.mp4"));
    expect(s.slack.of("chat.postEphemeral").length).toBe(before + 1);
    expect(JSON.stringify(told.blocks)).toContain("files may be at most 1 MB");
    expect(await s.t.app.db.prisma.comment.count({ where: { caseId: c.id, body: { startsWith: "recording" } } })).toBe(1);
    await s.t.app.worker!.runOnce();
    expect(await s.t.app.core.email.attachments.list(alan(), c.number)).toEqual([]);
    expect(s.slack.downloads.filter((d) => d.id === "F0BIG1")).toEqual([]);
  });

  it("a file whose size Slack did not say is refused while downloading once it passes the limit, and the sender is told", async () => {
    const { c, ...where } = await caseInThread("Size unknown");
    s.slack.addFile("F0BIG2", { name: "dump.bin", mimetype: "application/octet-stream", content: Buffer.alloc(2 * MB, 2), token: CUSTOMER_TOKEN, hideSize: true });
    // A Slack Connect share carries only the file's id.
    await share(where, "1700001000.000400", "dump", [{ id: "F0BIG2" }], "EvShare4");
    await s.t.app.worker!.runOnce();
    expect(s.slack.downloads.filter((d) => d.id === "F0BIG2")).toEqual([{ id: "F0BIG2", token: CUSTOMER_TOKEN, served: true }]);
    const told = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UALAN" && JSON.stringify(a.blocks).includes("dump.bin"));
    expect(JSON.stringify(told.blocks)).toContain("files may be at most 1 MB");
    expect(told.thread_ts).toBe(where.threadTs);
    expect(await s.t.app.core.email.attachments.list(alan(), c.number)).toEqual([]);
    const row = await s.t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.files_shared" } });
    expect(row.status).toBe("DELIVERED");
  });

  it("a download link to a host that is not Slack's is never followed, and the case's later news is not held up by it", async () => {
    const { c, ...where } = await caseInThread("Elsewhere");
    s.slack.addFile("F0EVIL", { name: "notes.txt", content: "hello", token: CUSTOMER_TOKEN, url: "http://127.0.0.2:9/files-pri/F0EVIL/notes.txt" });
    await share(where, "1700001000.000500", "notes", [{ id: "F0EVIL", name: "notes.txt", size: 5 }], "EvShare5");
    await s.t.app.worker!.runOnce();
    const row = await s.t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.files_shared" } });
    // Not retried (retrying cannot mend it, and the case's later notifications would wait behind it); the reason is on its receipt.
    expect(row.status).toBe("DELIVERED");
    const receipt = await s.t.app.db.prisma.deliveryReceipt.findFirstOrThrow({ where: { notificationId: row.id, target: "slack-files" } });
    expect(receipt.externalId).toContain("untrusted host (127.0.0.2:9)");
    const told = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UALAN" && a.thread_ts === where.threadTs && JSON.stringify(a.blocks).includes("could not fetch the file"));
    expect(JSON.stringify(told.blocks)).not.toContain("127.0.0.2");
    expect(s.slack.downloads.filter((d) => d.id === "F0EVIL")).toEqual([]);
    expect(await s.t.app.core.email.attachments.list(alan(), c.number)).toEqual([]);
  });

  /** The new-case form as Slack submits it, with files in its file input. */
  function newCaseSubmission(key: string, subject: string, files: Record<string, unknown>[]) {
    const text = (value: string) => ({ type: "plain_text_input", value });
    const select = (value: string) => ({ type: "static_select", selected_option: { value } });
    const values: Record<string, Record<string, unknown>> = {
      accountId: { accountId: select(s.w.accounts.acme.id) },
      caseType: { caseType: { type: "radio_buttons", selected_option: { value: "TECHNICAL_ISSUE" } } },
      severity: { severity: { type: "radio_buttons", selected_option: { value: "S3" } } },
      subject: { subject: text(subject) },
      description: { description: text("Machine captions stopped on Monday; the player log is attached.") },
      feature: { feature: select("captions/machine") },
      contactId: { contactId: select(s.w.people.acmeUser2.id) },
      files: { files: { type: "file_input", files } },
    };
    return interactiveBody({
      type: "view_submission",
      team: { id: "TCUST", domain: "acme" },
      user: { id: "UALAN", team_id: "TCUST" },
      api_app_id: "A1",
      trigger_id: "trigger-files",
      view: { id: "V1", hash: "h1", type: "modal", callback_id: "case.new", private_metadata: JSON.stringify({ key, channel: "CACME" }), blocks: [], state: { values } },
    });
  }

  it("a file put in the new-case form reaches the new case, fetched after the form was answered", async () => {
    s.slack.addFile("F0FORM1", { name: "player-console.txt", mimetype: "text/plain", content: "console: error 1002", token: CUSTOMER_TOKEN });
    const res = await sendToSlackEndpoint(s.t.url("/slack/events"), newCaseSubmission("form-files-1", "Captions stopped (with a log)", [{ id: "F0FORM1", name: "player-console.txt", size: 19, mimetype: "text/plain" }]), FORM);
    expect(res.status).toBe(200);
    const filed = await s.t.app.db.prisma.case.findFirstOrThrow({ where: { subject: "Captions stopped (with a log)" } });
    expect(s.slack.downloads.filter((d) => d.id === "F0FORM1")).toEqual([]);
    await s.t.app.worker!.runOnce();
    await s.t.app.worker!.runOnce();
    const files = await s.t.app.core.email.attachments.list(alan(), filed.id);
    expect(files).toMatchObject([{ name: "player-console.txt", size: 19, source: "slack", commentId: null, addedBy: { name: "Alan Acme" } }]);
    expect(s.slack.downloads.filter((d) => d.id === "F0FORM1")).toEqual([{ id: "F0FORM1", token: CUSTOMER_TOKEN, served: true }]);
  });

  it("an oversized file in the form is refused on the form itself, with the limit named, and no case is filed", async () => {
    const res = await sendToSlackEndpoint(s.t.url("/slack/events"), newCaseSubmission("form-files-2", "Captions stopped (huge recording)", [{ id: "F0FORM2", name: "session.mov", size: 5 * MB }]), FORM);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ response_action: "errors", errors: { files: "session.mov is 5 MB; files may be at most 1 MB." } });
    expect(await s.t.app.db.prisma.case.count({ where: { subject: "Captions stopped (huge recording)" } })).toBe(0);
  });

  it("a file put in the reply form joins the reply on the case", async () => {
    const { c } = await caseInThread("Reply with a file");
    s.slack.addFile("F0REPLY1", { name: "har.json", mimetype: "application/json", content: "{\"log\":{}}", token: CUSTOMER_TOKEN });
    const body = interactiveBody({
      type: "view_submission",
      team: { id: "TCUST", domain: "acme" },
      user: { id: "UALAN", team_id: "TCUST" },
      api_app_id: "A1",
      trigger_id: "trigger-reply",
      view: {
        id: "V2", hash: "h2", type: "modal", callback_id: "case.reply", private_metadata: JSON.stringify({ case: c.number }), blocks: [],
        state: { values: { body: { body: { type: "plain_text_input", value: "Here is the HAR file." } }, files: { files: { type: "file_input", files: [{ id: "F0REPLY1", name: "har.json", size: 11 }] } } } },
      },
    });
    expect((await sendToSlackEndpoint(s.t.url("/slack/events"), body, FORM)).status).toBe(200);
    const reply = await s.t.app.db.prisma.comment.findFirstOrThrow({ where: { caseId: c.id, body: "Here is the HAR file." } });
    await s.t.app.worker!.runOnce();
    expect(await s.t.app.core.email.attachments.list(alan(), c.number)).toMatchObject([{ name: "har.json", commentId: reply.id, addedBy: { name: "Alan Acme" } }]);
  });

  it("Details shows the reader each file with a download link signed for them, which opens for them and nobody of another account", async () => {
    const { c, ...where } = await caseInThread("Links on Details");
    s.slack.addFile("F0LINK1", { name: "trace.txt", content: "trace 1234", token: CUSTOMER_TOKEN });
    await share(where, "1700001000.000900", "trace", [{ id: "F0LINK1", name: "trace.txt", size: 10 }], "EvShare9");
    await s.t.app.worker!.runOnce();
    await sendToSlackEndpoint(s.t.url("/slack/events"), blockAction({ user: "UALAN", team: "TCUST", actionId: "case.details", value: c.number, channel: where.channel }), FORM);
    const shown = await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "UALAN" && JSON.stringify(a.blocks).includes("trace.txt") && JSON.stringify(a.blocks).includes("/files?"));
    const url = JSON.stringify(shown.blocks).match(/"url":"([^"]+\/files\?[^"]+)"/)![1]!.replace(/\\u0026/g, "&");
    expect(new URL(url).searchParams.get("p")).toBe(s.w.people.acmeUser2.id);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("trace 1234");
    // The link altered to name someone else is no link at all (a genuine one for another account: test/files/file-permissions.test.ts).
    const forGail = new URL(url);
    forGail.searchParams.set("p", s.w.people.globexUser.id);
    expect((await fetch(forGail)).status).toBe(404);
  });

  it("a file shared in the thread by someone who may not answer on the case is neither stored nor fetched", async () => {
    const { c, ...where } = await caseInThread("Strangers");
    s.slack.emails.set("USTRANGER", "stranger@nowhere.test");
    s.slack.addFile("F0STRANGE", { name: "payload.txt", content: "nope", token: CUSTOMER_TOKEN });
    const res = await sendToSlackEndpoint(
      s.t.url("/slack/events"),
      eventBody({ type: "message", subtype: "file_share", channel: where.channel, user: "USTRANGER", user_team: "TCUST", text: "look", ts: "1700001000.000990", thread_ts: where.threadTs, files: [{ id: "F0STRANGE", name: "payload.txt", size: 4 }] }, "EvStranger", "TCUST"),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    await s.slack.waitFor("chat.postEphemeral", (a) => a.user === "USTRANGER");
    await s.t.app.worker!.runOnce();
    expect(await s.t.app.db.prisma.notification.count({ where: { caseId: c.id, event: "case.files_shared" } })).toBe(0);
    expect(s.slack.downloads.filter((d) => d.id === "F0STRANGE")).toEqual([]);
    expect(await s.t.app.core.email.attachments.list(alan(), c.number)).toEqual([]);
  });
});
