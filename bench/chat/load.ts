import { sleep } from "./processes.ts";

/** Load shapes, each bounded in count and in time, and the statistics the table shows. */

/** `count` jobs on `concurrency` workers, each starting the next job when its last finished; stops at the deadline. */
export async function closedLoop(count: number, concurrency: number, maxMs: number, job: (i: number) => Promise<void>): Promise<number> {
  const deadline = performance.now() + maxMs;
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        await job(i);
        done += 1;
      }
    }),
  );
  return done;
}

/**
 * Open loop: job i starts at i / rate seconds whether or not earlier jobs have
 * answered (a closed loop would hide queueing). Returns when every job has settled;
 * each job bounds its own time. `lagMs` is how late the bench itself fired (should stay small).
 */
export async function openLoop(rate: number, seconds: number, job: (i: number) => Promise<void>): Promise<{ sent: number; lagMs: number }> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const running: Promise<void>[] = [];
  let lagMs = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    lagMs = Math.max(lagMs, performance.now() - due);
    running.push(job(i));
  }
  await Promise.all(running);
  return { sent: total, lagMs };
}

export function percentile(values: number[], q: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the values at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export interface Quantiles {
  p50?: number;
  p95?: number;
  p99?: number;
  n: number;
}

export function quantiles(values: number[]): Quantiles {
  return { p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99), n: values.length };
}

export function median(values: number[]): number | undefined {
  return percentile(values, 0.5);
}
