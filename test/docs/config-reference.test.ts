import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../../src/config.ts";
import { catalogSchema } from "../../src/core/catalog.ts";
import { CATALOG_MEANINGS, CONFIG_REFERENCE, configReference, configVariables, declaredEnvSchemas, ENV_SCHEMAS, EXTRA_MEANINGS } from "../../scripts/docs-config.ts";

/**
 * docs/configuration.md is generated from src/config.ts (scripts/docs-config.ts), so an
 * operator reads the settings the code really has. These tests fail when someone adds,
 * removes or changes a setting without regenerating it (`npm run docs:config`).
 */
describe("the configuration reference", () => {
  it("is what the generator gives from src/config.ts today (run npm run docs:config after changing a setting)", () => {
    const committed = readFileSync(new URL(`../../${CONFIG_REFERENCE}`, import.meta.url), "utf8");
    expect(committed).toBe(configReference());
  });

  it("gives every environment variable a meaning, from its comment in src/config.ts or the generator's table", () => {
    const without = configVariables().filter((v) => !v.meaning).map((v) => v.name);
    expect(without).toEqual([]);
  });

  it("keeps no meaning for a variable or catalog key that no longer exists", () => {
    const variables = ENV_SCHEMAS.flatMap(({ schema }) => Object.keys(schema.shape));
    expect(variables).toEqual(expect.arrayContaining(Object.keys(envSchema.shape)));
    expect(Object.keys(EXTRA_MEANINGS).filter((name) => !variables.includes(name))).toEqual([]);
    const keys = Object.keys(catalogSchema.shape);
    expect(Object.keys(CATALOG_MEANINGS).filter((key) => !keys.includes(key))).toEqual([]);
    expect(keys.filter((key) => !CATALOG_MEANINGS[key])).toEqual([]);
  });

  it("covers every env schema under src/, wherever a setting is declared", () => {
    expect(declaredEnvSchemas().sort()).toEqual(ENV_SCHEMAS.map(({ file, exportName }) => `${file}#${exportName}`).sort());
  });

  it("takes each meaning from the comment above the variable in src/config.ts, so editing the comment edits the reference", () => {
    const source = readFileSync(new URL("../../src/config.ts", import.meta.url), "utf8");
    const edited = source.replace("How often the delivery worker looks for due notifications.", "How often the outbox is read, edited.");
    expect(edited).not.toBe(source);
    const sources = Object.fromEntries(ENV_SCHEMAS.map(({ file }) => [file, readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")]));
    const reference = configReference({ ...sources, "src/config.ts": edited });
    expect(reference).toContain("| `DELIVERY_INTERVAL_MS` | integer ≥ 50 | `1000` | How often the outbox is read, edited. |");
    expect(reference).not.toBe(configReference(sources));
  });
});
