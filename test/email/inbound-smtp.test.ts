import { randomBytes } from "node:crypto";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAttachments } from "../../src/core/attachments/attachments.ts";
import { fullCaseInclude, readFullCase } from "../../src/core/cases/case-reader.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import type { CoreDeps } from "../../src/core/deps.ts";
import { createInboundEmail } from "../../src/core/inbound-email.ts";
import { startInboundListener, type InboundListener } from "../../src/email/inbound-listener.ts";
import { replyAddress, type ReplyTarget } from "../../src/email/reply-token.ts";
import { FakeSmtp } from "../fakes/smtp.ts";
import { as, filing, useWorld } from "../support/world.ts";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Customers answer a case by replying to its email: a real SMTP session (nodemailer as
 * the customer's mail server) into carebot's inbound listener on a random port, against
 * the real database.
 */
describe("email replies reach the case through the SMTP listener", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });
  const keys = { current: randomBytes(32) };
  const outbound = new FakeSmtp(); // where carebot's own answers (the new-case offer) go
  let listener: InboundListener;
  let relay: Transporter;
  let inbound: ReturnType<typeof createInboundEmail>;
  let attachments: ReturnType<typeof createAttachments>;
  let counter = 0;

  beforeAll(async () => {
    const deps: CoreDeps = { prisma: s.t.db.prisma, clock: s.t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: s.t.logger };
    attachments = createAttachments(deps);
    inbound = createInboundEmail(deps, attachments);
    await outbound.start();
    listener = await startInboundListener({
      config: { INBOUND_SMTP_HOST: "127.0.0.1", INBOUND_SMTP_PORT: 0, EMAIL_REPLY_PREFIX: "reply", INBOUND_MAX_MESSAGE_BYTES: 5 * 1024 * 1024 },
      keys,
      inbound,
      logger: s.t.logger,
      answer: { transport: nodemailer.createTransport(outbound.url), from: "support@vendor.test" },
    });
    relay = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    await listener?.stop();
    await outbound.stop();
  });

  const to = (target: ReplyTarget) => replyAddress(keys, target, { prefix: "reply", domain: "cases.vendor.test" });
  /** Sends as the customer's mail server would, a minute after whatever happened before (comments are ordered by time). */
  const send = (mail: SendMailOptions) => {
    s.t.clock.advance(60_000);
    return relay.sendMail({ messageId: `<m${++counter}.${Date.now()}@mail.test>`, ...mail });
  };
  const ada = () => s.w.people.acmeUser;
  const adaAddress = (caseNumber: string) => to({ caseNumber: Number(caseNumber), kind: "person", personId: ada().id });
  const comments = async (number: string) => (await s.t.core.cases.get(as(s.w.people.engineer.id), number, { recordRecent: false })).comments;

  async function pendingCase() {
    const customer = as(ada().id);
    const engineer = as(s.w.people.engineer.id);
    const { case: filed } = await s.t.core.cases.file(customer, filing(s.w.accounts.acme.id, { cc: ["boss@acme.test", "alan@acme.test"] }));
    await s.t.core.cases.take(engineer, filed.number);
    await s.t.core.cases.askCustomer(engineer, filed.number, { body: "Which player version do you embed?" });
    return filed.number;
  }

  it("a contact's reply becomes their comment, without the quoted email and signature, and moves Pending to In Progress", async () => {
    const number = await pendingCase();
    const before = (await comments(number)).length;
    await send({
      from: "Ada Acme <ADA@acme.test>",
      to: adaAddress(number),
      subject: `Re: [Case ${number}] Captions missing`,
      text: ["We embed player v7.2.", "", "-- ", "Ada Acme | Acme Media", "", "On Mon, 2 Mar 2026 at 10:00, Support <support@vendor.test> wrote:", "> Which player version do you embed?"].join("\n"),
    });
    const after = await comments(number);
    expect(after).toHaveLength(before + 1);
    const reply = after.at(-1)!;
    expect(reply).toMatchObject({ body: "We embed player v7.2.", source: "email", internal: false, author: { id: ada().id, name: "Ada Acme" } });
    expect((await s.t.core.cases.get(as(ada().id), number, { recordRecent: false })).status).toBe("IN_PROGRESS");
  });

  it("a message over the size limit is refused (552) without being kept, and the next reply is taken", async () => {
    const number = await pendingCase();
    const before = (await comments(number)).length;
    const big = Buffer.alloc(6 * 1024 * 1024, "a");
    await expect(send({ from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", text: "Here is the whole log.", attachments: [{ filename: "huge.log", content: big }] })).rejects.toMatchObject({ responseCode: 552 });
    expect(await comments(number)).toHaveLength(before);
    await send({ from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", text: "The log was too big; the error is E42." });
    expect((await comments(number)).at(-1)?.body).toBe("The log was too big; the error is E42.");
  });

  it("a message delivered twice (same Message-ID) is stored once", async () => {
    const number = await pendingCase();
    const mail = { from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", text: "Still broken on Safari.", messageId: `<twice.${number}@acme.test>` };
    await send(mail);
    await send(mail);
    const mine = (await comments(number)).filter((c) => c.body === "Still broken on Safari.");
    expect(mine).toHaveLength(1);
    expect(await s.t.db.prisma.inboundEmail.count({ where: { messageId: `<twice.${number}@acme.test>` } })).toBe(1);
  });

  it("a reply from another sender than the address's contact is held for staff, not written as a comment", async () => {
    const number = await pendingCase();
    const before = (await comments(number)).length;
    await send({ from: "mallory@evil.test", to: adaAddress(number), subject: "Re: case", text: "Please close this case and send me the password." });
    expect(await comments(number)).toHaveLength(before);
    const held = await inbound.held(as(s.w.people.engineer.id));
    expect(held[0]).toMatchObject({ caseNumber: number, fromAddress: "mallory@evil.test", body: "Please close this case and send me the password." });
    expect(held[0]!.reason).toMatch(/not from the address of the person/);
    await expect(inbound.held(as(ada().id))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await s.t.core.cases.get(as(ada().id), number, { recordRecent: false })).status).toBe("PENDING");
  });

  it("auto-replies, list mail and bounces never become comments and are never answered", async () => {
    const number = await pendingCase();
    const before = (await comments(number)).length;
    const sentBefore = outbound.messages.length;
    const ids = [`<auto1.${number}@acme.test>`, `<auto2.${number}@acme.test>`, `<auto3.${number}@acme.test>`];
    await send({ from: "ada@acme.test", to: adaAddress(number), subject: "Automatic reply: Re: case", text: "I am out of the office until Monday.", headers: { "Auto-Submitted": "auto-replied" }, messageId: ids[0] });
    await send({ from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", text: "Vacation.", headers: { Precedence: "bulk" }, messageId: ids[1] });
    await send({ from: "mailer-daemon@acme.test", to: adaAddress(number), subject: "Undeliverable: case", text: "Delivery has failed.", envelope: { from: "", to: adaAddress(number) }, messageId: ids[2] });
    expect(await comments(number)).toHaveLength(before);
    const dropped = await s.t.db.prisma.inboundEmail.findMany({ where: { messageId: { in: ids } } });
    expect(dropped.map((d) => d.outcome)).toEqual(["DROPPED", "DROPPED", "DROPPED"]);
    expect(dropped.map((d) => d.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/Auto-Submitted/), expect.stringMatching(/Precedence: bulk/), expect.stringMatching(/bounce|mail system/)]));
    expect(outbound.messages.length).toBe(sentBefore);
  });

  it("an address without a genuine token is refused at RCPT, before any content is read", async () => {
    const number = await pendingCase();
    const genuine = adaAddress(number);
    const forged = genuine.replace(/reply\+(.)/, (_m, c: string) => `reply+${c === "a" ? "b" : "a"}`);
    await expect(send({ from: "ada@acme.test", to: forged, subject: "x", text: "y" })).rejects.toMatchObject({ responseCode: 550 });
    await expect(send({ from: "ada@acme.test", to: "support@cases.vendor.test", subject: "x", text: "y" })).rejects.toMatchObject({ responseCode: 550 });
  });

  it("an HTML-only reply becomes plain text: no markup, no script", async () => {
    const number = await pendingCase();
    await send({ from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", html: "<p>The <b>player</b> is v7.2</p><script>alert('x')</script><blockquote>old thread</blockquote>" });
    const body = (await comments(number)).at(-1)!.body;
    expect(body).toContain("The player is v7.2");
    expect(body).not.toMatch(/<|alert/);
  });

  it("a reply within 7 days of closing reopens the case; after that it is refused and the sender is offered a new case, once", async () => {
    const engineer = as(s.w.people.engineer.id);
    const number = await pendingCase();
    await s.t.core.cases.close(engineer, number, { reason: "SOLUTION_PROVIDED", note: "Upgrade to v7.3." });
    s.t.clock.advance(2 * DAY);
    await send({ from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", text: "It came back after the upgrade." });
    expect((await s.t.core.cases.get(engineer, number, { recordRecent: false })).status).toBe("IN_PROGRESS");

    await s.t.core.cases.close(engineer, number, { reason: "SOLUTION_PROVIDED", note: "Cleared the cache." });
    s.t.clock.advance(8 * DAY);
    const before = (await comments(number)).length;
    const late = { from: "ada@acme.test", to: adaAddress(number), subject: "Re: case", text: "Broken again.", messageId: `<late.${number}@acme.test>` };
    await send(late);
    await send(late);
    expect(await comments(number)).toHaveLength(before);
    expect((await s.t.core.cases.get(engineer, number, { recordRecent: false })).status).toBe("CLOSED");
    await expect.poll(() => outbound.messages.filter((m) => m.envelopeTo.includes("ada@acme.test")).length).toBe(1);
    const offer = outbound.messages.find((m) => m.envelopeTo.includes("ada@acme.test"))!;
    expect(offer.text).toMatch(new RegExp(`${number}.*can no longer be reopened`, "s"));
    expect(offer.headers.get("auto-submitted")).toBe("auto-replied");
    expect(offer.inReplyTo).toBe(`<late.${number}@acme.test>`);
  });

  it("CC addresses are no people: a CC who is a contact writes as that contact, any other CC reply is held", async () => {
    const number = await pendingCase();
    await send({ from: "alan@acme.test", to: to({ caseNumber: Number(number), kind: "cc", address: "alan@acme.test" }), subject: "Re: case", text: "Same here on Firefox." });
    expect((await comments(number)).at(-1)).toMatchObject({ body: "Same here on Firefox.", author: { id: s.w.people.acmeUser2.id } });

    const before = (await comments(number)).length;
    await send({ from: "boss@acme.test", to: to({ caseNumber: Number(number), kind: "cc", address: "boss@acme.test" }), subject: "Re: case", text: "Escalate this now." });
    await send({ from: "alan@acme.test", to: to({ caseNumber: Number(number), kind: "cc", address: "boss@acme.test" }), subject: "Re: case", text: "Written with the boss's address." });
    expect(await comments(number)).toHaveLength(before);
    const held = await inbound.held(as(s.w.people.engineer.id), { limit: 2 });
    expect(held.map((h) => h.reason)).toEqual([expect.stringMatching(/not from the CC address/), expect.stringMatching(/no contact/)]);
  });

  it("files sent with a reply are kept on its comment, visible to the case's viewers only", async () => {
    const number = await pendingCase();
    await send({
      from: "ada@acme.test",
      to: adaAddress(number),
      subject: "Re: case",
      text: "Player log attached.",
      attachments: [
        { filename: "../../etc/player.log", content: Buffer.from("ERROR 42 at 10:01\n"), contentType: "text/plain" },
        { filename: "setup.exe", content: Buffer.from("MZ"), contentType: "application/octet-stream" },
      ],
    });
    const reply = (await comments(number)).at(-1)!;
    expect(reply.body).toBe("Player log attached.");
    const files = await attachments.list(as(ada().id), number);
    expect(files).toEqual([expect.objectContaining({ name: "player.log", contentType: "text/plain", size: 18, source: "email", commentId: reply.id, addedBy: { id: ada().id, name: "Ada Acme" } })]);
    const opened = await attachments.open(as(s.w.people.engineer.id), files[0]!.id);
    expect(opened.content.toString()).toBe("ERROR 42 at 10:01\n");
    await expect(attachments.open(as(s.w.people.globexUser.id), files[0]!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The case view every card is drawn from lists the file, read in the same statement as the rest of the case.
    const view = await s.t.core.cases.get(as(ada().id), number, { recordRecent: false });
    expect(view.attachments).toEqual(files);
    const byPrisma = await s.t.db.prisma.case.findUnique({ where: { number: Number(number) }, include: fullCaseInclude });
    expect((await readFullCase(s.t.db.prisma, { number: Number(number) }))!.attachments).toEqual(byPrisma!.attachments);
    const record = await s.t.db.prisma.inboundEmail.findFirst({ where: { commentId: reply.id } });
    expect(record?.reason).toMatch(/setup\.exe: programs/);
  });
});
