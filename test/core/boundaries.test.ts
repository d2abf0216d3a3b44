import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the core knows no chat platform", () => {
  it("imports nothing from Slack, Teams, Bot Framework or the adapters", () => {
    const files = filesUnder(new URL("../../src/core", import.meta.url).pathname);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) =>
      /from\s+["'](@slack\/|botbuilder|botframework|@microsoft\/|[./]*\/adapters\/)/m.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
