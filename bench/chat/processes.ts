import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * The bench's child processes: spawned as `node …` directly (so the pid is the Node
 * process whose memory we read, not npm's), logs to a file, stopped with SIGTERM and
 * killed with SIGKILL if they linger. Every child still alive when the bench exits,
 * for any reason, is killed.
 */
export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  logFile: string;
  /** performance.now() at spawn. */
  spawnedAt: number;
  exited: Promise<number | null>;
  isAlive(): boolean;
}

const live = new Set<ChildProcess>();

export function killAllChildren(): void {
  for (const proc of live) {
    try {
      proc.kill("SIGKILL");
    } catch {
      // Already gone: nothing left to stop.
    }
  }
  live.clear();
}

export function spawnNode(name: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; onStdout?: (line: string) => void }): Child {
  const fd = openSync(options.logFile, "a");
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", options.onStdout ? "pipe" : fd, fd] });
  closeSync(fd); // the child holds its own copy
  if (options.onStdout && proc.stdout) {
    let buffered = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) options.onStdout!(line);
    });
  }
  live.add(proc);
  let alive = true;
  const exited = new Promise<number | null>((resolve) => {
    proc.once("exit", (code) => {
      alive = false;
      live.delete(proc);
      resolve(code);
    });
    proc.once("error", () => {
      alive = false;
      live.delete(proc);
      resolve(null);
    });
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not be spawned`);
  return { name, proc, pid: proc.pid, logFile: options.logFile, spawnedAt, exited, isAlive: () => alive };
}

/** Polls GET url every 25 ms until it answers 200; returns milliseconds since the child's spawn. */
export async function waitReady(child: Child, url: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!child.isAlive()) throw new Error(`${child.name} exited before it was ready; see ${child.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - child.spawnedAt;
    } catch {
      // Not listening yet: poll again.
    }
    await sleep(25);
  }
  throw new Error(`${child.name} was not ready within ${timeoutMs} ms; see ${child.logFile}`);
}

export async function stopChild(child: Child, graceMs = 15_000): Promise<void> {
  if (!child.isAlive()) return;
  child.proc.kill("SIGTERM");
  const stopped = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!stopped) {
    child.proc.kill("SIGKILL");
    await child.exited;
  }
}

/** Resident memory of a process in MB, from /proc/<pid>/status (VmRSS); undefined once it is gone. */
export function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples VmRSS every intervalMs until stopped; returns the peak. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): number | undefined } {
  let peak: number | undefined;
  const take = () => {
    const mb = rssMb(pid);
    if (mb !== undefined && (peak === undefined || mb > peak)) peak = mb;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Clean-ups that must also run when the bench is interrupted (dropping its PostgreSQL database). */
const aborts = new Set<() => Promise<void>>();

export function onAbort(fn: () => Promise<void>): () => void {
  aborts.add(fn);
  return () => aborts.delete(fn);
}

export async function runAborts(): Promise<void> {
  for (const fn of [...aborts]) {
    aborts.delete(fn);
    await fn().catch((error: unknown) => console.error("bench: clean-up failed:", error));
  }
}
