import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Tx } from "../db/tx.ts";
import { NOTIFICATION_PAYLOADS, type NotificationEvent } from "./events.ts";

export type { NotificationEvent };

/**
 * What a writer passes for event E: with one event named, its schema's input type; a
 * writer that picks among all events at run time (a transition table) is checked by the
 * schema when it runs.
 */
export type EnqueueInput<E extends NotificationEvent> = {
  /** Null for a notification about no case (the weekly service-level summary). */
  caseId: string | null;
  event: E;
  payload: NotificationEvent extends E ? Record<string, unknown> : z.input<(typeof NOTIFICATION_PAYLOADS)[E]>;
  at: Date;
};

/**
 * Written in the transaction of the change that causes it; a worker delivers it later.
 * The payload is checked against its event's schema here, so a writer's mistake fails
 * the change (and its test) instead of a delivery days later. Committing it wakes the
 * workers of other processes (a NOTIFY from the table's trigger, see the outbox_wake migration).
 */
export async function enqueueNotification<E extends NotificationEvent>(tx: Tx, input: EnqueueInput<E>): Promise<string> {
  const id = randomUUID();
  const payload: unknown = NOTIFICATION_PAYLOADS[input.event].parse(input.payload);
  await tx.notification.create({
    data: {
      id,
      caseId: input.caseId,
      event: input.event,
      payload: payload as object,
      availableAt: input.at,
      createdAt: input.at,
    },
  });
  return id;
}

/**
 * Rings in this process when something was committed to the outbox that a person is
 * waiting to see (a new case's card), so an in-process worker delivers it at once
 * instead of at its next interval. Other processes still find it by polling.
 */
export interface OutboxBell {
  ring(): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export function createOutboxBell(): OutboxBell {
  const listeners = new Set<() => void>();
  return {
    ring: () => {
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
