import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** `npm run cli -- email …` as an operator types it: a real process on a real embedded database folder. */
const dataDir = mkdtempSync(join(tmpdir(), "carebot-cli-email-"));
const envFile = join(mkdtempSync(join(tmpdir(), "carebot-env-")), ".env");
writeFileSync(envFile, "# carebot settings\nLOG_LEVEL=warn\n");
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", NODE_ENV: "development", ENV_FILE: envFile, DEMO_DATA: "off" },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("the operator CLI's email commands", () => {
  it("sets and shows a contact's email preference by address, and lists held replies (each run starts the embedded database: kept to a few runs; the rest is tested in process, held-mail.test.ts)", { timeout: 300_000 }, () => {
    const account = cli("account", "create", "--name", "Contoso", "--type", "standard", "--seats", "3", "--csm", "Kim Lee", "--json");
    expect(account.code, account.err).toBe(0);
    expect(cli("contact", "create", "--account", JSON.parse(account.out).id, "--name", "Lou Lab", "--email", "lou@contoso.test").code).toBe(0);

    const set = cli("email", "preference", "lou@contoso.test", "chat");
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain("Lou Lab <lou@contoso.test>: chat only, no case email (saved).");

    const held = cli("email", "held", "list");
    expect(held.code, held.err).toBe(0);
    expect(held.out).toContain("No email reply is held.");
    expect(cli("--help").out).toContain("email held release ID");
  });
});
