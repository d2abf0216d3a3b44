import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envSchema, loadConfig, readEnvironment } from "../src/config.ts";
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

describe("the .env file", () => {
  const dir = mkdtempSync(join(tmpdir(), "carebot-env-"));
  const file = join(dir, ".env");
  writeFileSync(file, "# written by setup\nSLACK_TRIAGE_CHANNEL=C0TRIAGE01\nPORT=4000\nDEMO_DATA=off\nLOG_LEVEL=debug\n");

  it("is read under the environment: the file's settings apply, the environment wins, and VAR= unsets", () => {
    const config = loadConfig(readEnvironment({ ENV_FILE: file, PORT: "5000", DEMO_DATA: "" }));
    expect(config.SLACK_TRIAGE_CHANNEL).toBe("C0TRIAGE01");
    expect(config.LOG_LEVEL).toBe("debug");
    expect(config.PORT).toBe(5000);
    expect(config.DEMO_DATA).toBe(true); // the file's "off" was unset by the environment's empty value
  });

  it("is optional as ./.env, but a named ENV_FILE must exist", () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), "carebot-no-env-")));
    try {
      expect(readEnvironment({ ENV_FILE: "", PORT: "1" })).toEqual({ ENV_FILE: "", PORT: "1" });
    } finally {
      process.chdir(cwd);
    }
    const missing = failure(() => readEnvironment({ ENV_FILE: join(dir, "nope.env") }));
    expect(missing.field).toBe("ENV_FILE");
  });

  it(".env.example names every variable of src/config.ts", () => {
    const example = readFileSync(".env.example", "utf8");
    const missing = Object.keys(envSchema.shape).filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example));
    expect(missing, "add these to .env.example").toEqual([]);
  });
});
