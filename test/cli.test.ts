import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The operator CLI, run as an operator would: a real process on a real embedded database folder. */
const dataDir = mkdtempSync(join(tmpdir(), "carebot-cli-"));
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", NODE_ENV: "development" },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("the operator CLI", () => {
  it("creates accounts, contacts, staff and partners, links an identity, loads demo data and lists cases", { timeout: 120_000 }, () => {
    const parent = cli("account", "create", "--name", "Contoso Group", "--type", "parent", "--seats", "10", "--csm", "Kim Lee", "--json");
    expect(parent.code, parent.err).toBe(0);
    const parentId = JSON.parse(parent.out).id as string;
    const sub = cli("account", "create", "--name", "Contoso Labs", "--type", "sub", "--parent", parentId, "--seats", "2", "--csm", "Kim Lee", "--json");
    expect(sub.code, sub.err).toBe(0);
    const contact = cli("contact", "create", "--account", JSON.parse(sub.out).id, "--name", "Lou Lab", "--email", "lou@contoso.test", "--json");
    expect(contact.code, contact.err).toBe(0);
    const link = cli("identity", "link", "--person", JSON.parse(contact.out).id, "--platform", "slack", "--tenant", "T1", "--user", "U1");
    expect(link.code, link.err).toBe(0);
    expect(cli("staff", "create", "--name", "Ed Eng", "--email", "ed@vendor.test", "--role", "engineer").code).toBe(0);
    expect(cli("partner", "create", "--name", "CapCo", "--channel", "slack:C9").code).toBe(0);

    const bad = cli("account", "create", "--name", "X", "--type", "sub", "--seats", "0", "--csm", "K");
    expect(bad.code).toBe(65);
    expect(bad.err).toContain("--seats: An account needs at least one seat.");
    expect(bad.err).toContain("--parent:");

    // Demo data only goes into an empty database.
    expect(cli("demo", "load").out).toContain("already holds accounts");
    const accounts = cli("account", "list");
    expect(accounts.out).toContain("Contoso Labs");
    const cases = cli("case", "list", "--view", "all");
    expect(cases.code).toBe(0);
    expect(cases.out).toContain("page 1 of 1 (0 cases)");
    expect(cli("case", "show", "99999999").err).toContain("No case with that number");
    expect(cli("frobnicate").code).toBe(64);
  });

  it("loads the demo data into an empty database and shows its cases", { timeout: 120_000 }, () => {
    const empty = mkdtempSync(join(tmpdir(), "carebot-cli-demo-"));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", env: { ...process.env, DATA_DIR: empty, DATABASE_URL: "" } });
    expect(run("demo", "load").stdout).toContain("Demo data loaded.");
    const list = run("case", "list", "--view", "all").stdout;
    for (const status of ["NEW", "IN_PROGRESS", "PENDING", "CLOSED"]) expect(list).toContain(status);
    expect(run("case", "show", "10002").stdout).toContain("Commencement webcast stutters");
  });
});
