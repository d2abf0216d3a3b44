import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { refusal } from "../support/refusal.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

describe("people and their chat identities", () => {
  const s = useWorld();

  it("matches a chat user by linked identity, or a contact by the email the platform reports", async () => {
    const slackUser = { platform: "slack" as const, tenantId: "T01", userId: "U_ADA" };
    expect((await refusal(s.t.core.directory.resolveChatUser(slackUser))).code).toBe("UNKNOWN_USER");
    const byEmail = await s.t.core.directory.resolveChatUser({ ...slackUser, email: "ADA@acme.test" });
    expect(byEmail.personId).toBe(s.w.people.acmeUser.id);
    // Linked now: the next message needs no email.
    expect((await s.t.core.directory.resolveChatUser(slackUser)).personId).toBe(s.w.people.acmeUser.id);
  });

  it("answers a new user's first requests arriving all at once: each one finds her, and she is linked once", async () => {
    // A first-time user who clicks around before the first answer arrives sends
    // several requests at once; on PostgreSQL they really do race to link her.
    const slackUser = { platform: "slack" as const, tenantId: "T01", userId: "U_ADA_BURST" };
    const answers = await Promise.allSettled(Array.from({ length: 10 }, () => s.t.core.directory.resolveChatUser({ ...slackUser, email: "ada@acme.test" })));
    expect(answers.map((a) => (a.status === "fulfilled" ? a.value.personId : a.reason))).toEqual(Array(10).fill(s.w.people.acmeUser.id));
    expect(await s.t.db.prisma.chatIdentity.count({ where: slackUser })).toBe(1);
    const links = await s.t.db.prisma.auditEntry.findMany({ where: { action: "identity.linked_by_email" } });
    expect(links.filter((l) => (l.changes as { userId?: string }).userId === "U_ADA_BURST")).toHaveLength(1);
  });

  it("answers a new user's first /case list requests arriving all at once (the chat path links on first sight)", async () => {
    const ref = { platform: "teams" as const, tenantId: "tenant-1", userId: "29:alan-burst" };
    const ctx = { actor: s.t.core.chatActor(ref, () => Promise.resolve("alan@acme.test")), source: "teams" as const };
    const lists = await Promise.allSettled(Array.from({ length: 10 }, () => s.t.core.cases.list(ctx, { view: "mine" })));
    expect(lists.filter((l) => l.status === "rejected").map((l) => (l as PromiseRejectedResult).reason)).toEqual([]);
    expect((await s.t.core.directory.resolveChatUser(ref)).personId).toBe(s.w.people.acmeUser2.id);
  });

  it("never grants staff rights from an email alone; staff are linked explicitly", async () => {
    const teamsUser = { platform: "teams" as const, tenantId: "tenant-1", userId: "29:eve" };
    const guess = await refusal(s.t.core.directory.resolveChatUser({ ...teamsUser, email: "eve@vendor.test" }));
    expect(guess.code).toBe("UNKNOWN_USER");
    expect(guess.message).toMatch(/not registered as a contact/);
    await s.t.core.directory.linkIdentity(operator, { ...teamsUser, personId: s.w.people.engineer.id });
    expect((await s.t.core.directory.resolveChatUser(teamsUser)).personId).toBe(s.w.people.engineer.id);
  });

  it("frees a seat when a contact is deactivated, and a deactivated contact can no longer act", async () => {
    const acme = s.w.accounts.globex.id; // 3 seats, 1 used
    const a = await s.t.core.directory.createContact(operator, { accountId: acme, name: "G Two", email: "g2@globex.test" });
    await s.t.core.directory.createContact(operator, { accountId: acme, name: "G Three", email: "g3@globex.test" });
    expect((await refusal(s.t.core.directory.createContact(operator, { accountId: acme, name: "G Four", email: "g4@globex.test" }))).code).toBe("SEAT_LIMIT");
    await s.t.core.directory.setContactActive(operator, { personId: a.id, active: false });
    await s.t.core.directory.createContact(operator, { accountId: acme, name: "G Four", email: "g4@globex.test" });
    expect((await refusal(s.t.core.directory.setContactActive(operator, { personId: a.id, active: true }))).code).toBe("SEAT_LIMIT");
    expect((await refusal(s.t.core.cases.list(as(a.id), { view: "mine" }))).code).toBe("UNKNOWN_USER");
  });

  it("lets staff administer customers, only managers add staff, and customers neither", async () => {
    const engineer = as(s.w.people.engineer.id);
    const manager = as(s.w.people.manager.id);
    await s.t.core.directory.createPartner(engineer, { name: "Newco" });
    expect((await refusal(s.t.core.directory.createStaff(engineer, { name: "X", email: "x@vendor.test", role: "ENGINEER" }))).code).toBe("FORBIDDEN");
    await s.t.core.directory.createStaff(manager, { name: "X", email: "x@vendor.test", role: "ENGINEER" });
    expect((await refusal(s.t.core.directory.createAccount(as(s.w.people.provost.id), { name: "Mine", type: "STANDARD", seatLimit: 1, csmName: "Me" }))).code).toBe("FORBIDDEN");
    const dup = await refusal(s.t.core.directory.createStaff(manager, { name: "Y", email: "X@vendor.test", role: "ENGINEER" }));
    expect(dup.field).toBe("email");
  });

  it("lets a customer edit a case's details, and records each change", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id));
    const edited = await s.t.core.cases.editDetails(ada, c.number, { cc: "ops@acme.test, boss@acme.test", phone: "+1 555 0199" });
    expect(edited.cc).toEqual(["ops@acme.test", "boss@acme.test"]);
    const entry = await s.t.db.prisma.auditEntry.findFirstOrThrow({ where: { caseId: c.id, action: "case.edited" } });
    expect(entry.changes).toMatchObject({ phone: [null, "+1 555 0199"] });
    expect((await refusal(s.t.core.cases.editDetails(as(s.w.people.globexUser.id), c.number, { phone: "+1 555 0100" }))).code).toBe("NOT_FOUND");
  });
});

describe("logging", () => {
  it("keeps a subject with newlines inside one JSON line, so it cannot forge another", () => {
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(...String(chunk).split("\n").filter(Boolean));
          done();
        },
      }),
    });
    const subject = 'broken\n{"level":30,"msg":"admin logged in"}';
    logger.info({ subject }, "case filed");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).subject).toBe(subject);
  });
});
