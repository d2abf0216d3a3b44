import type { CaseView } from "../core/cases/presenter.ts";
import type { NotificationBody } from "../core/notify/events.ts";
import type { ReplyTarget } from "./reply-token.ts";

/**
 * Who is emailed a case's public update: the case's contact by their preference (AUTO,
 * the default: unless a customer chat thread follows the case, they read it there;
 * ALWAYS; CHAT_ONLY: never), and every CC address that has not unsubscribed. Nobody is
 * emailed their own comment. Each recipient is
 * its own message (its own reply address), delivered once under its own outbox target.
 */
export interface EmailRecipient {
  /** The outbox target (core.outbox.once): one per recipient, so a retry skips those reached. */
  target: string;
  address: string;
  /** Whom its reply address names. */
  replyAs: ReplyTarget;
}

export interface RecipientFacts {
  contactFollowsInChat: boolean;
  contactPreference: "AUTO" | "ALWAYS" | "CHAT_ONLY";
  /** Addresses that unsubscribed (lower case). */
  optedOut: ReadonlySet<string>;
}

export function emailRecipients(n: NotificationBody, view: CaseView, options: RecipientFacts): EmailRecipient[] {
  const caseNumber = Number(view.number);
  // The comment's author, when the update is a comment: they wrote it, they need no copy.
  const authorId = n.event === "case.comment" ? view.comments.find((c) => c.id === n.payload.commentId)?.author?.id : undefined;
  const authorIsContact = authorId !== undefined && authorId === view.contact.id;
  const contactAddress = view.contact.email.toLowerCase();
  const out: EmailRecipient[] = [];
  const wantsEmail = options.contactPreference === "ALWAYS" || (options.contactPreference === "AUTO" && !options.contactFollowsInChat);
  if (wantsEmail && !authorIsContact) {
    out.push({ target: "email:contact", address: contactAddress, replyAs: { caseNumber, kind: "person", personId: view.contact.id } });
  }
  for (const raw of view.cc) {
    const address = raw.toLowerCase();
    // The contact's own address on the CC list follows the contact's choice, not the CC list's.
    if (address === contactAddress || options.optedOut.has(address) || out.some((r) => r.address === address)) continue;
    out.push({ target: `email:cc:${address}`, address, replyAs: { caseNumber, kind: "cc", address } });
  }
  return out;
}
