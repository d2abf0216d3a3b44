import { randomBytes } from "node:crypto";
import type { Installation } from "@slack/oauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstallationStore } from "../../src/adapters/slack/installation-store.ts";
import { workspacesCommand } from "../../src/cli/workspaces.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault, keyId } from "../../src/core/crypto/credentials.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { refusal } from "../support/refusal.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, buildWorld, operator, type World } from "../support/world.ts";

/**
 * Issue 13, step 2: Slack OAuth installations kept through Bolt's InstallationStore on
 * the real database. Tokens are secrets: the database holds them only sealed with the
 * credentials key, and a key rotation re-seals them with the test logins.
 */
const BOT_TOKEN = "xoxb-1111-secret-bot-token";
const REFRESH_TOKEN = "xoxe-1-secret-refresh-token";
const USER_TOKEN = "xoxp-2222-secret-user-token";

function workspaceInstall(teamId: string, overrides: Partial<Installation<"v2", false>> = {}): Installation<"v2", false> {
  return {
    team: { id: teamId, name: "Customer Workspace" },
    enterprise: undefined,
    user: { id: "UINSTALLER", token: USER_TOKEN, scopes: ["identify"] },
    bot: { id: "BBOT2", userId: "UBOT2", token: BOT_TOKEN, refreshToken: REFRESH_TOKEN, expiresAt: 1_790_000_000, scopes: ["commands", "chat:write", "users:read.email"] },
    appId: "A0CAREBOT",
    tokenType: "bot",
    isEnterpriseInstall: false,
    authVersion: "v2",
    ...overrides,
  };
}

