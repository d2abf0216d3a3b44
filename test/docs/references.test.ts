import { describe, expect, it } from "vitest";
import { allReferenceProblems, referenceProblems, repositoryFacts } from "../../scripts/docs-references.ts";

/**
 * What the README and docs/ tell people to run, set or open exists: every `npm run X`
 * is a script in package.json, every `npm run cli -- X` a command of the operator CLI,
 * every environment variable one that src/config.ts (or a script or test) reads, and
 * every repository path and relative link a file or folder that is there, and every
 * test the QA stories cite a test with that title in that file.
 */
describe("the documentation's references", () => {
  const facts = repositoryFacts();

  it("name only scripts, CLI commands, settings and files that exist", () => {
    expect(allReferenceProblems(facts)).toEqual([]);
  });

  it("catch a script, CLI command, setting, file or cited test that does not exist", () => {
    const page = [
      "Run `npm run docs:nothing` and `npm run cli -- demo frobnicate`, then `npm run cli -- teleport`.",
      "Set `CAREBOT_WARP_FACTOR=9` and read `src/core/no-such-module.ts`; see [the guide](no-such-guide.md) and [backups](operations.md#no-such-section).",
      "- `test/config.test.ts` › \"a title nobody wrote\"",
      "- `test/config.test.ts` › \"names the bad variable\"",
      "Fine: `npm run typecheck`, `npm run cli -- demo load`, `npm run cli -- publish update|rca`, `PORT=3000`, `src/config.ts`, [config](configuration.md), [the catalog](configuration.md#the-catalog-catalog_file).",
    ].join("\n");
    expect(referenceProblems("docs/example.md", page, facts).map((p) => `${p.kind}: ${p.name}`)).toEqual([
      "script: npm run docs:nothing",
      "cli command: npm run cli -- demo frobnicate",
      "cli command: npm run cli -- teleport",
      "setting: CAREBOT_WARP_FACTOR",
      "file: src/core/no-such-module.ts",
      "test: test/config.test.ts › a title nobody wrote",
      "file: docs/no-such-guide.md",
      "file: docs/operations.md#no-such-section",
    ]);
  });
});
