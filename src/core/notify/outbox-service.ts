import type { CoreDeps } from "../deps.ts";
import {
  claimNotifications,
  deferNotification,
  deliverOnce,
  listNotifications,
  markDelivered,
  markFailed,
  retryNotifications,
} from "./deliveries.ts";
import type { ClaimedNotification } from "./events.ts";
import type { OutboxBell } from "./outbox.ts";

type OutboxStatus = "pending" | "failed" | "dead" | "delivered";

/** The outbox's delivery side, for the delivery workers, their channels and the operator. */
export interface Outbox {
  /** Claims up to `limit` due notifications for `leaseMs`, parsed; unreadable ones are DEAD at once. */
  claim(limit: number, leaseMs: number): Promise<ClaimedNotification[]>;
  markDelivered(id: string): Promise<void>;
  markFailed(row: Pick<ClaimedNotification, "id" | "attempts">, options: { error: string; retryAt: Date; maxAttempts: number }): Promise<"retry" | "dead">;
  /** Puts a claimed notification back until `until`, its attempt not counted (it waits behind an earlier one of its case). */
  defer(id: string, until: Date): Promise<void>;
  /** Sends to one destination once per notification; a retry skips destinations already reached. */
  once(notificationId: string, target: string, send: () => Promise<string | undefined>): Promise<{ status: "sent" | "already"; externalId: string | null }>;
  list(status: OutboxStatus, limit?: number): ReturnType<typeof listNotifications>;
  retry(options: { id?: string; dead?: boolean }): Promise<number>;
  /** Called (in this process) after a change commits whose notification someone is waiting for; returns the unsubscribe function. */
  onReady(listener: () => void): () => void;
}

export function createOutbox(deps: CoreDeps, bell: OutboxBell): Outbox {
  const now = () => deps.clock.now();
  return {
    claim: (limit, leaseMs) => claimNotifications(deps.prisma, { now: now(), limit, leaseMs, logger: deps.logger }),
    markDelivered: (id) => markDelivered(deps.prisma, id, now()),
    markFailed: (row, options) => markFailed(deps.prisma, row, options),
    defer: (id, until) => deferNotification(deps.prisma, id, until),
    once: (notificationId, target, send) => deliverOnce(deps.prisma, notificationId, target, now, send),
    list: (status, limit = 50) => listNotifications(deps.prisma, { status, limit }),
    retry: (options) => retryNotifications(deps.prisma, { ...options, now: now() }),
    onReady: (listener) => bell.subscribe(listener),
  };
}
