import * as cards from "../../cards/index.ts";
import type { CaseView } from "../../core/cases/presenter.ts";

/**
 * What each outbox event says in a chat, and to whom: the same words in Slack and in
 * Teams. Each adapter's delivery decides only where and how to post.
 */
export type Payload = Record<string, unknown> & { number?: string; subject?: string };

export function notice(event: string, p: Payload): { title: string; text: string } | null {
  const n = p.number ?? "";
  switch (event) {
    case "case.status_changed":
      return { title: `Case ${n} is ${p.to === "IN_PROGRESS" ? "in progress" : String(p.to ?? "").toLowerCase()}`, text: "Support is working on it." };
    case "case.reopened":
      return { title: `Case ${n} was reopened`, text: "Your reply reopened the case; support will pick it up." };
    case "case.closed":
      return p.automatic
        ? { title: `Case ${n} was closed`, text: `We did not hear back, so the case was closed (${String(p.reasonLabel)}). Reply within ${String(p.reopenWindowDays)} days to reopen it.` }
        : { title: `Case ${n} was closed`, text: `Reason: ${String(p.reasonLabel)}.${p.note ? ` ${String(p.note)}` : ""} Reply within 7 days to reopen it.` };
    case "case.reminder":
      return { title: `Case ${n} is waiting for your response`, text: `Support asked you a question and is waiting. Without a reply the case closes automatically after ${String(p.closesAfterDays)} days.` };
    case "case.severity_changed":
      return { title: `Severity of case ${n} changed from ${String(p.from)} to ${String(p.to)}`, text: String(p.reason ?? "") };
    case "case.assigned":
      return { title: `Case ${n} is with ${String(p.owner ?? "an engineer")}`, text: "An engineer owns the case now." };
    case "case.recommend_close":
      return { title: `Closing case ${n} was recommended`, text: `${String(p.by ?? "The customer")} suggests closing it.${p.note ? ` "${String(p.note)}"` : ""}` };
    case "case.partner_handoff":
      return { title: `Case ${n} was handed to ${String(p.partner)}`, text: "The certified partner answers on this case; you keep this thread." };
    default:
      return null;
  }
}

/** Which audiences see an event's notice. */
export const AUDIENCE: Record<string, ("CUSTOMER" | "STAFF")[]> = {
  "case.status_changed": ["CUSTOMER", "STAFF"],
  "case.reopened": ["CUSTOMER", "STAFF"],
  "case.closed": ["CUSTOMER", "STAFF"],
  "case.reminder": ["CUSTOMER"],
  "case.severity_changed": ["CUSTOMER", "STAFF"],
  "case.assigned": ["STAFF"],
  "case.recommend_close": ["STAFF"],
  "case.partner_handoff": ["CUSTOMER", "STAFF"],
};


/** A comment as it is relayed into other threads, with its author's name. */
export function commentCard(view: CaseView, comment: CaseView["comments"][number]): cards.MessageCard {
  return {
    surface: "message",
    summary: `${comment.author?.name ?? "Support"} on case ${view.number}: ${comment.body}`,
    blocks: [
      { type: "labelled", label: `${comment.author?.name ?? "Support"}${comment.internal ? " · internal note" : ""}`, text: comment.body },
      { type: "context", text: `Case ${view.number} · reply in this thread to answer` },
    ],
  };
}
