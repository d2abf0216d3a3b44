import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialVault, loadVaultKey } from "../../src/core/crypto/credentials.ts";
import { refusal } from "../support/refusal.ts";
import { startTestCore, type TestCore } from "../support/test-core.ts";
import { as, buildWorld, filing, type World } from "../support/world.ts";

const DAY = 24 * 60 * 60 * 1000;

describe("login credentials left for staff", () => {
  let t: TestCore;
  let w: World;
  const canary = `canary-${randomBytes(12).toString("hex")}`;
  const seen: unknown[] = [];
  let number = "";
  let caseId = "";

  beforeAll(async () => {
    t = await startTestCore();
    w = await buildWorld(t.core);
  });
  afterAll(() => t.close());

  it("are never shown back to the customer, in any result, list, search, error or log line", async () => {
    const customer = as(w.people.acmeUser.id);
    const filed = await t.core.cases.file(customer, filing(w.accounts.acme.id, { credentials: { username: "kms-test", password: canary } }));
    number = filed.case.number;
    caseId = filed.case.id;
    seen.push(filed, filed.case.hasCredentials);
    expect(filed.case.hasCredentials).toBe(true);
    seen.push(await t.core.cases.get(customer, number));
    seen.push(await t.core.cases.list(customer, { view: "mine" }));
    seen.push(await t.core.search(customer, { query: "captions" }));
    expect((await t.core.search(customer, { query: canary })).cases).toEqual([]);
    seen.push(await t.core.cases.comment(customer, number, { body: "any news?" }));
    seen.push(await t.core.cases.escalate(customer, number, { reason: "CASE_UPDATE_NEEDED", description: "Need an update" }));
    seen.push(await refusal(t.core.cases.revealCredentials(customer, number)));
    // A bad filing that carries the canary: the error names fields, never echoes values.
    const bad = await refusal(t.core.cases
      .file(customer, filing(w.accounts.acme.id, { credentials: { username: "", password: canary }, cc: ["not-an-email"] }))
      );
    seen.push(bad, bad.message, bad.fieldErrors);
    // Staff views carry only the flag too; the secret comes only from the audited reveal.
    const engineer = as(w.people.engineer.id);
    seen.push(await t.core.cases.get(engineer, number));
    seen.push(await t.core.cases.list(engineer, { view: "account" }));
    t.logger.info({ case: await t.core.cases.get(engineer, number) }, "a careless log of a whole case");
    // Even a careless log call with the secret under a secret-sounding key is redacted.
    t.logger.warn({ credentials: { username: "kms-test", password: canary }, password: canary }, "careless");

    const notifications = await t.db.prisma.notification.findMany();
    const audit = await t.db.prisma.auditEntry.findMany();
    const haystack = JSON.stringify([seen, notifications, audit, t.logLines], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(haystack).toContain(number); // the search really covered the case
    expect(haystack).not.toContain(canary);
    expect(t.logLines.some((l) => l.includes('"password":"[redacted]"'))).toBe(true);
    for (const line of t.logLines) expect(line).not.toContain(canary);
  });

  it("are returned to staff only, and the reveal is audited", async () => {
    const revealed = await t.core.cases.revealCredentials(as(w.people.engineer.id), number);
    expect(revealed).toEqual({ username: "kms-test", password: canary });
    const entries = await t.db.prisma.auditEntry.findMany({ where: { caseId, action: "case.credentials_viewed" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actorId).toBe(w.people.engineer.id);
    const partnerView = await refusal(t.core.cases.revealCredentials(as(w.people.partnerAgent.id), number));
    expect(partnerView.code).toBe("NOT_FOUND");
  });

  it("are stored as AES-256-GCM ciphertext, and a flipped byte fails decryption", async () => {
    const rows = await t.db.prisma.$queryRaw<{ c: string }[]>`SELECT "credentialsSealed" AS c FROM "Case" WHERE id = ${caseId}::uuid`;
    const stored = rows[0]!.c;
    // "v2.", the sealing key's id, then base64 of iv | tag | ciphertext.
    expect(stored).toMatch(/^v2\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9+/=]+$/);
    const raw = Buffer.from(stored.slice(12), "base64");
    expect(raw.toString("latin1")).not.toContain(canary);
    expect(raw.toString("latin1")).not.toContain("kms-test");
    expect(raw.length).toBeGreaterThan(12 + 16);
    const vault = new CredentialVault(randomBytes(32));
    const sealed = vault.seal(caseId, { username: "u", password: "p" });
    expect(vault.open(caseId, sealed)).toEqual({ username: "u", password: "p" });
    const bytes = Buffer.from(sealed.slice(12), "base64");
    for (const index of [0, 13, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[index] = tampered[index]! ^ 0x01;
      expect(() => vault.open(caseId, sealed.slice(0, 12) + tampered.toString("base64"))).toThrow(/could not be decrypted/);
    }
    // Bound to its case: the same bytes do not open for another case.
    expect(() => vault.open("00000000-0000-4000-8000-000000000000", sealed)).toThrow(/could not be decrypted/);
  });

  it("are purged once the reopen window after closing has passed", async () => {
    const engineer = as(w.people.engineer.id);
    await t.core.cases.close(engineer, number, { reason: "SOLUTION_PROVIDED" });
    t.clock.advance(6 * DAY);
    expect(await t.core.cases.applyDueActions(caseId)).toEqual([]);
    t.clock.advance(1 * DAY);
    expect(await t.core.cases.applyDueActions(caseId)).toEqual(["PURGE_CREDENTIALS"]);
    expect(await t.core.cases.revealCredentials(engineer, number)).toBeNull();
    const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row.credentialsSealed).toBeNull();
    expect(row.credentialsPurgedAt).not.toBeNull();
  });
});

describe("the credentials key", () => {
  const logger = { warn: () => undefined } as unknown as Parameters<typeof loadVaultKey>[0]["logger"];

  it("is never read from a folder named after an in-memory data dir when the database outlives the process", () => {
    const error = (() => {
      try {
        loadVaultKey({ dataDir: "memory://", production: false, logger });
      } catch (e) {
        return e as { code?: string; field?: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe("CONFIG");
    expect(error?.field).toBe("CREDENTIALS_KEY");
  });

  it("lives and dies with the process for a wholly in-memory database", () => {
    const a = loadVaultKey({ dataDir: "memory://", production: false, logger, ephemeral: true });
    const b = loadVaultKey({ dataDir: "memory://", production: false, logger, ephemeral: true });
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(false);
  });
});
