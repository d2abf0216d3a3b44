import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { refusal } from "../support/refusal.ts";
import { as, buildWorld, filing, operator, type World } from "../support/world.ts";

describe("people and their chat identities", () => {
  let t: TestCore;
  let w: World;
  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
  });
  afterAll(() => t.close());

  it("matches a chat user by linked identity, or a contact by the email the platform reports", async () => {
    const slackUser = { platform: "slack" as const, tenantId: "T01", userId: "U_ADA" };
    expect((await refusal(t.core.directory.resolveChatUser(slackUser))).code).toBe("UNKNOWN_USER");
    const byEmail = await t.core.directory.resolveChatUser({ ...slackUser, email: "ADA@acme.test" });
    expect(byEmail.personId).toBe(w.people.acmeUser.id);
    // Linked now: the next message needs no email.
    expect((await t.core.directory.resolveChatUser(slackUser)).personId).toBe(w.people.acmeUser.id);
  });

  it("never grants staff rights from an email alone; staff are linked explicitly", async () => {
    const teamsUser = { platform: "teams" as const, tenantId: "tenant-1", userId: "29:eve" };
    const guess = await refusal(t.core.directory.resolveChatUser({ ...teamsUser, email: "eve@vendor.test" }));
    expect(guess.code).toBe("UNKNOWN_USER");
    expect(guess.message).toMatch(/not registered as a contact/);
    await t.core.directory.linkIdentity(operator, { ...teamsUser, personId: w.people.engineer.id });
    expect((await t.core.directory.resolveChatUser(teamsUser)).personId).toBe(w.people.engineer.id);
  });

  it("frees a seat when a contact is deactivated, and a deactivated contact can no longer act", async () => {
    const acme = w.accounts.globex.id; // 3 seats, 1 used
    const a = await t.core.directory.createContact(operator, { accountId: acme, name: "G Two", email: "g2@globex.test" });
    await t.core.directory.createContact(operator, { accountId: acme, name: "G Three", email: "g3@globex.test" });
    expect((await refusal(t.core.directory.createContact(operator, { accountId: acme, name: "G Four", email: "g4@globex.test" }))).code).toBe("SEAT_LIMIT");
    await t.core.directory.setContactActive(operator, { personId: a.id, active: false });
    await t.core.directory.createContact(operator, { accountId: acme, name: "G Four", email: "g4@globex.test" });
    expect((await refusal(t.core.directory.setContactActive(operator, { personId: a.id, active: true }))).code).toBe("SEAT_LIMIT");
    expect((await refusal(t.core.cases.list(as(a.id), { view: "mine" }))).code).toBe("UNKNOWN_USER");
  });

  it("lets staff administer customers, only managers add staff, and customers neither", async () => {
    const engineer = as(w.people.engineer.id);
    const manager = as(w.people.manager.id);
    await t.core.directory.createPartner(engineer, { name: "Newco" });
    expect((await refusal(t.core.directory.createStaff(engineer, { name: "X", email: "x@vendor.test", role: "ENGINEER" }))).code).toBe("FORBIDDEN");
    await t.core.directory.createStaff(manager, { name: "X", email: "x@vendor.test", role: "ENGINEER" });
    expect((await refusal(t.core.directory.createAccount(as(w.people.provost.id), { name: "Mine", type: "STANDARD", seatLimit: 1, csmName: "Me" }))).code).toBe("FORBIDDEN");
    const dup = await refusal(t.core.directory.createStaff(manager, { name: "Y", email: "X@vendor.test", role: "ENGINEER" }));
    expect(dup.field).toBe("email");
  });

  it("lets a customer edit a case's details, and records each change", async () => {
    const ada = as(w.people.acmeUser.id);
    const { case: c } = await t.core.cases.file(ada, filing(w.accounts.acme.id));
    const edited = await t.core.cases.editDetails(ada, c.number, { cc: "ops@acme.test, boss@acme.test", phone: "+1 555 0199" });
    expect(edited.cc).toEqual(["ops@acme.test", "boss@acme.test"]);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { caseId: c.id, action: "case.edited" } });
    expect(entry.changes).toMatchObject({ phone: [null, "+1 555 0199"] });
    expect((await refusal(t.core.cases.editDetails(as(w.people.globexUser.id), c.number, { phone: "+1 555 0100" }))).code).toBe("NOT_FOUND");
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
