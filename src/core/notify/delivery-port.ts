import type { ClaimedNotification } from "./events.ts";

/**
 * The port between the outbox and the places it delivers to (Slack, Teams, email).
 * It lives beside the outbox, in the core, so the adapters that implement it and the
 * worker that drives it both depend on the core and never on each other.
 */
export interface DeliveryChannel {
  /** "slack", "teams", "email": names the channel in logs and keys its rate limit. */
  name: string;
  /**
   * Sends one notification everywhere this channel takes it, each destination once
   * (core.outbox.once). Throws RetryLater or CannotDeliver to say what the worker should do;
   * any other error is retried with backoff.
   */
  deliver(notification: ClaimedNotification): Promise<void>;
}

/**
 * Thrown by a channel to say when to try again (e.g. a 429's Retry-After). With
 * `wholeChannel`, the platform throttled the app itself: every delivery through the
 * channel waits, not just this notification.
 */
export class RetryLater extends Error {
  readonly wholeChannel: boolean;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown; wholeChannel?: boolean },
  ) {
    super(message, options);
    this.wholeChannel = options?.wholeChannel ?? false;
  }
}

/**
 * Thrown by a channel when the destination alone is paused (a Slack workspace that got a
 * 429, its Retry-After not yet passed): the notification waits until then, its attempt
 * not counted, while the channel's other destinations carry on.
 */
export class DestinationPaused extends RetryLater {}

/**
 * Thrown by a channel when retrying cannot help: the destination is refused for good
 * (a conversation on a host we do not trust, a workspace that removed the app). The
 * notification is DEAD at once, with the reason, for the operator to see; nothing is
 * retried against that destination.
 */
export class CannotDeliver extends Error {}
