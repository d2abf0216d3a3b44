import type { Clock } from "../core/clock.ts";
import type { Core } from "../core/index.ts";
import { CannotDeliver, DestinationPaused, RetryLater, type DeliveryChannel } from "../core/notify/delivery-port.ts";
import type { ClaimedNotification } from "../core/notify/events.ts";
import type { Logger } from "../logger.ts";

/**
 * Delivers the outbox. Each notification goes to every channel (Slack, Teams, email);
 * a channel records a receipt per destination, so a retry after a partial failure
 * posts only what is missing. A claimed batch is delivered concurrently (at most
 * `concurrency` notifications at once), but one case's notifications one after another,
 * oldest first: a thread follows one case, so it hears that case's changes in order, and
 * when one fails the case's later ones wait behind it. Failures back off exponentially
 * with jitter, or wait what the platform's Retry-After asked (a throttled app pauses the
 * whole channel); after maxAttempts the notification is DEAD (listed for the operator).
 * The loop looks at the outbox every intervalMs, at once again after a full batch (a
 * backlog), and at once when a wake source rings: this process committed something
 * (core.outbox.onReady), or another process did (LISTEN/NOTIFY, outbox-listener.ts).
 */
export type { DeliveryChannel };
export { CannotDeliver, RetryLater };

export interface DeliveryWorker {
  /** Claims one batch and delivers it; returns how many were delivered. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the loop and waits for the batch in flight. */
  stop(): Promise<void>;
}

/** Something that rings when the outbox has news; returns the unsubscribe function. */
export type WakeSource = (listener: () => void) => () => void;

/** A channel skipped because its platform paused the app: the notification waits, its attempt not counted. */
class Paused extends RetryLater {}

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 10 * 60_000);
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * How many notifications are delivered at once when nothing else is said: enough to hide
 * each platform call's round trip, few enough that delivery never holds most of the
 * database pool (10 connections) that the requests people wait on share with it.
 */
export const DEFAULT_CONCURRENCY = 4;

export function createDeliveryWorker(options: {
  core: Core;
  clock: Clock;
  logger: Logger;
  channels: DeliveryChannel[];
  intervalMs: number;
  maxAttempts: number;
  batchSize?: number;
  leaseMs?: number;
  concurrency?: number;
  /** Besides core.outbox.onReady (always): e.g. the LISTEN connection of outbox-listener.ts. */
  wakeSources?: WakeSource[];
}): DeliveryWorker {
  const log = options.logger.child({ module: "delivery" });
  const { core, clock } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  const batchSize = options.batchSize ?? 50;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  /** A ring that came while a batch was running: claim again as soon as it ends. */
  let rungWhileRunning = false;
  /** More may be waiting behind a full batch. */
  let lastBatchFull = false;
  let unsubscribe: (() => void)[] = [];
  /** A channel whose platform throttled the app: nothing goes through it before this time. */
  const pausedUntil = new Map<string, number>();

  /** Every channel is tried even when one fails (receipts skip what went out); the first failure decides what happens next. */
  async function throughChannels(row: ClaimedNotification): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (const channel of options.channels) {
      try {
        const paused = (pausedUntil.get(channel.name) ?? 0) - clock.now().getTime();
        if (paused > 0) throw new Paused(`${channel.name} is paused: the platform asked the app to wait`, paused);
        await channel.deliver(row);
      } catch (error) {
        if (error instanceof RetryLater && error.wholeChannel) {
          pausedUntil.set(channel.name, Math.max(pausedUntil.get(channel.name) ?? 0, clock.now().getTime() + error.retryAfterMs));
        }
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /** Delivers one notification; on failure returns when it may be tried again. */
  async function deliver(row: ClaimedNotification): Promise<{ ok: true } | { ok: false; retryAt: Date }> {
    try {
      await throughChannels(row);
      await core.outbox.markDelivered(row.id);
      return { ok: true };
    } catch (error) {
      const wait = error instanceof RetryLater ? error.retryAfterMs : backoffMs(row.attempts);
      const retryAt = new Date(clock.now().getTime() + wait);
      // Paused (the whole channel, or its one destination): nothing was tried, so no attempt is counted.
      if (error instanceof Paused || error instanceof DestinationPaused) {
        await core.outbox.defer(row.id, retryAt);
        return { ok: false, retryAt };
      }
      const outcome = await core.outbox.markFailed(row, {
        error: error instanceof Error ? error.message : String(error),
        retryAt,
        maxAttempts: error instanceof CannotDeliver ? 0 : options.maxAttempts,
      });
      // The notification stays in the outbox (or is DEAD for the operator), so going on with the batch is safe.
      log.warn({ err: error, notificationId: row.id, event: row.event, attempts: row.attempts, outcome, retryInMs: wait }, "delivery failed");
      return { ok: false, retryAt };
    }
  }

  /** One case's notifications in order; after a failure the rest wait behind it, their attempt not counted. */
  async function deliverInOrder(rows: ClaimedNotification[]): Promise<number> {
    let delivered = 0;
    for (const [i, row] of rows.entries()) {
      const result = await deliver(row);
      if (result.ok) {
        delivered += 1;
        continue;
      }
      for (const later of rows.slice(i + 1)) await core.outbox.defer(later.id, result.retryAt);
      break;
    }
    return delivered;
  }

  async function runOnce(): Promise<number> {
    lastBatchFull = false; // a failed claim must not spin the loop
    const batch = await core.outbox.claim(batchSize, options.leaseMs ?? 60_000);
    lastBatchFull = batch.length === batchSize;
    // The batch is oldest first, so each case's queue is too.
    const queues = new Map<string, ClaimedNotification[]>();
    for (const row of batch) {
      const key = row.caseId ?? row.id;
      queues.set(key, [...(queues.get(key) ?? []), row]);
    }
    const pending = [...queues.values()];
    let delivered = 0;
    const lane = async () => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        // Awaited first, then added: `delivered += await ...` would add to the total read before the wait, losing the other lanes' counts.
        const count = await deliverInOrder(next);
        delivered += count;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, lane));
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
      if (unsubscribe.length === 0) unsubscribe = [core.outbox.onReady, ...(options.wakeSources ?? [])].map((source) => source(wake));
      timer = setTimeout(tick, options.intervalMs);
    },
    stop: async () => {
      stopped = true;
      for (const off of unsubscribe) off();
      unsubscribe = [];
      clearTimeout(timer);
      await running;
    },
  };
}
