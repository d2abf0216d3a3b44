import { describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { workspacesCommand } from "../../src/cli/workspaces.ts";
import { refusal } from "../support/refusal.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

/**
 * Issue 13: customers in their own Slack workspaces and Teams tenants. An admin of any
 * workspace can give a user any email address, so a first-time chat user is matched to
 * a contact by email only where their workspace is linked to that contact's account.
 */
describe("a customer's own workspace, linked to their account", () => {
  const s = useWorld();
  const strict = () => {
    // This core's test set-up treats every workspace as the vendor's own (the older
    // stories rely on it); here none is, as on a server with OAuth installs.
    s.t.core.workspaces.declareOwn("slack", []);
    s.t.core.workspaces.declareOwn("teams", []);
  };
  const firstTime = (tenantId: string, userId: string, email: string, platform: "slack" | "teams" = "slack"): Ctx => ({
    actor: s.t.core.chatActor({ platform, tenantId, userId }, async () => email),
    source: platform,
  });

  it("an unlinked workspace's user with a customer's email is told to get the workspace linked, and sees none of that customer's cases", async () => {
    strict();
    const filed = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: "Acme's private case" }));
    const impostor = firstTime("T-ELSEWHERE", "U-IMPOSTOR", "ada@acme.test");
    const refused = await refusal(s.t.core.cases.list(impostor, { view: "mine" }));
    expect(refused.code).toBe("UNKNOWN_USER");
    expect(refused.userMessage).toMatch(/Slack workspace is not linked to a customer account yet/);
    expect((await refusal(s.t.core.cases.get(impostor, filed.case.number))).code).toBe("UNKNOWN_USER");
    expect(await s.t.db.prisma.chatIdentity.count({ where: { tenantId: "T-ELSEWHERE" } })).toBe(0);
    // The same words whether or not the email belongs to anyone: nothing learned about who exists.
    const nobody = await refusal(s.t.core.directory.me(firstTime("T-ELSEWHERE", "U-NOBODY", "nobody@nowhere.test")));
    expect(nobody.userMessage).toBe(refused.userMessage);
  });

  it("once staff link the workspace to the account, the same user is matched by email and sees the account's cases", async () => {
    strict();
    const link = await s.t.core.workspaces.link(as(s.w.people.engineer.id), { platform: "slack", tenantId: "T-ACME", accountId: s.w.accounts.acme.id });
    expect(link).toMatchObject({ accountName: "Acme Media", created: true });
    const ada = firstTime("T-ACME", "U-ADA", "ada@acme.test");
    await expect(s.t.core.directory.me(ada)).resolves.toMatchObject({ name: "Ada Acme" });
    const mine = await s.t.core.cases.list(ada, { view: "mine" });
    expect(mine.items.map((c) => c.subject)).toContain("Acme's private case");
    const audit = await s.t.db.prisma.auditEntry.findFirst({ where: { action: "workspace.linked", accountId: s.w.accounts.acme.id } });
    expect(audit?.actorId).toBe(s.w.people.engineer.id);
  });

  it("a workspace linked to one account does not match another account's contact, even by her exact email", async () => {
    strict();
    const refused = await refusal(s.t.core.directory.me(firstTime("T-ACME", "U-GAIL", "gail@globex.test")));
    expect(refused.code).toBe("UNKNOWN_USER");
    expect(refused.userMessage).toMatch(/not registered as a contact/);
  });

  it("the same email in a linked and an unlinked workspace: matched in the one, refused in the other", async () => {
    strict();
    await expect(s.t.core.directory.me(firstTime("T-ACME", "U-ALAN", "alan@acme.test"))).resolves.toMatchObject({ name: "Alan Acme" });
    expect((await refusal(s.t.core.directory.me(firstTime("T-OTHER", "U-ALAN", "alan@acme.test")))).code).toBe("UNKNOWN_USER");
  });

  it("a parent account's workspace serves the contacts of its sub-accounts, and one workspace may serve several accounts", async () => {
    strict();
    await s.t.core.workspaces.link(operator, { platform: "teams", tenantId: "tenant-northwind", accountId: s.w.accounts.university.id });
    await expect(s.t.core.directory.me(firstTime("tenant-northwind", "29:marie", "marie@physics.northwind.edu", "teams"))).resolves.toMatchObject({ name: "Marie Physic" });
    await expect(s.t.core.directory.me(firstTime("tenant-northwind", "29:pat", "pat@northwind.edu", "teams"))).resolves.toMatchObject({ name: "Pat Provost" });
    // A sub-account's workspace does not reach its parent's contacts.
    await s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T-PHYSICS", accountId: s.w.accounts.physics.id });
    expect((await refusal(s.t.core.directory.me(firstTime("T-PHYSICS", "U-PAT", "pat@northwind.edu")))).code).toBe("UNKNOWN_USER");
    await s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T-PHYSICS", accountId: s.w.accounts.history.id });
    await expect(s.t.core.directory.me(firstTime("T-PHYSICS", "U-HERO", "hero@history.northwind.edu"))).resolves.toMatchObject({ name: "Herodotus Hist" });
    const listed = await s.t.core.workspaces.list(operator, {});
    expect(listed.filter((l) => l.tenantId === "T-PHYSICS").map((l) => l.accountName).sort()).toEqual(["History Department", "Physics Department"]);
  });

  it("staff are matched only by explicit link, in a linked workspace or not", async () => {
    strict();
    await s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T-VENDOR-GUEST", accountId: s.w.accounts.globex.id });
    expect((await refusal(s.t.core.directory.me(firstTime("T-VENDOR-GUEST", "U-EVE", "eve@vendor.test")))).code).toBe("UNKNOWN_USER");
    await s.t.core.directory.linkIdentity(operator, { personId: s.w.people.engineer.id, platform: "slack", tenantId: "T-UNLINKED", userId: "U-EVE" });
    await expect(s.t.core.directory.me(firstTime("T-UNLINKED", "U-EVE", "eve@vendor.test"))).resolves.toMatchObject({ name: "Eve Engineer" });
  });

  it("the vendor's own workspace keeps matching by email in any account (single-workspace mode)", async () => {
    strict();
    s.t.core.workspaces.declareOwn("slack", ["T-VENDOR"]);
    await expect(s.t.core.directory.me(firstTime("T-VENDOR", "U-GAIL", "gail@globex.test"))).resolves.toMatchObject({ name: "Gail Globex" });
    expect((await refusal(s.t.core.directory.me(firstTime("T-NOT-VENDOR", "U-GAIL", "gail@globex.test")))).code).toBe("UNKNOWN_USER");
  });

  it("unlinking ends the workspace's access: the contacts matched there lose their identity, staff keep theirs", async () => {
    strict();
    await s.t.core.directory.linkIdentity(operator, { personId: s.w.people.engineer.id, platform: "slack", tenantId: "T-ACME", userId: "U-EVE-ACME" });
    const result = await s.t.core.workspaces.unlink(operator, { platform: "slack", tenantId: "T-ACME", accountId: s.w.accounts.acme.id });
    expect(result.identitiesRemoved).toBe(2); // Ada and Alan
    const ada = firstTime("T-ACME", "U-ADA", "ada@acme.test");
    expect((await refusal(s.t.core.directory.me(ada))).userMessage).toMatch(/not linked to a customer account yet/);
    await expect(s.t.core.directory.me(firstTime("T-ACME", "U-EVE-ACME", "eve@vendor.test"))).resolves.toMatchObject({ name: "Eve Engineer" });
    expect((await refusal(s.t.core.workspaces.unlink(operator, { platform: "slack", tenantId: "T-ACME", accountId: s.w.accounts.acme.id }))).code).toBe("NOT_FOUND");
    expect(await s.t.db.prisma.auditEntry.count({ where: { action: "workspace.unlinked" } })).toBe(1);
  });

  it("only staff and the operator link or list workspaces; a bad id is named, never crashes", async () => {
    const customer = as(s.w.people.acmeUser.id);
    expect((await refusal(s.t.core.workspaces.link(customer, { platform: "slack", tenantId: "T-MINE", accountId: s.w.accounts.acme.id }))).code).toBe("FORBIDDEN");
    expect((await refusal(s.t.core.workspaces.list(as(s.w.people.partnerAgent.id)))).code).toBe("FORBIDDEN");
    const bad = await refusal(s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T 1; DROP", accountId: s.w.accounts.acme.id }));
    expect(bad.code).toBe("VALIDATION");
    expect((await refusal(s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T-X", accountId: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
    // Linking twice is one link.
    await s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T-TWICE", accountId: s.w.accounts.acme.id });
    expect(await s.t.core.workspaces.link(operator, { platform: "slack", tenantId: "T-TWICE", accountId: s.w.accounts.acme.id })).toMatchObject({ created: false });
  });

  it("the operator links, lists and unlinks from the CLI (npm run cli -- workspaces ...)", async () => {
    const flags = { platform: "teams", tenant: "tenant-globex", account: s.w.accounts.globex.id };
    expect((await workspacesCommand(s.t.core, operator, "link", flags)).text).toBe("Linked teams tenant-globex to Globex Corp. Its users are matched to that account's contacts by email.");
    expect((await workspacesCommand(s.t.core, operator, "list", { account: s.w.accounts.globex.id })).text).toMatch(/teams\s+tenant-globex\s+Globex Corp/);
    expect((await workspacesCommand(s.t.core, operator, "unlink", flags)).text).toMatch(/^Unlinked teams tenant-globex; 0 chat identities/);
    expect((await refusal(workspacesCommand(s.t.core, operator, "link", { platform: "irc", tenant: "x", account: s.w.accounts.globex.id }))).code).toBe("VALIDATION");
  });
});
