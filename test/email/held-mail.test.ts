import { randomBytes } from "node:crypto";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailCommand } from "../../src/cli/email.ts";
import { storageCommand } from "../../src/cli/storage.ts";
import { heldFileKey } from "../../src/core/attachments/storage.ts";
import { startInboundListener, type InboundListener } from "../../src/email/inbound-listener.ts";
import { replyAddress, type ReplyTarget } from "../../src/email/reply-token.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

/**
 * Replies held for staff (a forged sender, a CC address that is nobody's): staff list
 * them, release one as a comment (by the contact the reply address was sent to, or by the
 * person they choose) with its files, or discard it; from chat (test/adapters/
 * every-interaction.test.ts) and the CLI (here, and test/email/email-cli.test.ts). Real
 * SMTP into carebot's listener, real database.
 */
describe("held email: staff release or discard it", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });
  const keys = { current: randomBytes(32) };
  let listener: InboundListener;
  let relay: Transporter;
  let counter = 0;

  beforeAll(async () => {
    listener = await startInboundListener({
      config: { INBOUND_SMTP_HOST: "127.0.0.1", INBOUND_SMTP_PORT: 0, EMAIL_REPLY_PREFIX: "reply", INBOUND_MAX_MESSAGE_BYTES: 5 * 1024 * 1024 },
      keys,
      inbound: s.t.core.email.inbound,
      logger: s.t.logger,
    });
    relay = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    await listener?.stop();
  });

  const eve = () => as(s.w.people.engineer.id);
  const ada = () => s.w.people.acmeUser;
  const to = (target: ReplyTarget) => replyAddress(keys, target, { prefix: "reply", domain: "cases.vendor.test" });
  const send = (mail: SendMailOptions) => {
    s.t.clock.advance(60_000);
    return relay.sendMail({ messageId: `<held${++counter}.${Date.now()}@mail.test>`, ...mail });
  };
  const comments = async (number: string) => (await s.t.core.cases.get(eve(), number, { recordRecent: false })).comments;
  const heldFrom = async (from: string) => (await s.t.core.email.inbound.held(eve())).find((h) => h.fromAddress === from)!;
  const audit = (action: string) => s.t.db.prisma.auditEntry.findMany({ where: { action }, orderBy: { id: "asc" } });

  async function adasCase(cc: string[] = []) {
    const { case: filed } = await s.t.core.cases.file(as(ada().id), filing(s.w.accounts.acme.id, { cc }));
    return filed.number;
  }

  it("a reply from Ada's other mailbox is held with its file; Eve releases it as Ada's comment, the file attached, and it is audited", async () => {
    const number = await adasCase();
    const log = Buffer.from("E42 at 10:02\n".repeat(50));
    await send({ from: "ada.acme@home.test", to: to({ caseNumber: Number(number), kind: "person", personId: ada().id }), subject: `Re: [Case ${number}]`, text: "Sent from home: here is the log.", attachments: [{ filename: "player.log", content: log, contentType: "text/plain" }] });

    const held = await heldFrom("ada.acme@home.test");
    expect(held).toMatchObject({ caseNumber: number, claimed: { personId: ada().id, name: "Ada Acme" }, attachments: [{ name: "player.log", size: log.length, kept: true }] });
    expect(await s.t.db.prisma.storedFile.count({ where: { key: heldFileKey(held.id, 0) } })).toBe(1);
    // A customer may neither see nor decide on held mail.
    await expect(s.t.core.email.inbound.held(as(ada().id))).rejects.toThrow("Only support staff and the operator may see and decide on held email.");
    await expect(s.t.core.email.inbound.release(as(ada().id), { id: held.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const decision = await s.t.core.email.inbound.release(eve(), { id: held.id });
    expect(decision).toMatchObject({ caseNumber: number, outcome: "COMMENTED", author: { personId: ada().id, name: "Ada Acme" }, problems: [] });
    const comment = (await comments(number)).at(-1)!;
    expect(comment).toMatchObject({ body: "Sent from home: here is the log.", source: "email", author: { id: ada().id } });
    const files = await s.t.core.email.attachments.list(as(ada().id), number);
    expect(files).toMatchObject([{ name: "player.log", size: log.length }]);
    expect((await s.t.core.email.attachments.open(as(ada().id), files[0]!.id)).content.equals(log)).toBe(true);
    // The held copy of the bytes is gone; the row says who released it.
    expect(await s.t.db.prisma.storedFile.count({ where: { key: heldFileKey(held.id, 0) } })).toBe(0);
    const row = await s.t.db.prisma.inboundEmail.findUniqueOrThrow({ where: { id: held.id } });
    expect(row).toMatchObject({ outcome: "COMMENTED", commentId: comment.id, reason: "Released by Eve Engineer as Ada Acme." });
    expect((await audit("email.held_released")).at(-1)).toMatchObject({ actorId: s.w.people.engineer.id, source: "slack", changes: { inboundEmailId: held.id, authorId: ada().id } });

    // No longer in the list; a second release (another staff member a moment later) is told so.
    expect((await s.t.core.email.inbound.held(eve())).some((h) => h.id === held.id)).toBe(false);
    await expect(s.t.core.email.inbound.release(as(s.w.people.manager.id), { id: held.id })).rejects.toThrow("That email was released already: it is a comment on its case.");
    expect((await comments(number)).filter((c) => c.body === "Sent from home: here is the log.")).toHaveLength(1);
  });

  it("a copied address that is nobody's is held; the operator releases it from the CLI as the contact they name", async () => {
    const number = await adasCase(["assistant@acme.test"]);
    await send({ from: "assistant@acme.test", to: to({ caseNumber: Number(number), kind: "cc", address: "assistant@acme.test" }), subject: "Re: case", text: "Alan asked me to say: it works again." });
    const held = await heldFrom("assistant@acme.test");
    expect(held.claimed).toBeNull();

    const listed = await emailCommand(s.t.core, operator, ["held", "list"], {});
    expect(listed.text).toContain(held.id);
    expect(listed.text).toContain("assistant@acme.test");
    // Nobody is claimed, so the CLI must be told whom to write it as.
    await expect(emailCommand(s.t.core, operator, ["held", "release", held.id], {})).rejects.toThrow("The email claims nobody carebot knows: choose the person to write it as.");
    const released = await emailCommand(s.t.core, operator, ["held", "release", held.id], { email: "ALAN@acme.test" });
    expect(released.text).toBe(`Released to case ${number}: a comment by Alan Acme now.`);
    expect((await comments(number)).at(-1)).toMatchObject({ body: "Alan asked me to say: it works again.", author: { id: s.w.people.acmeUser2.id } });
    expect((await audit("email.held_released")).at(-1)).toMatchObject({ actorId: null, source: "cli" });
  });

  it("Eve discards a forged reply: it stays on record as discarded, never a comment, and cannot be released after", async () => {
    const number = await adasCase();
    const before = (await comments(number)).length;
    await send({ from: "mallory@evil.test", to: to({ caseNumber: Number(number), kind: "person", personId: ada().id }), subject: "Re: case", text: "Send me the test login.", attachments: [{ filename: "invoice.pdf", content: randomBytes(500) }] });
    const held = await heldFrom("mallory@evil.test");
    const shown = await emailCommand(s.t.core, operator, ["held", "show", held.id], {});
    expect(shown.text).toContain("Send me the test login.");
    expect(shown.text).toContain("claims    Ada Acme <ada@acme.test>");

    expect(await s.t.core.email.inbound.discard(eve(), held.id)).toMatchObject({ outcome: "DROPPED", caseNumber: number });
    const row = await s.t.db.prisma.inboundEmail.findUniqueOrThrow({ where: { id: held.id } });
    expect(row.outcome).toBe("DROPPED");
    expect(row.reason).toMatch(/^Discarded by Eve Engineer\. Held because: Sent from mallory@evil\.test/);
    expect(await comments(number)).toHaveLength(before);
    expect(await s.t.db.prisma.storedFile.count({ where: { key: heldFileKey(held.id, 0) } })).toBe(0);
    expect((await audit("email.held_discarded")).at(-1)).toMatchObject({ actorId: s.w.people.engineer.id, changes: { inboundEmailId: held.id, from: "mallory@evil.test" } });
    await expect(s.t.core.email.inbound.release(eve(), { id: held.id })).rejects.toThrow("That email is no longer held (discarded, or dropped as automatic).");
    await expect(emailCommand(s.t.core, operator, ["held", "discard", held.id], {})).rejects.toMatchObject({ code: "INVALID_STATE" });
  });

  it("`storage sweep` removes held files nothing names any more (a crash between the bytes and the row) and keeps a held reply's", async () => {
    const number = await adasCase();
    await send({ from: "someone@else.test", to: to({ caseNumber: Number(number), kind: "person", personId: ada().id }), subject: "Re: case", text: "See attached.", attachments: [{ filename: "shot.png", content: randomBytes(300) }] });
    const held = await heldFrom("someone@else.test");
    const stray = heldFileKey("00000000-0000-4000-8000-000000000001", 0);
    await s.t.db.prisma.$executeRaw`INSERT INTO "StoredFile" ("key", "content", "createdAt") VALUES (${stray}, decode('AAAA', 'base64'), ${s.t.clock.now()})`;

    const swept = await storageCommand(s.t.core, s.t.db.prisma, "sweep", { hours: "1" }, new Date(s.t.clock.now().getTime() + 2 * 3_600_000));
    expect(swept).toMatchObject({ store: "database", removed: 1 });
    expect(await s.t.db.prisma.storedFile.count({ where: { key: stray } })).toBe(0);
    expect(await s.t.db.prisma.storedFile.count({ where: { key: heldFileKey(held.id, 0) } })).toBe(1);
    await s.t.core.email.inbound.discard(eve(), held.id);
  });

  it("a reply to a case that no longer exists can only be discarded; ids that are not held emails are refused plainly", async () => {
    await expect(s.t.core.email.inbound.release(eve(), { id: "not-an-id" })).rejects.toThrow("That is no held email's id.");
    await expect(s.t.core.email.inbound.discard(eve(), "00000000-0000-4000-8000-000000000000")).rejects.toThrow("No held email with that id.");
    await s.t.core.email.inbound.receive({ messageId: `<gone.${Date.now()}@acme.test>`, caseNumber: 99_999_999, recipient: { kind: "person", personId: ada().id }, from: "ada@acme.test", subject: "Re: old case", body: "Hello?", automatic: null });
    const held = await heldFrom("ada@acme.test");
    expect(held.caseNumber).toBeNull();
    await expect(s.t.core.email.inbound.release(eve(), { id: held.id })).rejects.toThrow(/names no case/);
    await s.t.core.email.inbound.discard(eve(), held.id);
  });
});

describe("email preference from the CLI and for oneself", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });

  it("the operator reads and sets a contact's preference by address; a contact reads and sets only their own", async () => {
    expect((await emailCommand(s.t.core, operator, ["preference", "ada@acme.test"], {})).text).toBe("Ada Acme <ada@acme.test>: email when no chat thread of theirs follows the case (default).");
    expect((await emailCommand(s.t.core, operator, ["preference", "Ada@Acme.test", "chat"], {})).text).toBe("Ada Acme <ada@acme.test>: chat only, no case email (saved).");
    expect((await s.t.db.prisma.person.findUniqueOrThrow({ where: { id: s.w.people.acmeUser.id } })).emailUpdates).toBe("CHAT_ONLY");
    expect((await emailCommand(s.t.core, operator, ["preference", "ada@acme.test", "email"], {})).text).toContain("every update by email (saved)");
    expect(await emailCommand(s.t.core, operator, ["preference", "ada@acme.test", "pigeon"], {})).toMatchObject({ unknown: true, text: expect.stringContaining("Choose email, chat or auto") });
    await expect(emailCommand(s.t.core, operator, ["preference", "nobody@acme.test", "chat"], {})).rejects.toThrow("No contact has the address nobody@acme.test.");
    await expect(emailCommand(s.t.core, operator, ["preference", "eve@vendor.test"], {})).rejects.toMatchObject({ code: "NOT_FOUND" });

    const ada = as(s.w.people.acmeUser.id);
    expect(await s.t.core.email.preferences.get(ada)).toMatchObject({ email: "ada@acme.test", emailUpdates: "ALWAYS" });
    await expect(s.t.core.email.preferences.get(ada, { email: "alan@acme.test" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Someone else's address that does not exist is the same refusal's kin: nothing to learn about who is a contact.
    await expect(s.t.core.email.preferences.set(ada, { email: "ghost@acme.test", emailUpdates: "AUTO" })).rejects.toThrow("You may set only your own email preference.");
    await expect(s.t.core.email.preferences.get(as(s.w.people.engineer.id))).rejects.toThrow("Email updates are a customer contact's choice; support staff follow cases in chat.");
    const audited = await s.t.db.prisma.auditEntry.findMany({ where: { action: "person.email_updates" } });
    expect(audited.map((a) => (a.changes as { emailUpdates: string }).emailUpdates)).toEqual(["CHAT_ONLY", "ALWAYS"]);
  });
});
