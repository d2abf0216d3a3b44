import type { EmailPreferenceView } from "../core/email-preferences.ts";
import type { HeldDecision, HeldEmail } from "../core/inbound-email.ts";
import type { Block, MessageCard } from "./model.ts";
import { buildConfirmation } from "./notices.ts";

/** What each email preference means, in the contact's words. */
export const EMAIL_UPDATES_LABEL: Record<EmailPreferenceView["emailUpdates"], string> = {
  AUTO: "Email when no chat thread of yours follows the case (the default)",
  ALWAYS: "Email for every update, even when you follow the case in chat",
  CHAT_ONLY: "Chat only: no case email",
};

/** A contact's email preference, as set or as asked for, with how to change it. */
export function buildEmailPreferenceCard(view: EmailPreferenceView, changed: boolean): MessageCard {
  const card = buildConfirmation(changed ? "Email preference saved" : "Your email preference", `${EMAIL_UPDATES_LABEL[view.emailUpdates]}.`);
  card.blocks.push({ type: "context", text: `Case updates for ${view.email}. Change it with: email on (always) · email off (chat only) · email auto.` });
  return card;
}

/** As many held emails as a chat card shows (four Slack blocks each: 42, under Slack's 50). */
const HELD_SHOWN = 10;
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const snippet = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Staff's list of email replies held for a decision: who sent it, to which case, why it
 * was held, whom releasing writes it as, and its Release and Discard buttons.
 */
export function buildHeldEmailList(held: HeldEmail[]): MessageCard {
  const shown = held.slice(0, HELD_SHOWN);
  const blocks: Block[] = [
    { type: "heading", text: "Held email" },
    {
      type: "context",
      text: held.length === 0 ? "No email reply is waiting for a decision." : `${held.length} ${held.length === 1 ? "reply waits" : "replies wait"} for a decision, newest first${held.length > shown.length ? ` (the ${shown.length} newest shown; npm run cli -- email held list for all)` : ""}.`,
    },
  ];
  for (const h of shown) {
    const files = h.attachments.length ? ` · ${h.attachments.length === 1 ? "1 file" : `${h.attachments.length} files`}` : "";
    blocks.push({ type: "labelled", label: `${h.caseNumber ? `Case ${h.caseNumber}` : "No case"} · from ${h.fromAddress} · ${when(h.receivedAt)}${files}`, text: snippet(`${h.subject}\n${h.body}`, 500) });
    blocks.push({ type: "context", text: snippet(`Held: ${h.reason ?? "no reason recorded"}${h.claimed ? ` Releasing writes it as ${h.claimed.name} <${h.claimed.email}>.` : " Nobody is claimed: release it from the CLI with --person."}`, 500) });
    blocks.push({
      type: "actions",
      actions: [
        ...(h.caseNumber && h.claimed ? [{ id: "email.release" as const, label: `Release as ${snippet(h.claimed.name, 40)}`, value: h.id, style: "primary" as const }] : []),
        { id: "email.discard", label: "Discard", value: h.id, style: "danger" },
      ],
    });
  }
  return { surface: "message", summary: `Held email: ${held.length}`, blocks };
}

/** What staff see after releasing or discarding a held email. */
export function buildHeldDecision(decision: HeldDecision): MessageCard {
  if (decision.outcome === "DROPPED") return buildConfirmation("Email discarded", "It stays on record as discarded and never becomes a comment.");
  const problems = decision.problems.length ? ` Not attached: ${decision.problems.join(" ")}` : "";
  return buildConfirmation(`Email released to case ${decision.caseNumber}`, `It is a comment by ${decision.author?.name ?? "the chosen person"} now.${problems}`);
}

/**
 * Posted to the triage channel when a reply is held: who sent it, to which case, why, and
 * whom a release writes it as, with Release and Discard (the core checks the presser is staff).
 */
export function buildHeldEmailAlert(p: { heldId: string; caseNumber: string | null; from: string; subject: string; reason: string | null; claimed: string | null }): MessageCard {
  const title = p.caseNumber ? `Email reply held: case ${p.caseNumber}` : "Email reply held: no such case";
  const blocks: Block[] = [
    { type: "heading", text: title },
    { type: "labelled", label: `From ${p.from}`, text: snippet(p.subject, 300) },
    { type: "context", text: snippet(`Held: ${p.reason ?? "no reason recorded"}${p.claimed ? ` Releasing writes it as ${p.claimed}.` : " Nobody is claimed: release it from the CLI with --person."}`, 500) },
    {
      type: "actions",
      actions: [
        ...(p.caseNumber && p.claimed ? [{ id: "email.release" as const, label: `Release as ${snippet(p.claimed, 40)}`, value: p.heldId, style: "primary" as const }] : []),
        { id: "email.discard", label: "Discard", value: p.heldId, style: "danger" },
      ],
    },
  ];
  return { surface: "message", summary: `${title}, from ${p.from}`, blocks };
}
