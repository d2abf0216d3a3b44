import type { Core } from "./core/index.ts";
import type { Logger } from "./logger.ts";

/**
 * Runs the clock's sweeps (reminders, automatic closes, credential purges: core.cases.sweep)
 * on an interval in the server process (SWEEP_INTERVAL_MS). Not delivery's business: a
 * sweep only writes cases and their notifications; the delivery workers take it from there.
 */
export interface Sweeper {
  runOnce(): ReturnType<Core["cases"]["sweep"]>;
  start(): void;
  stop(): Promise<void>;
}

export function createSweeper(options: { core: Core; logger: Logger; intervalMs: number }): Sweeper {
  const log = options.logger.child({ module: "sweeper" });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = options.core.cases
      .sweep()
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
    runOnce: () => options.core.cases.sweep(),
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
