import type { Core } from "./core/index.ts";
import type { WeeklySchedule } from "./core/sla/weekly-summary.ts";
import type { Logger } from "./logger.ts";

/**
 * Runs the clock's sweeps (reminders, automatic closes, credential purges: core.cases.sweep)
 * on an interval in the server process (SWEEP_INTERVAL_MS). Not delivery's business: a
 * sweep only writes cases and their notifications; the delivery workers take it from there.
 * After each sweep, the weekly service-level summary (WEEKLY_SUMMARY) when its time has
 * come: the core sends it once per week however many sweepers run.
 */
type SweepOnce = Awaited<ReturnType<Core["cases"]["sweep"]>> & { weeklySummary: string | null };

export interface Sweeper {
  runOnce(): Promise<SweepOnce>;
  start(): void;
  stop(): Promise<void>;
}

export function createSweeper(options: { core: Core; logger: Logger; intervalMs: number; weeklySummary?: WeeklySchedule | null }): Sweeper {
  const log = options.logger.child({ module: "sweeper" });
  const runOnce = async (): Promise<SweepOnce> => {
    const result = await options.core.cases.sweep();
    return { ...result, weeklySummary: await options.core.serviceLevels.weeklySummary(options.weeklySummary ?? null) };
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = runOnce()
      .then((result) => {
        if (result.cases) log.info(result, "sweep applied due actions");
      })
      .catch((error: unknown) => {
        // Nothing was half-done (each case is its own transaction); the next tick tries again.
        log.error({ err: error }, "sweep failed");
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  return {
    runOnce,
    start: () => {
      stopped = false;
      timer = setTimeout(tick, Math.min(options.intervalMs, 5_000));
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
