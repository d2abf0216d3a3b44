import type { Catalog } from "../core/catalog.ts";
import type { CaseView } from "../core/cases/presenter.ts";
import { labelledFieldMessage, type CaseError } from "../core/errors.ts";
import { unhandledEvent, type NotificationBody, type NotificationPayload } from "../core/notify/events.ts";
import type { MessageCard, Tone } from "./model.ts";

/** Confirmations, errors, validation messages and access guidance. */
export function buildNotice(input: { tone?: Tone; title: string; text: string; details?: string[]; reference?: string }): MessageCard {
  return {
    surface: "message",
    summary: `${input.title}: ${input.text}`,
    blocks: [
      { type: "heading", text: input.title },
      { type: "text", text: input.text, tone: input.tone ?? "default" },
      ...(input.details ?? []).map((d) => ({ type: "context" as const, text: d })),
      ...(input.reference ? [{ type: "context" as const, text: `Reference: ${input.reference}` }] : []),
    ],
  };
}

/** A refused request as the user sees it: the message of its code, each field's problem, a reference for unexpected ones. */
export function buildErrorNotice(error: CaseError, reference?: string): MessageCard {
  // A user of a workspace or tenant no customer account is linked to is told so, and who can link it (issue 13).
  if (error.code === "UNKNOWN_USER" && error.details.notLinked) return buildNotice({ tone: "warning", title: "Your organisation is not linked yet", text: error.message });
  // A support channel's offer to confirm who they are (src/core/accounts/identity-claims.ts) is told as it is.
  if (error.code === "UNKNOWN_USER") return error.details.offer ? buildNotice({ tone: "warning", title: "Confirm who you are", text: error.message }) : buildAccessGuidance();
  const details = Object.entries(error.fieldErrors)
    .filter(([, message]) => message !== error.message)
    .map(([field, message]) => labelledFieldMessage(field, message));
  return buildNotice({
    tone: error.code === "UNEXPECTED" ? "attention" : "warning",
    title: error.code === "VALIDATION" ? "Please check what you entered" : error.code === "UNEXPECTED" ? "Something went wrong" : "That did not work",
    text: error.message,
    details,
    reference: error.code === "UNEXPECTED" ? reference : undefined,
  });
}

export function buildAccessGuidance(): MessageCard {
  return buildNotice({
    tone: "warning",
    title: "You're not set up for support yet",
    text: "Your chat account is not linked to a contact of a customer account, so you cannot file or follow cases yet.",
    details: [
      "Ask your organisation's support administrator to add you as a contact with this email address.",
      "The number of people who may use support depends on your service package; your Customer Success Manager can add seats.",
    ],
  });
}

export function buildConfirmation(title: string, text: string): MessageCard {
  return buildNotice({ tone: "good", title, text });
}

/** Who reads a notice: customers (their threads, DMs, CC email) or support staff (staff threads). */
export type NoticeAudience = "CUSTOMER" | "STAFF";

/** One notice of an outbox event, for one audience. */
export interface EventNotice {
  audience: NoticeAudience;
  card: MessageCard;
}

const both = (card: MessageCard): EventNotice[] => [
  { audience: "CUSTOMER", card },
  { audience: "STAFF", card },
];

/**
 * What each outbox event says, to whom: built once here for chat (Slack, Teams) and
 * email alike; the channels decide only where and how to send it. `view` is the case as
 * the reader's side sees it (a customer's view has no internal notes, so an internal
 * comment has no customer notice). A new case and an escalation also reach channels
 * as cards (the triage card, escalationLabel); their notices here are for the customer.
 */
