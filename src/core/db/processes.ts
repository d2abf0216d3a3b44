import { existsSync, readFileSync } from "node:fs";

/**
 * Whether the process runs. A killed server whose parent (init, after pg_ctl exited)
 * has not reaped it yet is a zombie: kill(pid, 0) still succeeds, but it is gone.
 */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`) || !existsSync("/proc");
  }
}

/** Whether a process with this pid exists (a zombie included). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
