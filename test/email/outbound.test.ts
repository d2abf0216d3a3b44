import { randomBytes } from "node:crypto";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/adapters/http/server.ts";
import { createEmailDelivery } from "../../src/delivery/email.ts";
import { createDeliveryWorker } from "../../src/delivery/worker.ts";
import { startInboundListener, type InboundListener } from "../../src/email/inbound-listener.ts";
import { tokenOfAddress, verifyReplyToken } from "../../src/email/reply-token.ts";
import { routeUnsubscribe } from "../../src/email/unsubscribe.ts";
import { FakeSmtp } from "../fakes/smtp.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * The contact and the CC addresses hear each public update by email, each with a reply
 * address of their own, threaded per case; replying to it writes on the case. The mail
 * goes to a real SMTP server (the local test one); the reply comes back over SMTP into
 * carebot's listener.
 */
describe("case updates by email, and replies to them", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });
  const keys = { current: randomBytes(32) };
  const smtp = new FakeSmtp();
  let listener: InboundListener;
  let http: HttpServer;
  const replies = { keys, prefix: "reply", domain: "cases.vendor.test", linkBase: "" };

  beforeAll(async () => {
    await smtp.start();
    listener = await startInboundListener({
      config: { INBOUND_SMTP_HOST: "127.0.0.1", INBOUND_SMTP_PORT: 0, EMAIL_REPLY_PREFIX: "reply", INBOUND_MAX_MESSAGE_BYTES: 1024 * 1024 },
      keys,
      inbound: s.t.core.email.inbound,
      logger: s.t.logger,
    });
    http = await startHttpServer({ port: 0, host: "127.0.0.1", logger: s.t.logger, readiness: [] });
    routeUnsubscribe(http, { keys, preferences: s.t.core.email.preferences, logger: s.t.logger });
    replies.linkBase = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.drain(1000);
    await listener?.stop();
    await smtp.stop();
  });

  const deliver = () =>
    createDeliveryWorker({
      core: s.t.core,
      clock: s.t.clock,
      logger: s.t.logger,
      channels: [createEmailDelivery({ core: s.t.core, smtpUrl: smtp.url, from: "Support <support@vendor.test>", logger: s.t.logger, replies })],
      intervalMs: 60_000,
      maxAttempts: 3,
    }).runOnce();
  const mailTo = (address: string, subject: string) => smtp.messages.filter((m) => m.envelopeTo.includes(address) && m.subject?.includes(subject));

  it("the contact and each CC get their own email with their own reply address, threaded per case; an answer by reply lands on the case", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const eve = as(s.w.people.engineer.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "Email thread", cc: ["boss@acme.test"] }));
    await s.t.core.cases.take(eve, c.number);
    await s.t.core.cases.askCustomer(eve, c.number, { body: "Which player version do you embed?" });
    await s.t.core.cases.comment(eve, c.number, { body: "Internal: check the CDN", internal: true });
    await deliver();

    await expect.poll(() => mailTo("ada@acme.test", "Email thread").some((m) => m.text?.includes("Which player version"))).toBe(true);
    const toAda = mailTo("ada@acme.test", "Email thread");
    const toBoss = mailTo("boss@acme.test", "Email thread");
    expect(toBoss.length).toBe(toAda.length);
    const question = toAda.find((m) => m.text?.includes("Which player version"))!;
    expect(question.envelopeTo).toEqual(["ada@acme.test"]);
    // Threaded: every email of the case answers the same root id, each with an id of its own.
    const roots = new Set([...toAda, ...toBoss].map((m) => m.inReplyTo));
    expect(roots.size).toBe(1);
    expect(new Set([...toAda, ...toBoss].map((m) => m.messageId)).size).toBe(toAda.length + toBoss.length);
    expect(question.references).toEqual([...roots][0]);
    expect(question.headers.get("auto-submitted")).toBe("auto-generated");
    // Each recipient's reply address names them.
    const adaReplyTo = question.replyTo!.value[0]!.address!;
    expect(verifyReplyToken(keys, tokenOfAddress(adaReplyTo, "reply")!)).toEqual({ caseNumber: Number(c.number), kind: "person", personId: s.w.people.acmeUser.id });
    const bossReplyTo = toBoss[0]!.replyTo!.value[0]!.address!;
    expect(verifyReplyToken(keys, tokenOfAddress(bossReplyTo, "reply")!)).toMatchObject({ kind: "cc" });
    expect(smtp.messages.map((m) => m.text).join("\n")).not.toContain("check the CDN");

    // Ada answers by replying; it becomes her comment and the case is In Progress again.
    s.t.clock.advance(60_000);
    const client = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
    await client.sendMail({ from: "ada@acme.test", to: adaReplyTo, subject: `Re: ${question.subject}`, text: "v7.2\n\nOn Mon, 2 Mar 2026, Support wrote:\n> Which player version do you embed?", inReplyTo: question.messageId });
    const after = await s.t.core.cases.get(eve, c.number, { recordRecent: false });
    expect(after.status).toBe("IN_PROGRESS");
    expect(after.comments.at(-1)).toMatchObject({ body: "v7.2", source: "email", author: { id: s.w.people.acmeUser.id } });

    // Nobody is emailed their own comment: the CC hears Ada's reply, Ada does not.
    await deliver();
    await expect.poll(() => mailTo("boss@acme.test", "Email thread").some((m) => m.text?.includes("v7.2"))).toBe(true);
    expect(mailTo("ada@acme.test", "Email thread").some((m) => m.text?.includes("v7.2"))).toBe(false);
  });

  it("a contact who follows the case in a chat thread reads it there and gets no email; CC addresses still do", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "Chat follower", cc: ["ops@acme.test"] }));
    await s.t.core.threads.follow(ada, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: "300.1", audience: "CUSTOMER" });
    await s.t.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Looking into it." });
    await deliver();
    await expect.poll(() => mailTo("ops@acme.test", "Chat follower").some((m) => m.text?.includes("Looking into it."))).toBe(true);
    expect(mailTo("ada@acme.test", "Chat follower")).toEqual([]);
  });

  it("a contact's preference decides: ALWAYS emails them even while they follow in chat, CHAT_ONLY never; only they or staff may set it", async () => {
    const alan = as(s.w.people.acmeUser2.id);
    const { case: c } = await s.t.core.cases.file(alan, filing(s.w.accounts.acme.id, { subject: "Preference", cc: [] }));
    await s.t.core.threads.follow(alan, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId: "400.1", audience: "CUSTOMER" });
    await expect(s.t.core.email.preferences.set(as(s.w.people.acmeUser.id), { personId: s.w.people.acmeUser2.id, emailUpdates: "CHAT_ONLY" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await s.t.core.email.preferences.set(alan, { emailUpdates: "ALWAYS" });
    await s.t.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "First look done." });
    await deliver();
    // Filed and the comment, though a chat thread follows the case.
    await expect.poll(() => mailTo("alan@acme.test", "Preference").length).toBe(2);

    await s.t.core.email.preferences.set(as(s.w.people.engineer.id), { personId: s.w.people.acmeUser2.id, emailUpdates: "CHAT_ONLY" });
    await s.t.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Second look done." });
    await deliver();
    expect(mailTo("alan@acme.test", "Preference")).toHaveLength(2);
    await s.t.core.email.preferences.set(alan, { emailUpdates: "AUTO" });
  });

  it("every email carries an unsubscribe link: opening it changes nothing, confirming it stops the emails (contact and CC alike)", async () => {
    const niels = as(s.w.people.physicist2.id);
    const { case: c } = await s.t.core.cases.file(niels, filing(s.w.accounts.physics.id, { subject: "Unsubscribe", cc: ["lab@physics.test"] }));
    await deliver();
    await expect.poll(() => mailTo("niels@physics.northwind.edu", "Unsubscribe").length).toBe(1);
    const mail = mailTo("niels@physics.northwind.edu", "Unsubscribe")[0]!;
    const link = /Stop these emails: (\S+)/.exec(mail.text ?? "")![1]!;
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/\r\n\s+/g, " ");
    expect(header("list-unsubscribe")).toBe(`List-Unsubscribe: <${link}>`);
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain("<form method=\"post\">");
    expect((await s.t.db.prisma.person.findUniqueOrThrow({ where: { id: s.w.people.physicist2.id } })).emailUpdates).toBe("AUTO");
    expect((await fetch(link, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    expect((await s.t.db.prisma.person.findUniqueOrThrow({ where: { id: s.w.people.physicist2.id } })).emailUpdates).toBe("CHAT_ONLY");

    const ccLink = /Stop these emails: (\S+)/.exec(mailTo("lab@physics.test", "Unsubscribe")[0]!.text ?? "")![1]!;
    expect((await fetch(ccLink.replace(/&a=[^&]+/, "&a=other%40physics.test"), { method: "POST" })).status).toBe(404);
    expect((await fetch(ccLink.replace(/t=./, (m) => (m === "t=a" ? "t=b" : "t=a")), { method: "POST" })).status).toBe(404);
    expect((await fetch(ccLink, { method: "POST" })).status).toBe(200);

    await s.t.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Anyone there?" });
    await deliver();
    expect(mailTo("niels@physics.northwind.edu", "Unsubscribe")).toHaveLength(1);
    expect(mailTo("lab@physics.test", "Unsubscribe")).toHaveLength(1);
  });

  it("each email has an HTML part drawn from the same card as its text, every word escaped", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "HTML part", cc: ["html@acme.test"] }));
    await s.t.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: "Paste <script>alert(1)</script> & retry\nthen reload" });
    await deliver();
    await expect.poll(() => mailTo("html@acme.test", "HTML part").find((m) => m.text?.includes("Paste <script>"))).toBeTruthy();
    const mail = mailTo("html@acme.test", "HTML part").find((m) => m.text?.includes("Paste <script>"))!;
    expect(mail.html).toContain("Paste &#60;script&#62;alert(1)&#60;/script&#62; &#38; retry<br>then reload");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("Eve Engineer");
    expect(mail.html).toContain(">Stop these emails</a>");
  });
});