export function eventNotices(n: NotificationBody, view: CaseView, catalog: Pick<Catalog, "timers">): EventNotice[] {
  const number = "number" in n.payload ? n.payload.number : "";
  const notice = (title: string, text: string, tone?: Tone) => buildNotice({ title, text, tone });
  switch (n.event) {
    case "case.filed":
      return [{ audience: "CUSTOMER", card: notice(`Case ${view.number} was filed`, `${view.contact.name} filed "${view.subject}" (${view.severity}).`) }];
    case "case.comment": {
      const comment = view.comments.find((c) => c.id === n.payload.commentId);
      if (!comment) return [];
      const card = commentCard(view, comment);
      return comment.internal ? [{ audience: "STAFF", card }] : both(card);
    }
    case "case.pending": {
      const question = view.comments.find((c) => c.id === n.payload.commentId)?.body;
      return [
        { audience: "CUSTOMER", card: notice(`Support needs your response on case ${view.number}`, question ?? "Please reply with what support asked for.", "warning") },
        { audience: "STAFF", card: notice(`Case ${view.number} is pending the customer`, question ?? "") },
      ];
    }
    case "case.escalated":
      return [{ audience: "CUSTOMER", card: notice(`Escalation of case ${number} received`, `Next update: ${n.payload.acknowledgement}. The update itself will follow here.`) }];
    case "case.status_changed":
      return both(notice(`Case ${number} is ${n.payload.to === "IN_PROGRESS" ? "in progress" : n.payload.to.toLowerCase()}`, "Support is working on it."));
    case "case.reopened":
      return both(notice(`Case ${number} was reopened`, "Your reply reopened the case; support will pick it up."));
    case "case.closed":
      return both(notice(`Case ${number} was closed`, closedText(n.payload, catalog)));
    case "case.reminder":
      return [
        {
          audience: "CUSTOMER",
          card: notice(`Case ${number} is waiting for your response`, `Support asked you a question and is waiting. Without a reply the case closes automatically after ${n.payload.closesAfterDays} days.`),
        },
      ];
    case "case.severity_changed":
      return both(notice(`Severity of case ${number} changed from ${n.payload.from} to ${n.payload.to}`, n.payload.reason ?? ""));
    case "case.assigned":
      return [{ audience: "STAFF", card: notice(`Case ${number} is with ${n.payload.owner || "an engineer"}`, "An engineer owns the case now.") }];
    case "case.recommend_close":
      return [{ audience: "STAFF", card: notice(`Closing case ${number} was recommended`, `${n.payload.by || "The customer"} suggests closing it.${n.payload.note ? ` "${n.payload.note}"` : ""}`) }];
    case "case.partner_handoff":
      return both(notice(`Case ${number} was handed to ${n.payload.partner}`, "The certified partner answers on this case; you keep this thread."));
    case "case.files_shared":
      // A fetch still to do, nothing to tell: the files show on the case card once attached.
      return [];
    case "email.held":
    case "identity.code":
    case "identity.approval_requested":
      // About no case: emailed (src/email/identity-code.ts) or posted to triage (chat-delivery) on their own.
      return [];
    case "case.sla_warning":
    case "case.sla_breach":
      // Internal targets: staff only, never the customer.
      return [{ audience: "STAFF", card: serviceLevelNotice(n.event, n.payload) }];
    case "case.satisfaction_survey":
      // Its own delivery: buttons into customer threads only, else signed links by email to the contact (src/satisfaction).
      return [];
    case "sla.weekly_summary":
      // About no case: the management channel only (src/adapters/shared/chat-delivery.ts).
      return [];
    default:
      return unhandledEvent(n);
  }
}

const PROMISES: Record<string, string> = {
  FIRST_RESPONSE: "First response",
  REPLY: "Answer to the customer's reply",
  IN_PROGRESS: "Update while in progress",
  ESCALATION: "Update promised on escalation",
  MANAGEMENT_ESCALATION: "Update promised on a management escalation",
};

/** A service-level warning or breach: the case, the promise (what, by when) and how late it is. */
export function serviceLevelNotice(event: "case.sla_warning" | "case.sla_breach", p: NotificationPayload<"case.sla_warning">): MessageCard {
  const what = PROMISES[p.clock === "FIRST_RESPONSE" ? "FIRST_RESPONSE" : (p.promise ?? "REPLY")]!;
  const due = `${p.dueAt.slice(0, 16).replace("T", " ")} UTC`;
  const late = event === "case.sla_breach" ? `${p.minutesLate} min late` : `${p.minutesLeft} min left`;
  return buildNotice({
    tone: event === "case.sla_breach" ? "attention" : "warning",
    title: `${event === "case.sla_breach" ? "Breached" : "Due soon"}: case ${p.number} (${p.severity})`,
    text: `${what} due ${due}: ${late}.`,
    details: [p.subject, p.owner ? `Owner: ${p.owner}` : "Nobody owns the case."],
  });
}

/** The reopen window is the one the case closed under (the catalog's, when the notification did not say). */
function closedText(p: NotificationPayload<"case.closed">, catalog: Pick<Catalog, "timers">): string {
  const days = p.reopenWindowDays ?? catalog.timers.reopenWindowDays;
  const reopen = `Reply within ${days} ${days === 1 ? "day" : "days"} to reopen it.`;
  return p.automatic ? `We did not hear back, so the case was closed (${p.reasonLabel}). ${reopen}` : `Reason: ${p.reasonLabel}.${p.note ? ` ${p.note}` : ""} ${reopen}`;
}

/** What an escalation's card in the on-call or management channel says above the case. */
export function escalationLabel(p: NotificationPayload<"case.escalated">): { label: string; text: string; summary: string } {
  return {
    label: `Escalated by ${p.by}: ${p.reasonLabel} (promised: ${p.acknowledgement})`,
    text: p.description,
    summary: `Escalation on case ${p.number}: ${p.reasonLabel}`,
  };
}

/** A comment as it is relayed into other threads (and CC email), with its author's name. */
export function commentCard(view: CaseView, comment: CaseView["comments"][number]): MessageCard {
  return {
    surface: "message",
    summary: `${comment.author?.name ?? "Support"} on case ${view.number}: ${comment.body}`,
    blocks: [
      { type: "labelled", label: `${comment.author?.name ?? "Support"}${comment.internal ? " · internal note" : ""}`, text: comment.body },
      { type: "context", text: `Case ${view.number} · reply in this thread to answer` },
    ],
  };
}
