import type { Clock } from "../core/clock.ts";
import type { Core } from "../core/index.ts";
import type { NotificationRow } from "../core/notify/deliveries.ts";
import type { Logger } from "../logger.ts";

/**
 * Delivers the outbox. Each notification goes to every channel (Slack, Teams, email);
 * a channel records a receipt per destination, so a retry after a partial failure
 * posts only what is missing. Failures back off exponentially with jitter, or wait
 * what the platform's Retry-After asked; after maxAttempts the notification is DEAD
 * (listed for the operator). The loop looks at the outbox every intervalMs, at once
 * again after a full batch (a backlog), and at once when this process commits
 * something a person is waiting for (core.outbox.onReady: a new case's card).
 */
export interface DeliveryChannel {
  name: string;
  deliver(notification: NotificationRow): Promise<void>;
}

/** Thrown by a channel to say when to try again (e.g. a 429's Retry-After). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by a channel when retrying cannot help: the destination is refused for good
 * (a conversation on a host we do not trust, a workspace that removed the app). The
 * notification is DEAD at once, with the reason, for the operator to see; nothing is
 * retried against that destination.
 */
export class CannotDeliver extends Error {}

export interface DeliveryWorker {
  /** Claims one batch and delivers it; returns how many were delivered. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the loop and waits for the batch in flight. */
  stop(): Promise<void>;
}

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 10 * 60_000);
  return Math.round(base / 2 + random() * (base / 2));
}

export function createDeliveryWorker(options: {
  core: Core;
  clock: Clock;
  logger: Logger;
  channels: DeliveryChannel[];
  intervalMs: number;
  maxAttempts: number;
  batchSize?: number;
  leaseMs?: number;
}): DeliveryWorker {
  const log = options.logger.child({ module: "delivery" });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  const batchSize = options.batchSize ?? 50;
  /** A ring that came while a batch was running: claim again as soon as it ends. */
  let rungWhileRunning = false;
  /** More may be waiting behind a full batch. */
  let lastBatchFull = false;
  let unsubscribe: (() => void) | undefined;

  async function deliver(row: NotificationRow): Promise<boolean> {
    try {
      for (const channel of options.channels) await channel.deliver(row);
      await options.core.outbox.markDelivered(row.id);
      return true;
    } catch (error) {
      const wait = error instanceof RetryLater ? error.retryAfterMs : backoffMs(row.attempts);
      const outcome = await options.core.outbox.markFailed(row, {
        error: error instanceof Error ? error.message : String(error),
        retryAt: new Date(options.clock.now().getTime() + wait),
        maxAttempts: error instanceof CannotDeliver ? 0 : options.maxAttempts,
      });
      // The notification stays in the outbox (or is DEAD for the operator), so going on with the batch is safe.
      log.warn({ err: error, notificationId: row.id, event: row.event, attempts: row.attempts, outcome, retryInMs: wait }, "delivery failed");
      return false;
    }
  }

  async function runOnce(): Promise<number> {
    lastBatchFull = false; // a failed claim must not spin the loop
    const batch = await options.core.outbox.claim(batchSize, options.leaseMs ?? 60_000);
    lastBatchFull = batch.length === batchSize;
    let delivered = 0;
    for (const row of batch) if (await deliver(row)) delivered += 1;
    return delivered;
  }

  const tick = () => {
    if (stopped) return;
    running = runOnce()
      .catch((error: unknown) => {
        // A failed claim (say, the database restarting) is retried on the next tick.
        log.error({ err: error }, "delivery batch failed");
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (stopped) return;
        timer = setTimeout(tick, rungWhileRunning || lastBatchFull ? 0 : options.intervalMs);
        rungWhileRunning = false;
      });
  };

  /** Something was committed that a person waits for (a new case's card): deliver now, not at the next interval. */
  const wake = () => {
    if (stopped) return;
    if (running) {
      rungWhileRunning = true;
      return;
    }
    clearTimeout(timer);
    tick();
  };

  return {
    runOnce,
    start: () => {
      stopped = false;
      unsubscribe ??= options.core.outbox.onReady(wake);
      timer = setTimeout(tick, options.intervalMs);
    },
    stop: async () => {
      stopped = true;
      unsubscribe?.();
      unsubscribe = undefined;
      clearTimeout(timer);
      await running;
    },
  };
}
