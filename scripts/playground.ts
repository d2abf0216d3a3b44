/**
 * `npm run playground`: carebot in local Teams mode with demo data, and Microsoft's
 * Agents Playground (a Teams-like chat in the browser, offline) talking to it, signed in
 * as a demo customer. No Teams tenant, no Slack workspace, no credentials.
 *
 *   npm run playground                       as Ada Lovelace, a customer of Acme Media
 *   npm run playground -- --as engineer      as Eve Martinez, a support engineer (triage)
 *   npm run playground -- --as manager       as Max Brenner, a support manager
 *
 * Options: --port (carebot, default 3978), --playground-port (default 56150),
 * --data-dir (default ./data/playground: its own embedded database, kept between runs so
 * the customer's case is there for the engineer; delete the folder to start over),
 * --no-open (do not open a browser; the address is printed either way).
 *
 * Nothing of the ordinary configuration reaches this server: every setting of
 * src/config.ts is blanked (so a .env with real channels or credentials is ignored) and
 * it listens on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { envSchema } from "../src/config.ts";
import { PLAYGROUND_ROLES, PLAYGROUND_TENANT, playgroundAadObjectId, playgroundConfigYaml, playgroundUser, type PlaygroundRole } from "./playground-config.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
function parseOptions() {
  try {
    return parseArgs({
      options: {
        as: { type: "string", default: "customer" },
        port: { type: "string", default: "3978" },
        "playground-port": { type: "string", default: "56150" },
        "data-dir": { type: "string", default: join(root, "data", "playground") },
        "no-open": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // An unknown or incomplete option: say which, without a stack trace.
    process.stderr.write(`playground: ${(error as Error).message} (--help lists the options)\n`);
    process.exit(64);
  }
}
const { values } = parseOptions();

function fail(message: string): never {
  process.stderr.write(`playground: ${message}\n`);
  process.exit(1);
}

if (values.help) {
  process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]!.replace(/^\/\*\*|^ \* ?/gm, "") + "\n");
  process.exit(0);
}
const role = values.as as PlaygroundRole;
if (!PLAYGROUND_ROLES.includes(role)) fail(`--as is one of ${PLAYGROUND_ROLES.join(", ")}.`);
const port = Number(values.port);
const playgroundPort = Number(values["playground-port"]);
if (!Number.isInteger(port) || !Number.isInteger(playgroundPort)) fail("--port and --playground-port are port numbers.");
const dataDir = resolve(values["data-dir"]);
mkdirSync(dataDir, { recursive: true });
const person = playgroundUser(role);

// The playground opens a browser itself, and exits when it cannot (no desktop): then only print the address.
const desktop = process.platform !== "linux" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const open = desktop && !values["no-open"];

const children: ChildProcess[] = [];
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // The server drains and stops its embedded PostgreSQL on SIGTERM; wait for both.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      ),
    );
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop(0));

// 1. carebot: local Teams mode, demo data, its own embedded database, loopback only.
const blank = Object.fromEntries(Object.keys(envSchema.shape).map((key) => [key, ""]));
const serverLog = join(dataDir, "server.log");
const serverEnv = {
  ...process.env,
  ...blank,
  NODE_ENV: "development",
  TEAMS_LOCAL: "on",
  DEMO_DATA: "on",
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: "127.0.0.1",
  LOG_LEVEL: "info",
  // Quick delivery, so a case card appears a moment after the dialog closes.
  DELIVERY_INTERVAL_MS: "300",
};
const server = spawn(process.execPath, ["--import", "tsx", join(root, "src", "main.ts")], {
  cwd: root,
  env: serverEnv,
  stdio: ["ignore", openSync(serverLog, "a"), openSync(serverLog, "a")],
});
children.push(server);
server.once("exit", (code) => {
  if (stopping) return;
  process.stderr.write(`playground: carebot stopped (exit ${code}). The end of ${serverLog}:\n${readFileSync(serverLog, "utf8").split("\n").slice(-15).join("\n")}\n`);
  void stop(1);
});

const started = Date.now();
for (;;) {
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
  if (ready) break;
  if (Date.now() - started > 180_000) {
    process.stderr.write(`playground: carebot did not become ready on port ${port} within 3 minutes; see ${serverLog}\n`);
    await stop(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}

// Staff are never matched by email alone (an email must not grant vendor rights): link the
// demo engineer or manager to the playground's user explicitly, as an operator would.
if (role !== "customer") {
  const cliRun = (...args: string[]) =>
    new Promise<string>((done, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], { cwd: root, env: serverEnv, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout!.on("data", (c: Buffer) => (out += String(c)));
      child.stderr!.on("data", (c: Buffer) => (out += String(c)));
      child.once("exit", (code) => (code === 0 ? done(out) : reject(new Error(`npm run cli -- ${args.join(" ")} failed:\n${out}`))));
    });
  const staff = JSON.parse(await cliRun("staff", "list", "--json")) as { staff: { id: string; email: string }[] };
  const me = staff.staff.find((s) => s.email === person.email);
  if (!me) {
    process.stderr.write(`playground: ${person.email} is not in this database (was the demo data removed?); delete ${dataDir} to start over.\n`);
    await stop(1);
  }
  await cliRun("identity", "link", "--person", me!.id, "--platform", "teams", "--tenant", PLAYGROUND_TENANT, "--user", playgroundAadObjectId(role));
}

// 2. The Agents Playground, signed in as the chosen demo person.
const configFile = join(dataDir, "agents-playground.yml");
writeFileSync(configFile, playgroundConfigYaml(role));
const cli = createRequire(import.meta.url).resolve("@microsoft/m365agentsplayground/cli.js");
const playground = spawn(process.execPath, [cli, "-e", `http://127.0.0.1:${port}/api/messages`, "-c", "msteams", "-p", String(playgroundPort), "--dt"], {
  cwd: dataDir,
  env: {
    ...process.env,
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
    M365_AGENTS_PLAYGROUND_LOGFILE: join(dataDir, "agents-playground.log"),
    ...(open ? {} : { TEAMSAPPTESTER_BROWSER: "none" }),
  },
  stdio: ["ignore", "pipe", "pipe"],
});
children.push(playground);
playground.stderr!.pipe(process.stderr);
playground.once("exit", (code) => {
  if (stopping) return;
  process.stderr.write(`playground: the Agents Playground stopped (exit ${code}); its log: ${join(dataDir, "agents-playground.log")}\n`);
  void stop(code ?? 1);
});

let announced = false;
playground.stdout!.on("data", (chunk: Buffer) => {
  // It picks another port when the one asked for is taken: use the one it reports.
  const listening = /Listening on (\d+)/.exec(String(chunk));
  if (!listening || announced) return;
  announced = true;
  const url = `http://localhost:${listening[1]}`;
  process.stdout.write(
    [
      "",
      `carebot playground: open ${url}`,
      `  signed in as ${person.name} (${person.email}), ${person.is}`,
      "  In Personal Chat, type: help · my cases · case 10003 · escalate <number> · reply <number> text",
      "  File a case in the real dialog: the + by the message box › Action Command › command id openCase › Create",
      role === "customer"
        ? "  Triage as the engineer afterwards: stop this (Ctrl+C), then npm run playground -- --as engineer"
        : "  Try: case 10001 (a new case) and Take; open (the open cases)",
      `  carebot log: ${serverLog} · database: ${dataDir} (delete it to start over) · stop: Ctrl+C`,
      "",
    ].join("\n"),
  );
});
