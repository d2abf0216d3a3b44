import { z } from "zod";
import { caseOriginSchema } from "../cases/schemas.ts";
import { SATISFACTION_NOTIFICATION_PAYLOADS } from "../satisfaction/events.ts";
import { SLA_NOTIFICATION_PAYLOADS } from "../sla/events.ts";

/**
 * The outbox's events, one zod schema each: the single source of their payload types.
 * A payload is checked when written (enqueueNotification) and parsed once when a
 * worker claims it (parseNotification); our own outbox is a boundary too, since rows
 * outlive the code that wrote them. Payloads carry ids and display text only, never
 * credentials. Every key is what the writers in src/core/cases send today.
 *
 * Adding an event: one entry here, then the compiler asks for one case in the exhaustive
 * switch of src/cards/notices.ts (eventNotices: what it says, to customers or staff).
 * Chat threads, DMs and CC email then follow from that; a case in deliverVia
 * (src/adapters/shared/chat-delivery.ts) is needed only for an event that must also
 * reach a channel (triage, on-call, a partner's), as escalations do.
 */
const caseRef = { number: z.string(), subject: z.string() };
const statusMove = { from: z.string(), to: z.string() };

export const NOTIFICATION_PAYLOADS = {
  /**
   * A new case: what the triage card needs, and where the customer asked (their card is
   * posted there). `origin` is absent on cases filed elsewhere (CLI, portal) and on
   * notifications written before it existed.
   */
  "case.filed": z.object({ ...caseRef, severity: z.string(), by: z.enum(["staff", "customer"]), origin: caseOriginSchema.nullish() }),
  /** `originThread`: the chat thread the comment came from, which must not hear it back. */
  "case.comment": z.object({
    ...caseRef,
    commentId: z.string(),
    internal: z.boolean(),
    author: z.string(),
    source: z.string(),
    originThread: z.object({ platform: z.enum(["slack", "teams"]), channelId: z.string(), threadId: z.string() }).nullish(),
  }),
  "case.status_changed": z.object({ ...caseRef, ...statusMove }),
  "case.reopened": z.object({ ...caseRef, ...statusMove }),
  "case.severity_changed": z.object({ ...caseRef, ...statusMove, reason: z.string().nullish(), commentId: z.string().nullish() }),
  "case.assigned": z.object({ ...caseRef, owner: z.string(), status: z.string().optional() }),
  "case.pending": z.object({ ...caseRef, commentId: z.string().nullish(), from: z.string().optional(), to: z.string().optional(), author: z.string().optional() }),
  "case.reminder": z.object({ ...caseRef, pendingSince: z.string().optional(), closesAfterDays: z.number() }),
  /**
   * `reopenWindowDays`: what was promised when the case closed; a close by staff written
   * without it is told the catalog's window.
   */
  "case.closed": z.object({
    ...caseRef,
    reason: z.string(),
    reasonLabel: z.string(),
    note: z.string().nullish(),
    automatic: z.boolean().optional(),
    reopenWindowDays: z.number().int().positive().optional(),
  }),
  "case.recommend_close": z.object({ ...caseRef, note: z.string().nullish(), by: z.string() }),
  "case.escalated": z.object({
    ...caseRef,
    escalationId: z.string(),
    reason: z.string(),
    reasonLabel: z.string(),
    description: z.string(),
    severity: z.string(),
    acknowledgement: z.string(),
    route: z.enum(["management", "on-call"]),
    by: z.string(),
  }),
  "case.partner_handoff": z.object({ ...caseRef, partnerId: z.string(), partner: z.string(), channel: z.string().nullish(), note: z.string().nullish() }),
  /**
   * Files shared on a chat platform (a Slack thread, a Slack form's file input) that
   * carebot has still to fetch: recorded when the message or form is stored, so the ack
   * never waits for a download and a crash loses nothing; the platform's file channel
   * fetches them with the workspace's token and attaches them (src/adapters/slack/files.ts).
   * `key` makes asking twice (a redelivered event) one notification; `thread` is where the
   * sender is told about a refused file. A Teams file (src/adapters/teams/file-fetcher.ts)
   * also carries where its bytes are: `url`, the short-lived download link Teams sent
   * (a pre-authenticated OneDrive link, or an inline image on the Bot Connector, `inline`,
   * whose `serviceUrl` the message came from); Slack's are found by id (files.info).
   * The one exception to "never credentials": a OneDrive link authorises its own download
   * for a short while, and only the outbox row can carry it from the turn to the fetch.
   */
  "case.files_shared": z.object({
    ...caseRef,
    key: z.string().max(2000),
    commentId: z.string().nullish(),
    from: z.object({ platform: z.enum(["slack", "teams"]), tenantId: z.string(), userId: z.string() }),
    files: z
      .array(z.object({ id: z.string().max(255), name: z.string().max(1000).nullish(), url: z.string().max(4000).nullish(), contentType: z.string().max(255).nullish(), inline: z.boolean().nullish() }))
      .min(1)
      .max(50),
    thread: z.object({ channelId: z.string(), threadId: z.string() }).nullish(),
    serviceUrl: z.string().max(2000).nullish(),
  }),
  /**
   * About no case (issue 13, src/core/accounts/identity-claims.ts): a one-time code to email
   * to a contact's address on file, and a request that staff confirm who a chat user is
   * (a card with Approve and Decline in the triage channel). The code itself is never in a
   * payload: the email delivery opens it, sealed, by the claim's id.
   */
  "identity.code": z.object({ claimId: z.string() }),
  "identity.approval_requested": z.object({
    claimId: z.string(),
    platform: z.enum(["slack", "teams"]),
    tenantId: z.string(),
    userId: z.string(),
    channelId: z.string(),
    account: z.string(),
    typed: z.string(),
    contact: z.string().nullish(),
  }),
  /**
   * An emailed reply held for staff (src/core/inbound-email.ts): a card with Release and
   * Discard to the triage channel. About no case's threads: the customer never hears of it.
   */
  "email.held": z.object({ heldId: z.string(), caseNumber: z.string().nullable(), from: z.string(), subject: z.string(), reason: z.string().nullable(), claimed: z.string().nullable() }),
  /** Service-level warnings and breaches (src/core/sla): the owner or triage is warned, on-call or management alerted. */
  ...SLA_NOTIFICATION_PAYLOADS,
  /** The satisfaction survey of a closed case (src/core/satisfaction): to its contact, once. */
  ...SATISFACTION_NOTIFICATION_PAYLOADS,
} as const satisfies Record<string, z.ZodType>;

