import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { DEFAULT_CATALOG, loadCatalog } from "../src/core/catalog.ts";
import { CaseError } from "../src/core/errors.ts";

function failure(fn: () => unknown): CaseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaseError) return error;
    throw error;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("has working defaults for a fresh machine", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: "./data", DEMO_DATA: true, production: false });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names the bad variable", () => {
    expect(failure(() => loadConfig({ PORT: "eighty" })).message).toMatch(/^Environment variable PORT is invalid/);
    expect(failure(() => loadConfig({ DATABASE_URL: "not a url" })).field).toBe("DATABASE_URL");
  });

  it("in production, refuses a missing or placeholder secret, naming it without echoing it", () => {
    const missing = failure(() => loadConfig({ NODE_ENV: "production" }));
    expect(missing.message).toContain("CREDENTIALS_KEY");
    for (const placeholder of ["changeme", "<your key here>", "xxxxxx", "TODO"]) {
      const err = failure(() => loadConfig({ NODE_ENV: "production", CREDENTIALS_KEY: placeholder }));
      expect(err.field).toBe("CREDENTIALS_KEY");
      expect(err.message).not.toContain(placeholder);
    }
    expect(loadConfig({ NODE_ENV: "production", CREDENTIALS_KEY: Buffer.alloc(32, 7).toString("base64") }).production).toBe(true);
  });
});

describe("the catalog file", () => {
  const dir = mkdtempSync(join(tmpdir(), "carebot-catalog-"));
  const write = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
    return file;
  };

  it("defaults to the spec's values", () => {
    expect(loadCatalog(undefined).timers).toEqual({ reminderAfterDays: 5, autoCloseAfterDays: 10, reopenWindowDays: 7, credentialsPurgeAfterDays: 7 });
    expect(DEFAULT_CATALOG.escalationAcknowledgement.S1).toBe("Immediately");
  });

  it("overrides whole keys and keeps the rest", () => {
    const catalog = loadCatalog(write("ok.json", { timers: { reminderAfterDays: 3, autoCloseAfterDays: 6, reopenWindowDays: 14, credentialsPurgeAfterDays: 30 } }));
    expect(catalog.timers.reopenWindowDays).toBe(14);
    expect(catalog.products).toEqual(DEFAULT_CATALOG.products);
  });

  it("stops start-up with an error naming the bad key", () => {
    const bad = failure(() => loadCatalog(write("bad.json", { timers: { reminderAfterDays: "five", autoCloseAfterDays: 10, reopenWindowDays: 7, credentialsPurgeAfterDays: 7 } })));
    expect(bad.message).toContain('"timers.reminderAfterDays"');
    expect(failure(() => loadCatalog(write("unknown.json", { colour: "blue" }))).message).toContain("colour");
    expect(failure(() => loadCatalog(write("broken.json", "{ not json"))).message).toMatch(/could not be read as JSON/);
    const order = failure(() => loadCatalog(write("order.json", { timers: { reminderAfterDays: 10, autoCloseAfterDays: 5, reopenWindowDays: 7, credentialsPurgeAfterDays: 7 } })));
    expect(order.message).toContain("timers.autoCloseAfterDays");
  });
});
