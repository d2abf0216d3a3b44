import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/core/db/connect.ts";
import { openEmbeddedPostgres, readPostmasterPid } from "../../src/core/db/embedded-postgres.ts";
import { processRunning } from "../../src/core/db/processes.ts";
import { applyMigrations } from "../../src/core/db/migrate.ts";

/**
 * The embedded default database: a real PostgreSQL server the app starts from npm
 * binaries, shared by every carebot process on one DATA_DIR, surviving kill -9.
 * Each test has its own DATA_DIR; any server still running at the end is stopped.
 */
const dirs: string[] = [];
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "carebot-embedded-"));
  dirs.push(dir);
  return dir;
}

const alive = processRunning;

async function waitFor(check: () => boolean, ms = 20_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

afterAll(async () => {
  for (const dir of dirs) {
    const running = readPostmasterPid(join(dir, "postgres"));
    if (running && alive(running.pid)) {
      process.kill(running.pid, "SIGINT");
      await waitFor(() => !alive(running.pid));
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A holder process (test/support/embedded-holder.ts) committing rows; resolves once `min` commits are reported. */
function startHolder(dataDir: string, min = 5) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/embedded-holder.ts", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
  const committed: number[] = [];
  let serverPid = 0;
  let how = "";
  const enough = new Promise<void>((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const [word, a, b] = line.split(" ");
        if (word === "ready") [serverPid, how] = [Number(a), b!];
        if (word === "committed") committed.push(Number(a));
        if (committed.length >= min) resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`holder exited (${code}) after ${committed.length} commits`)));
  });
  return { child, committed, enough, serverPid: () => serverPid, how: () => how };
}

async function heldIds(url: string): Promise<Set<number>> {
  const client = new pg.Client(url);
  await client.connect();
  const { rows } = await client.query<{ id: number }>("SELECT id FROM held");
  await client.end();
  return new Set(rows.map((r) => r.id));
}

describe("the embedded PostgreSQL server", { timeout: 120_000 }, () => {
  it("starts on a new DATA_DIR, is shared by a second process, and stops with the last one", async () => {
    const dataDir = newDataDir();
    const first = await openEmbeddedPostgres({ dataDir });
    expect(first.how).toBe("initialised");
    expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/carebot$/);
    const second = await openEmbeddedPostgres({ dataDir });
    expect(second).toMatchObject({ how: "reused", port: first.port, pid: first.pid });

    expect(await first.release()).toBe("left running");
    expect(alive(first.pid)).toBe(true);
    expect(await second.release()).toBe("stopped");
    expect(alive(first.pid)).toBe(false);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);

    const again = await openEmbeddedPostgres({ dataDir });
    expect(again.how).toBe("started");
    expect(await again.release()).toBe("stopped");
  });

  it("serves the app's database through openDatabase, migrations included", async () => {
    const db = await openDatabase({ kind: "embedded-postgres", dataDir: newDataDir() });
    expect(db.kind).toBe("embedded-postgres");
    expect((await applyMigrations(db.migrationTarget)).length).toBeGreaterThan(0);
    expect(await db.prisma.account.count()).toBe(0);
    await db.close();
    expect(alive(db.embedded!.pid)).toBe(false);
  });

  it("keeps every committed row when the app is killed with SIGKILL, and the next start reuses the server it left", async () => {
    const dataDir = newDataDir();
    const holder = startHolder(dataDir);
    await holder.enough;
    holder.child.kill("SIGKILL");
    await new Promise((r) => holder.child.once("exit", r));
    const orphan = holder.serverPid();
    expect(alive(orphan)).toBe(true); // the server outlives the killed app

    const next = await openEmbeddedPostgres({ dataDir });
    expect(next).toMatchObject({ how: "reused", pid: orphan });
    const ids = await heldIds(next.url);
    for (const id of holder.committed) expect(ids.has(id)).toBe(true);
    expect(await next.release()).toBe("stopped"); // the last user stops the adopted server
    expect(alive(orphan)).toBe(false);
  });

  it("recovers when the server itself was killed with SIGKILL (stale postmaster.pid): committed rows survive", async () => {
    const dataDir = newDataDir();
    const holder = startHolder(dataDir);
    await holder.enough;
    const server = holder.serverPid();
    process.kill(server, "SIGKILL");
    holder.child.kill("SIGKILL");
    await new Promise((r) => holder.child.once("exit", r));
    expect(await waitFor(() => !alive(server))).toBe(true);
    expect(readPostmasterPid(join(dataDir, "postgres"))?.pid).toBe(server); // stale

    const next = await openEmbeddedPostgres({ dataDir });
    expect(next.how).toBe("started");
    expect(next.pid).not.toBe(server);
    const ids = await heldIds(next.url);
    for (const id of holder.committed) expect(ids.has(id)).toBe(true);
    await next.release();
  });

  it("lets a second process (the CLI, the delivery worker) work while the app runs", async () => {
    const dataDir = newDataDir();
    const app = await openDatabase({ kind: "embedded-postgres", dataDir });
    await applyMigrations(app.migrationTarget);
    const holder = startHolder(dataDir, 3);
    await holder.enough;
    expect(holder.how()).toBe("reused");
    holder.child.kill("SIGTERM");
    await new Promise((r) => holder.child.once("exit", r));
    expect(await app.prisma.account.count()).toBe(0); // the app's server is still there
    await app.close();
  });

  it("carries an existing PGlite folder over on first start, and keeps the old folder renamed", async () => {
    const dataDir = newDataDir();
    const old = await openDatabase({ kind: "pglite", dataDir });
    await applyMigrations(old.migrationTarget);
    await old.prisma.account.create({ data: { id: randomUUID(), name: "Carried Co", type: "STANDARD", seatLimit: 3, csmName: "Kim Lee", createdAt: new Date(), updatedAt: new Date() } });
    await old.close();

    const db = await openDatabase({ kind: "embedded-postgres", dataDir });
    expect(await applyMigrations(db.migrationTarget)).toEqual([]); // its migration records came along
    expect((await db.prisma.account.findMany()).map((a) => a.name)).toEqual(["Carried Co"]);
    await db.close();
    expect(existsSync(join(dataDir, "pglite"))).toBe(false);
    expect(readdirSync(dataDir).some((name) => name.startsWith("pglite.carried-over-"))).toBe(true);
    expect(readFileSync(join(dataDir, "postgres.json"), "utf8")).toContain("password");
  });
});
