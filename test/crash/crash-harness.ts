import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { systemClock } from "../../src/core/clock.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { openDatabase, type Database } from "../../src/core/db/connect.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";
import { createCore, type Core } from "../../src/core/index.ts";
import { createLogger } from "../../src/logger.ts";
import { freshPostgresDatabase, onPostgres } from "../support/test-core.ts";

/**
 * What the crash tests share: the real server as a child process (`node --import tsx
 * src/main.ts`) on a database that outlives it (PGlite in a folder on disk, or a fresh
 * PostgreSQL database under `npm run test:postgres`), the test's own handle on that
 * database, and bursts of requests, each remembered as acknowledged, refused or lost.
 */
export type Outcome = "acked" | "refused" | "lost";

export interface CrashServer {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

export interface CrashWorld {
  database: "postgres" | "embedded PostgreSQL (on disk)";
  /** Runs with a handle on the server's database (PostgreSQL, or the embedded server shared by every process on the DATA_DIR). */
  withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  /** A core on that handle, for seeding the world before the server starts. */
  seed<T>(fn: (core: Core, db: Database) => Promise<T>): Promise<T>;
  /** The server, with the environment every crash test needs plus `env`; resolves once it logs that it is up. */
  startServer(env: Record<string, string>): Promise<CrashServer>;
  /** Every stderr line, and every log line at error or above, of every server started. */
  serverErrors: string[];
  /** Kills a server still running, drops the database or its folder. */
  close(): Promise<void>;
}

export async function crashWorld(): Promise<CrashWorld> {
  const key = randomBytes(32).toString("base64");
  const serverErrors: string[] = [];
  let dataDir = "";
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  let pgDb: Database | undefined;
  const servers = new Set<CrashServer>();
  if (onPostgres) {
    pg = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!);
    pgDb = await openDatabase({ kind: "postgres", url: pg.url });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "carebot-crash-"));
  }

  async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    if (pgDb) return fn(pgDb);
    const db = await openDatabase({ kind: "embedded-postgres", dataDir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  function startServer(extra: Record<string, string>): Promise<CrashServer> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "development",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir || join(tmpdir(), "carebot-crash-unused"),
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      CREDENTIALS_KEY: key,
      DEMO_DATA: "off",
      LOG_LEVEL: "info",
      // A filing wakes the in-process worker itself; the interval only picks up what a crash left behind,
      // and a crashed worker's claim expires after the lease.
      DELIVERY_INTERVAL_MS: "200",
      DELIVERY_LEASE_MS: "2000",
      SWEEP_INTERVAL_MS: "600000",
      RATE_LIMIT_USER_BURST: "10000",
      RATE_LIMIT_USER_PER_MINUTE: "100000",
      RATE_LIMIT_TENANT_BURST: "10000",
      RATE_LIMIT_TENANT_PER_MINUTE: "100000",
      ...extra,
    };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    createInterface({ input: child.stderr! }).on("line", (line) => serverErrors.push(line));
    return new Promise<CrashServer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 30 s: ${serverErrors.slice(-5).join("\n")}`)), 30_000);
      void exited.then((code) => reject(new Error(`the server exited with ${code} while starting: ${serverErrors.slice(-5).join("\n")}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let entry: { msg?: string; port?: number; level?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return; // not a log line of ours
        }
        if ((entry.level ?? 0) >= 50) serverErrors.push(line);
        if (entry.msg?.startsWith("carebot is up") && entry.port) {
          clearTimeout(timer);
          const server = { child, url: `http://127.0.0.1:${entry.port}`, exited };
          servers.add(server);
          void exited.then(() => servers.delete(server));
          resolve(server);
        }
      });
    });
  }

  return {
    database: onPostgres ? "postgres" : "embedded PostgreSQL (on disk)",
    withDatabase,
    seed: (fn) =>
      withDatabase(async (db) => {
        await applyMigrations(db.migrationTarget);
        const core = createCore({ prisma: db.prisma, clock: systemClock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(Buffer.from(key, "base64")), logger: createLogger({ level: "silent" }) });
        return fn(core, db);
      }),
    startServer,
    serverErrors,
    close: async () => {
      for (const server of servers) {
        server.child.kill("SIGKILL");
        await server.exited;
      }
      await pgDb?.close();
      await pg?.drop();
      if (dataDir) {
        // The killed servers left the embedded PostgreSQL running: the last process to close it stops it.
        await (await openDatabase({ kind: "embedded-postgres", dataDir })).close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Sends every item, `concurrency` at a time, keeping each one's outcome; `onAck` runs after each acknowledgement. */
export async function burst<T extends { outcome?: Outcome }>(items: T[], send: (item: T) => Promise<Outcome>, options: { concurrency: number; onAck?: () => void }): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        item.outcome = await send(item);
        if (item.outcome === "acked") options.onAck?.();
      }
    }),
  );
}

/** Seconds spent in each named phase of a test, for its printed figures. */
export function phaseClock(): { phase(name: string): void; phases: Record<string, string>; sinceStart(): string } {
  const started = Date.now();
  let last = started;
  const phases: Record<string, string> = {};
  return {
    phases,
    phase: (name) => {
      phases[name] = ((Date.now() - last) / 1000).toFixed(1);
      last = Date.now();
    },
    sinceStart: () => ((Date.now() - started) / 1000).toFixed(1),
  };
}

/** Copies made beyond the first, over every item (a count per item). */
export const repeats = (counts: number[]) => counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
