import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * docs/operations.md lists every runtime dependency with its licence (what a certified
 * partner's installation guide must name). This fails when a dependency is added
 * without a line there, or a line names a licence the installed package does not have.
 */
const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { dependencies: Record<string, string> };
const table = readFileSync(new URL("docs/operations.md", root), "utf8")
  .split("\n")
  .filter((line) => line.startsWith("| `"));

describe("the licence table of the installation guide", () => {
  it("names every runtime dependency, with the licence its package declares", () => {
    const problems = Object.keys(pkg.dependencies).flatMap((name) => {
      const line = table.find((l) => l.split("|")[1]!.includes(`\`${name}\``));
      if (!line) return [`${name}: not in docs/operations.md`];
      // Read from node_modules directly: some packages' exports do not include package.json.
      const manifest = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), "utf8")) as { license?: string };
      const licence = manifest.license ?? "UNKNOWN";
      return line.split("|")[2]!.includes(licence) ? [] : [`${name}: its package says ${licence}`];
    });
    expect(problems).toEqual([]);
  });
});
