import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The operator CLI, run as an operator would: a real process on a real embedded database folder. */
const dataDir = mkdtempSync(join(tmpdir(), "carebot-cli-"));
/** Each run reads its own settings file, never the developer's .env. */
function settingsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "carebot-env-")), ".env");
  writeFileSync(file, "# carebot settings\nLOG_LEVEL=warn\n");
  return file;
}
const envFile = settingsFile();
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", NODE_ENV: "development", ENV_FILE: envFile },
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
      spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", env: { ...process.env, DATA_DIR: empty, DATABASE_URL: "", ENV_FILE: settingsFile() } });
    expect(run("demo", "load").stdout).toContain("Demo data loaded.");
    const list = run("case", "list", "--view", "all").stdout;
    for (const status of ["NEW", "IN_PROGRESS", "PENDING", "CLOSED"]) expect(list).toContain(status);
    expect(run("case", "show", "10002").stdout).toContain("Commencement webcast stutters");
  });

  it("setup, run without questions: checks the configuration, links the person as staff, writes the channels to .env, and says what is left", { timeout: 180_000 }, () => {
    const bare = cli("setup", "--yes");
    expect(bare.code, bare.err).toBe(0);
    expect(bare.out).toContain("1. Configuration");
    expect(bare.out).toContain("Slack: off");
    expect(bare.out).toContain("Link yourself as staff");
    expect(bare.out).toContain("Connect Slack (docs/slack.md) or Teams (docs/teams.md)");

    const wrong = cli("setup", "--yes", "--platform", "slack", "--triage", "#support");
    expect(wrong.code).toBe(65);
    expect(wrong.err).toContain("--triage: Give a Slack channel ID such as C0123456789");

    const full = cli(
      "setup", "--yes", "--platform", "slack", "--tenant", "T0VENDOR", "--user", "U0KIM", "--email", "kim@vendor.test", "--name", "Kim Lee",
      "--triage", "C0TRIAGE01", "--oncall", "C0ONCALL01", "--management", "C0MANAGE01",
    );
    expect(full.code, full.err).toBe(0);
    expect(full.out).toContain("created Kim Lee (kim@vendor.test) as manager");
    expect(full.out).toContain("linked to slack T0VENDOR / U0KIM");
    expect(full.out).toContain("Restart carebot (npm start) so it reads the new channels.");
    const written = readFileSync(envFile, "utf8");
    expect(written).toContain("# carebot settings\nLOG_LEVEL=warn\n"); // what was there stays
    for (const line of ["SLACK_TRIAGE_CHANNEL=C0TRIAGE01", "SLACK_ONCALL_CHANNEL=C0ONCALL01", "SLACK_MANAGEMENT_CHANNEL=C0MANAGE01"]) expect(written).toContain(line);

    // The next run reads them back from the file, finds Kim, and links her again without a second person.
    const again = cli("setup", "--yes", "--platform", "slack", "--tenant", "T0VENDOR", "--user", "U0KIM", "--email", "kim@vendor.test");
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain("found Kim Lee (kim@vendor.test)");
    expect(again.out).toContain("SLACK_TRIAGE_CHANNEL: C0TRIAGE01 (unchanged)");
    expect(again.out).not.toContain("Name the triage channel");
    expect(cli("staff", "list").out.match(/kim@vendor\.test/g)).toHaveLength(1);
  });

  it("demo remove clears the demo data for go-live, keeps the vendor's own, and turns the demo off", { timeout: 180_000 }, () => {
    const empty = mkdtempSync(join(tmpdir(), "carebot-cli-golive-"));
    const file = settingsFile();
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", env: { ...process.env, DATA_DIR: empty, DATABASE_URL: "", ENV_FILE: file } });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    expect(run("demo", "load").out).toContain("Demo data loaded.");
    const mine = run("account", "create", "--name", "Contoso", "--type", "standard", "--seats", "3", "--csm", "Kim Lee", "--json");
    expect(mine.code, mine.err).toBe(0);
    expect(run("setup", "--yes").out).toContain("Remove the demo data before go-live");

    const removed = run("demo", "remove");
    expect(removed.code, removed.err).toBe(0);
    expect(removed.out).toContain("Demo data removed: 4 accounts, 5 cases, 9 people, 1 partner, 2 publications.");
    expect(readFileSync(file, "utf8")).toContain("DEMO_DATA=off");

    const accounts = run("account", "list").out;
    expect(accounts).toContain("Contoso");
    for (const demo of ["Northwind", "Acme Media"]) expect(accounts).not.toContain(demo);
    // What else goes and stays is the story in test/core/demo-removal.test.ts. Nothing left to remove: a second run changes nothing.
    expect(run("demo", "remove").out).toContain("Demo data removed: 0 accounts, 0 cases, 0 people, 0 partner, 0 publications.");
  });
});