describe("Slack installations, stored sealed", () => {
  let t: TestCore;
  let w: World;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const coreWith = (key: Buffer, previous: Buffer[] = []): Core =>
    createCore({ prisma: t.db.prisma, clock: t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(key, previous), logger: t.logger });

  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
  });
  afterAll(() => t.close());

  it("an install is stored with its tokens sealed: the row holds no token, and Bolt gets the installation back whole", async () => {
    const store = createInstallationStore(coreWith(oldKey));
    const install = workspaceInstall("T-CUSTOMER");
    await store.storeInstallation(install);

    const [row] = await t.db.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "SlackInstallation" WHERE "teamId" = 'T-CUSTOMER'`;
    const stored = JSON.stringify(row);
    for (const secret of [BOT_TOKEN, REFRESH_TOKEN, USER_TOKEN]) expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/xox[bpe]-/);
    expect(row).toMatchObject({ installKey: "T:T-CUSTOMER", botUserId: "UBOT2", installerUserId: "UINSTALLER", botScopes: ["commands", "chat:write", "users:read.email"], orgInstall: false, removedAt: null });
    expect(String(row!.secretsSealed).startsWith(`v2.${keyId(oldKey)}.`)).toBe(true);
    expect((row!.botTokenExpiresAt as Date).toISOString()).toBe(new Date(1_790_000_000_000).toISOString());

    expect(await store.fetchInstallation({ teamId: "T-CUSTOMER", enterpriseId: undefined, isEnterpriseInstall: false })).toEqual(install);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "slack.installed" } })).toBe(1);
  });

  it("an Enterprise Grid org-wide install is found by its enterprise from any of its workspaces", async () => {
    const store = createInstallationStore(coreWith(oldKey));
    const org: Installation<"v2", true> = {
      ...workspaceInstall("unused"),
      team: undefined,
      enterprise: { id: "E-GRID", name: "Grid Org" },
      isEnterpriseInstall: true,
      enterpriseUrl: "https://grid.enterprise.slack.example/",
    };
    await store.storeInstallation(org);
    expect(await store.fetchInstallation({ teamId: "T-ANY-IN-GRID", enterpriseId: "E-GRID", isEnterpriseInstall: true })).toEqual(org);
    const row = await t.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "E:E-GRID" } });
    expect(row).toMatchObject({ teamId: null, enterpriseId: "E-GRID", orgInstall: true });
  });

  it("a token refresh replaces the installation's tokens without a second install on record", async () => {
    const store = createInstallationStore(coreWith(oldKey));
    const refreshed = workspaceInstall("T-CUSTOMER", { bot: { ...workspaceInstall("x").bot!, token: "xoxb-1111-refreshed", expiresAt: 1_790_043_200 } });
    await store.storeInstallation(refreshed);
    expect((await store.fetchInstallation({ teamId: "T-CUSTOMER", enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe("xoxb-1111-refreshed");
    expect(await t.db.prisma.slackInstallation.count({ where: { teamId: "T-CUSTOMER" } })).toBe(1);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "slack.installed" } })).toBe(2); // the workspace and the org, not the refresh
  });

  it("keys reseal seals installations again under the new key; an installation no key opens is named and left alone", async () => {
    // One sealed by a key nobody configured.
    await createInstallationStore(coreWith(randomBytes(32))).storeInstallation(workspaceInstall("T-LOST"));
    const rotated = coreWith(newKey, [oldKey]);
    const result = await rotated.credentials.reseal(operator);
    expect(result).toMatchObject({ installationsResealed: 2, unreadableInstallations: ["T:T-LOST"], keyId: keyId(newKey) });
    const rows = await t.db.prisma.slackInstallation.findMany({ where: { installKey: { in: ["T:T-CUSTOMER", "E:E-GRID"] } } });
    for (const row of rows) expect(row.secretsSealed.startsWith(`v2.${keyId(newKey)}.`)).toBe(true);
    // The old key can go: the new key alone opens them.
    const store = createInstallationStore(coreWith(newKey));
    expect((await store.fetchInstallation({ teamId: "T-CUSTOMER", enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe("xoxb-1111-refreshed");
    expect(await t.db.prisma.auditEntry.count({ where: { action: "slack.installation_resealed" } })).toBe(2);
  });

  it("a ciphertext copied onto another workspace's row does not open there", async () => {
    const core = coreWith(newKey);
    await createInstallationStore(core).storeInstallation(workspaceInstall("T-VICTIM"));
    const customer = await t.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T-CUSTOMER" } });
    await t.db.prisma.slackInstallation.update({ where: { installKey: "T:T-VICTIM" }, data: { secretsSealed: customer.secretsSealed } });
    expect((await refusal(createInstallationStore(core).fetchInstallation({ teamId: "T-VICTIM", enterpriseId: undefined, isEnterpriseInstall: false }))).code).toBe("UNEXPECTED");
  });

  it("a removed installation is not found, so its tokens are never used again; installing again brings it back", async () => {
    const core = coreWith(newKey);
    const store = createInstallationStore(core);
    await store.deleteInstallation!({ teamId: "T-CUSTOMER", enterpriseId: undefined, isEnterpriseInstall: false });
    const gone = await refusal(store.fetchInstallation({ teamId: "T-CUSTOMER", enterpriseId: undefined, isEnterpriseInstall: false }));
    expect(gone.code).toBe("NOT_FOUND");
    expect(await t.db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T-CUSTOMER" } })).toMatchObject({ removedAt: t.clock.now() });
    await store.storeInstallation(workspaceInstall("T-CUSTOMER"));
    expect((await store.fetchInstallation({ teamId: "T-CUSTOMER", enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe(BOT_TOKEN);
  });

  it("staff and the operator list installations without any token; customers may not", async () => {
    const listed = await t.core.slackInstallations.list(as(w.people.engineer.id));
    expect(listed.map((i) => i.teamId ?? i.enterpriseId)).toEqual(expect.arrayContaining(["T-CUSTOMER", "E-GRID", "T-LOST"]));
    expect(JSON.stringify(listed)).not.toMatch(/xox[bpe]-/);
    expect((await refusal(t.core.slackInstallations.list(as(w.people.acmeUser.id)))).code).toBe("FORBIDDEN");
    expect(await t.core.slackInstallations.list(operator)).toHaveLength(listed.length);
    const cli = await workspacesCommand(t.core, operator, "installations", {});
    expect(cli.text).toMatch(/T-CUSTOMER\s+-\s+no\s+UINSTALLER/);
    expect(cli.text).not.toMatch(/xox/);
  });
});
