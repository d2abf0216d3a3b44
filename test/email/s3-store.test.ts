import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storageCommand } from "../../src/cli/storage.ts";
import { loadConfig, s3SettingsFromConfig } from "../../src/config.ts";
import { removeCaseFiles } from "../../src/core/attachments/retention.ts";
import { s3FileStore, type S3StoreSettings } from "../../src/core/attachments/s3-store.ts";
import { fileStoreFor } from "../../src/core/attachments/store-choice.ts";
import { namedFileKeys } from "../../src/core/attachments/storage.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { CaseError } from "../../src/core/errors.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * Attachment bytes in S3-compatible object storage, against a real S3 server: s3rver
 * (npm), which speaks the S3 REST API the AWS SDK uses and refuses unknown access keys.
 * It does not verify V4 signatures (its own docs say so), so a wrong secret is not
 * caught here; a wrong access key id is.
 */
describe("attachments in S3-compatible object storage", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });
  const dir = mkdtempSync(join(tmpdir(), "carebot-s3-"));
  let server: S3rver;
  let settings: S3StoreSettings;
  let store: ReturnType<typeof s3FileStore>;
  let core: Core;
  let raw: S3Client;

  beforeAll(async () => {
    server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "case-files", configs: [] }] });
    const { port } = await server.run();
    settings = { endpoint: `http://127.0.0.1:${port}`, bucket: "case-files", region: "eu-central-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", keyPrefix: "carebot/", forcePathStyle: true };
    store = s3FileStore(settings);
    // The whole core over the store, as coreFromConfig builds it when S3_BUCKET is set.
    core = createCore({ prisma: s.t.db.prisma, clock: s.t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: s.t.logger }, { fileStore: store });
    raw = new S3Client({ endpoint: settings.endpoint, region: settings.region, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  });
  afterAll(async () => {
    store?.close();
    raw?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const objectKeys = async () => ((await raw.send(new ListObjectsV2Command({ Bucket: "case-files" }))).Contents ?? []).map((o) => o.Key);

  it("a customer's file goes to the bucket, not the database, and comes back whole to a viewer of the case", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: filed } = await core.cases.file(ada, filing(s.w.accounts.acme.id));
    const log = randomBytes(200_000);
    const [added] = await core.email.attachments.add(ada, filed.number, [{ name: "player.log", contentType: "text/plain", content: log }]);

    const row = await s.t.db.prisma.attachment.findUniqueOrThrow({ where: { id: added!.id }, select: { storageKey: true } });
    expect(row.storageKey).toBe(`s3:${added!.id}`);
    expect(await objectKeys()).toContain(`carebot/s3:${added!.id}`);
    expect(await s.t.db.prisma.storedFile.count({ where: { key: row.storageKey } })).toBe(0);

    const opened = await core.email.attachments.open(as(s.w.people.engineer.id), added!.id);
    expect(opened.content.equals(log)).toBe(true);
    // Someone of another account is told it does not exist, before any byte is read.
    await expect(core.email.attachments.open(as(s.w.people.globexUser.id), added!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a file whose object is gone is 'no longer stored', not an error page", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: filed } = await core.cases.file(ada, filing(s.w.accounts.acme.id));
    const [added] = await core.email.attachments.add(ada, filed.number, [{ name: "shot.png", contentType: "image/png", content: randomBytes(1000) }]);
    await store.remove(`s3:${added!.id}`);
    await store.remove(`s3:${added!.id}`); // removing twice is fine
    await expect(core.email.attachments.open(ada, added!.id)).rejects.toThrow("That file is no longer stored.");
  });

  it("a store that refuses the access key fails the change instead of losing the file quietly", async () => {
    const wrong = s3FileStore({ ...settings, accessKeyId: "SOMEONE-ELSE" });
    await expect(wrong.put("s3:probe", Buffer.from("x"))).rejects.toMatchObject({ name: "InvalidAccessKeyId" });
    wrong.close();
  });

  it("the sweep removes objects no attachment names (a change that failed after its put) and keeps the rest", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: filed } = await core.cases.file(ada, filing(s.w.accounts.acme.id));
    const [kept] = await core.email.attachments.add(ada, filed.number, [{ name: "kept.txt", contentType: "text/plain", content: Buffer.from("keep me") }]);
    await raw.send(new PutObjectCommand({ Bucket: "case-files", Key: "carebot/s3:00000000-0000-4000-8000-000000000000", Body: "orphan" }));
    await raw.send(new PutObjectCommand({ Bucket: "case-files", Key: "elsewhere/not-ours", Body: "someone else's" }));
    const known = (keys: string[]) => namedFileKeys(s.t.db.prisma, keys);

    // Objects newer than the cut-off are left alone: their rows may not be committed yet.
    expect(await store.sweepOrphans(known, new Date(Date.now() - 60_000))).toBe(0);
    const removed = await store.sweepOrphans(known, new Date(Date.now() + 60_000));
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = await objectKeys();
    expect(left).not.toContain("carebot/s3:00000000-0000-4000-8000-000000000000");
    expect(left).toContain(`carebot/s3:${kept!.id}`);
    expect(left).toContain("elsewhere/not-ours"); // outside the prefix: not carebot's
    const body = await raw.send(new GetObjectCommand({ Bucket: "case-files", Key: `carebot/s3:${kept!.id}` }));
    expect(await body.Body!.transformToString()).toBe("keep me");
  });

  it("a removed case's files leave the database with it; `storage sweep` then frees their objects", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const { case: filed } = await core.cases.file(ada, filing(s.w.accounts.acme.id));
    const [added] = await core.email.attachments.add(ada, filed.number, [{ name: "trace.har", contentType: "application/json", content: Buffer.from("{}") }]);
    const caseId = (await s.t.db.prisma.case.findUniqueOrThrow({ where: { number: Number(filed.number) } })).id;
    await s.t.db.prisma.$transaction((tx) => removeCaseFiles(tx, [caseId]));
    expect(await objectKeys()).toContain(`carebot/s3:${added!.id}`); // the bucket is no part of the transaction

    const hourAgo = await storageCommand(core, s.t.db.prisma, "sweep", {}, new Date());
    expect(hourAgo).toMatchObject({ store: "s3", removed: 0 }); // written moments ago: left alone
    const later = await storageCommand(core, s.t.db.prisma, "sweep", { hours: "1" }, new Date(Date.now() + 2 * 3_600_000));
    expect(later.text).toMatch(/^s3 store: removed [1-9]\d* stored file\(s\) nothing names, older than 1 h\.$/);
    expect(await objectKeys()).not.toContain(`carebot/s3:${added!.id}`);
    expect(await storageCommand(core, s.t.db.prisma, "sweep", { hours: "0" }, new Date())).toMatchObject({ unknown: true });
  });

  it("is chosen by S3_BUCKET with its endpoint and keys; a missing one stops start-up without echoing the secret", () => {
    const config = loadConfig({ S3_BUCKET: "case-files", S3_ENDPOINT: "https://s3.eu-central-1.amazonaws.com", S3_ACCESS_KEY_ID: "AKIAEXAMPLE", S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI-real-secret" });
    expect(s3SettingsFromConfig(config)).toMatchObject({ bucket: "case-files", endpoint: "https://s3.eu-central-1.amazonaws.com", region: "us-east-1", keyPrefix: "carebot/", forcePathStyle: true });
    expect(fileStoreFor(s.t.db.prisma, () => s.t.clock.now(), s3SettingsFromConfig(config)).name).toBe("s3");
    expect(fileStoreFor(s.t.db.prisma, () => s.t.clock.now(), s3SettingsFromConfig(loadConfig({}))).name).toBe("database");

    const refused = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
      } catch (error) {
        if (error instanceof CaseError) return error;
      }
      throw new Error("expected a configuration error");
    };
    const noEndpoint = refused({ S3_BUCKET: "case-files", S3_ACCESS_KEY_ID: "AKIAEXAMPLE", S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI-real-secret" });
    expect(noEndpoint.field).toBe("S3_ENDPOINT");
    expect(noEndpoint.message).not.toContain("wJalrXUtnFEMI");
    expect(refused({ S3_BUCKET: "case-files", S3_ENDPOINT: "https://s3.example.com", S3_ACCESS_KEY_ID: "AKIAEXAMPLE", S3_SECRET_ACCESS_KEY: "changeme" }).field).toBe("S3_SECRET_ACCESS_KEY");
    expect(refused({ S3_BUCKET: "case-files", S3_ENDPOINT: "ftp://files.example.com", S3_ACCESS_KEY_ID: "A", S3_SECRET_ACCESS_KEY: "real-secret-1" }).field).toBe("S3_ENDPOINT");
  });
});