export type NotificationEvent = keyof typeof NOTIFICATION_PAYLOADS;
export type NotificationPayload<E extends NotificationEvent> = z.infer<(typeof NOTIFICATION_PAYLOADS)[E]>;

/** An event with its payload, discriminated by `event`: a switch over it narrows the payload. */
export type NotificationBody = { [E in NotificationEvent]: { event: E; payload: NotificationPayload<E> } }[NotificationEvent];

/** A notification as a worker holds it after claiming it: parsed, with what delivery must know about its case. */
export type ClaimedNotification = NotificationBody & {
  id: string;
  caseId: string | null;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
  /** The case belongs to demo data: it may reach the local playground, never a real destination. */
  demo: boolean;
};

export function isNotificationEvent(event: string): event is NotificationEvent {
  return Object.hasOwn(NOTIFICATION_PAYLOADS, event);
}

/** Checks an event's payload against its schema; throws a ZodError (or an Error for an unknown event). */
export function parseNotificationBody(event: string, payload: unknown): NotificationBody {
  if (!isNotificationEvent(event)) throw new Error(`unknown outbox event "${event}"`);
  return { event, payload: NOTIFICATION_PAYLOADS[event].parse(payload) } as NotificationBody;
}

/** For the compiler: a switch over every event ends here only when one was forgotten. */
export function unhandledEvent(body: never): never {
  throw new Error(`unhandled outbox event ${JSON.stringify((body as { event?: unknown }).event)}`);
}
