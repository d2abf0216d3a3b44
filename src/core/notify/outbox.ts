import { randomUUID } from "node:crypto";
import { z } from "zod";
import { caseOriginSchema } from "../cases/schemas.ts";
import type { Tx } from "../db/tx.ts";

/**
 * Events the delivery workers fan out to chat threads, DMs, channels and email.
 * Payloads carry ids and display text only; never credentials.
 */
export type NotificationEvent =
  | "case.filed"
  | "case.comment"
  | "case.status_changed"
  | "case.severity_changed"
  | "case.assigned"
  | "case.pending"
  | "case.reminder"
  | "case.closed"
  | "case.reopened"
  | "case.recommend_close"
  | "case.escalated"
  | "case.partner_handoff";

/**
 * A new case: what the triage card needs, and where the customer asked (their card
 * is posted there). `origin` is absent on cases filed elsewhere (CLI, portal) and on
 * notifications written before it existed.
 */
export const caseFiledPayloadSchema = z.object({
  number: z.string(),
  subject: z.string(),
  severity: z.string(),
  by: z.enum(["staff", "customer"]),
  origin: caseOriginSchema.nullish(),
});
export type CaseFiledPayload = z.infer<typeof caseFiledPayloadSchema>;

/** Payloads with a schema are checked when written and parsed when read back: our own outbox is a boundary too. */
const PAYLOAD_SCHEMAS = { "case.filed": caseFiledPayloadSchema } satisfies Partial<Record<NotificationEvent, z.ZodType>>;

/** A case.filed payload as the worker reads it back; a malformed one throws (the notification is retried, then DEAD). */
export function readCaseFiledPayload(payload: unknown): CaseFiledPayload {
  return caseFiledPayloadSchema.parse(payload);
}

/** Written in the transaction of the change that causes it; a worker delivers it later. */
export async function enqueueNotification(
  tx: Tx,
  input: { caseId: string; event: NotificationEvent; payload: Record<string, unknown>; at: Date },
): Promise<string> {
  const id = randomUUID();
  const schema = (PAYLOAD_SCHEMAS as Partial<Record<NotificationEvent, z.ZodType>>)[input.event];
  const payload = schema ? schema.parse(input.payload) : input.payload;
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
