import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { readCommand } from "../../src/interactions/index.ts";
// @ts-expect-error: a plain .mjs script without types
import { buildTeamsPackage } from "../../scripts/teams-package.mjs";

/**
 * The app package the script builds passes Microsoft's Teams manifest JSON schema
 * (v1.22, shipped in @microsoft/app-manifest) and carries icons of the required sizes.
 */
const require = createRequire(import.meta.url);
const Ajv = require("ajv-draft-04") as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] } };
const addFormats = require("ajv-formats") as (ajv: unknown) => void;
const schema = JSON.parse(readFileSync(require.resolve("@microsoft/app-manifest/build/json-schemas/teams/v1.22/MicrosoftTeams.schema.json"), "utf8"));

function pngSize(bytes: Buffer) {
  expect(bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25] };
}

describe("the Teams app package", () => {
  it("passes the Teams manifest schema, with the commands and the message action", async () => {
    const bytes: Buffer = await buildTeamsPackage({ appId: "3f5c2b1a-1111-4222-8333-944444444444", domain: "support.contoso.example", out: "" });
    const zip = await JSZip.loadAsync(bytes);
    expect(Object.keys(zip.files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(await zip.file("manifest.json")!.async("string"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest.bots[0].botId).toBe("3f5c2b1a-1111-4222-8333-944444444444");
    expect(manifest.validDomains).toEqual(["support.contoso.example"]);
    const titles = manifest.bots[0].commandLists.flatMap((l: { commands: { title: string }[] }) => l.commands.map((c) => c.title));
    for (const command of ["new case", "my cases", "open", "case", "reply", "escalate", "search", "browse", "home", "follow", "help"]) expect(titles).toContain(command);
    // Each command offered is one the bot answers (the help only for help).
    for (const title of titles) {
      const typed = title === "case" || title === "escalate" || title === "follow" ? `${title} 10001` : title === "reply" || title === "search" ? `${title} 10001 words` : title;
      expect(readCommand(typed).verb === "help", title).toBe(title === "help");
    }
    expect(manifest.composeExtensions[0].commands[0]).toMatchObject({ type: "action", context: ["message"], fetchTask: true });

    const color = pngSize(await zip.file("color.png")!.async("nodebuffer"));
    const outline = pngSize(await zip.file("outline.png")!.async("nodebuffer"));
    expect(color).toMatchObject({ width: 192, height: 192 });
    expect(outline).toMatchObject({ width: 32, height: 32, colorType: 6 }); // RGBA: transparent background
  });

  it("the schema check catches a broken manifest", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const manifest = JSON.parse(readFileSync(new URL("../../manifest/teams/manifest.json", import.meta.url), "utf8"));
    expect(validate({ ...manifest, name: { short: "x".repeat(31), full: "x" } })).toBe(false);
    expect(validate({ ...manifest, accentColor: undefined })).toBe(false);
  });
});
