import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault, keyId, parsePreviousKeys } from "../../src/core/crypto/credentials.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { refusal } from "../support/refusal.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, buildWorld, filing, operator, type World } from "../support/world.ts";

const login = { username: "kms-test", password: "Pa55-word" };

describe("a credentials key, rotated", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it("names the key that sealed each login, so an earlier key still opens what it sealed", () => {
    const before = new CredentialVault(oldKey);
    const sealed = before.seal("case-1", login);
    expect(sealed.startsWith(`v2.${keyId(oldKey)}.`)).toBe(true);
    expect(sealed).not.toContain(oldKey.toString("base64"));

    const rotated = new CredentialVault(newKey, [oldKey]);
    expect(rotated.open("case-1", sealed)).toEqual(login);
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.needsReseal(rotated.seal("case-1", login))).toBe(false);
    // Without the earlier key nothing opens, and the error says nothing of the login.
    expect(() => new CredentialVault(newKey).open("case-1", sealed)).toThrow("Stored credentials could not be decrypted.");
  });

  it("still opens logins sealed before key ids existed (v1), with whichever key sealed them", () => {
    const v2 = new CredentialVault(oldKey).seal("case-2", login);
    const v1 = "v1." + v2.slice(v2.indexOf(".", 3) + 1);
    expect(new CredentialVault(newKey, [oldKey]).open("case-2", v1)).toEqual(login);
    expect(new CredentialVault(newKey, [oldKey]).needsReseal(v1)).toBe(true);
  });

  it("reads CREDENTIALS_KEY_PREVIOUS as comma-separated base64 keys and names a bad one", () => {
    expect(parsePreviousKeys(` ${oldKey.toString("base64")} , ${newKey.toString("base64")}`)).toEqual([oldKey, newKey]);
    expect(parsePreviousKeys(undefined)).toEqual([]);
    expect(() => parsePreviousKeys("c2hvcnQ=")).toThrow("CREDENTIALS_KEY_PREVIOUS must be 32 bytes");
  });
});

describe("the operator re-seals stored logins after a rotation", () => {
  let t: TestCore;
  let w: World;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const strangerKey = randomBytes(32);
  const coreWith = (key: Buffer, previous: Buffer[] = []): Core =>
    createCore({ prisma: t.db.prisma, clock: t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(key, previous), logger: t.logger });

  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
  });
  afterAll(() => t.close());

  it("seals every login under the new key, after which the old key can go", async () => {
    const customer = as(w.people.acmeUser.id);
    const engineer = as(w.people.engineer.id);
    const before = coreWith(oldKey);
    const filed = await Promise.all([1, 2, 3].map((n) => before.cases.file(customer, filing(w.accounts.acme.id, { subject: `Login ${n}`, credentials: login }))));
    // One login sealed by a key nobody configured: reported, left as it is.
    const lost = await coreWith(strangerKey).cases.file(customer, filing(w.accounts.acme.id, { subject: "Lost key", credentials: login }));

    const rotated = coreWith(newKey, [oldKey]);
    expect(await rotated.cases.revealCredentials(engineer, filed[0]!.case.number)).toEqual(login);
    expect((await refusal(rotated.credentials.reseal(engineer))).code).toBe("FORBIDDEN");

    const result = await rotated.credentials.reseal(operator);
    expect(result).toEqual({ resealed: 3, unreadable: [lost.case.number], keyId: keyId(newKey), installationsResealed: 0, unreadableInstallations: [] });
    const stored = await t.db.prisma.case.findMany({ where: { id: { in: filed.map((f) => f.case.id) } }, select: { credentialsSealed: true } });
    for (const s of stored) expect(s.credentialsSealed!.startsWith(`v2.${keyId(newKey)}.`)).toBe(true);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "credentials.resealed" } })).toBe(3);

    // Only the new key now: every re-sealed login still opens; running again finds nothing to do.
    const after = coreWith(newKey);
    for (const f of filed) expect(await after.cases.revealCredentials(engineer, f.case.number)).toEqual(login);
    expect(await after.credentials.reseal(operator)).toEqual({ resealed: 0, unreadable: [lost.case.number], keyId: keyId(newKey), installationsResealed: 0, unreadableInstallations: [] });
  });
});
