import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSetup } from "../src/cli/setup.ts";
import { loadConfig } from "../src/config.ts";
import { startTestCore, type TestCore } from "./support/test-core.ts";

/**
 * `npm run cli -- setup` in a terminal: it asks, in order, for what the flags did not
 * give, and a blank answer skips a channel. The answers here are what a person types.
 */
describe("setup, answering its questions", () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t?.close());

  it("asks for the platform, the identity and the channels, links the person and writes what was given", async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), "carebot-setup-")), ".env");
    const answers = ["teams", "tenant-42", "aad-kim", "kim@vendor.test", "Kim Lee", "19:triage@thread.tacv2", "", "19:managers@thread.tacv2"];
    const questions: string[] = [];
    const result = await runSetup({
      config: loadConfig({ DATA_DIR: "memory://", TEAMS_LOCAL: "on" }),
      core: t.core,
      prisma: t.db.prisma,
      answers: {},
      envFile,
      ask: async (question) => {
        questions.push(question);
        return answers.shift() ?? "";
      },
    });
    expect(questions.map((q) => q.split(" (")[0]!.split(":")[0])).toEqual([
      "Your chat platform",
      "Your Teams tenant ID",
      "Your Microsoft Entra object ID",
      "Your work email",
      "Your name",
      "The Teams channel where new cases arrive as triage cards",
      "The Teams channel where escalations reach the on-call engineers",
      "The Teams channel where Requesting Management Attention escalations go",
    ]);
    expect(result.text).toContain("Teams: local mode (this machine only)");
    expect(result.linked).toBeDefined();
    const identity = await t.db.prisma.chatIdentity.findFirstOrThrow({ where: { platform: "teams", tenantId: "tenant-42", userId: "aad-kim" }, include: { person: true } });
    expect([identity.person.name, identity.person.kind]).toEqual(["Kim Lee", "MANAGER"]);
    expect(readFileSync(envFile, "utf8")).toBe("TEAMS_TRIAGE_CHANNEL=19:triage@thread.tacv2\nTEAMS_MANAGEMENT_CHANNEL=19:managers@thread.tacv2\n");
    expect(result.left).toContain("Name the oncall channel: npm run cli -- setup --platform teams --oncall <id> (where escalations reach the on-call engineers).");
  });
});
