import type { EmailUpdates } from "../generated/prisma/client.ts";
import type { Core, Ctx } from "../core/index.ts";
import { table } from "./format.ts";

/**
 * `email preference ADDRESS [email|chat|auto]` and `email held list|show|release|discard`:
 * a contact's email preference, and the email replies held for staff (a sender that did
 * not match the reply address, a CC address that is no contact), as the operator. The
 * core checks the rights and audits every decision, as it does for staff in chat.
 */
export const EMAIL_HELP = `  email preference ADDRESS               a contact's email preference
  email preference ADDRESS email|chat|auto   email: every update by email; chat: chat only; auto: email unless a chat thread follows
  email held list                        email replies held for a decision, newest first
  email held show ID                     one held reply in full
  email held release ID [--person ID | --email ADDRESS]   make it a comment (by the contact it claimed, or the person named)
  email held discard ID                  keep it on record as discarded; it never becomes a comment`;

const CHOICES: Record<string, EmailUpdates> = { email: "ALWAYS", always: "ALWAYS", on: "ALWAYS", chat: "CHAT_ONLY", "chat-only": "CHAT_ONLY", off: "CHAT_ONLY", auto: "AUTO", default: "AUTO" };
const MEANING: Record<EmailUpdates, string> = {
  AUTO: "email when no chat thread of theirs follows the case (default)",
  ALWAYS: "every update by email",
  CHAT_ONLY: "chat only, no case email",
};

export async function emailCommand(core: Core, operator: Ctx, args: string[], v: { person?: string; email?: string }): Promise<{ text: string; unknown?: boolean } & Record<string, unknown>> {
  const [what, verb, third] = args;
  if (what === "preference") {
    const address = verb ?? "";
    if (!address) return { text: EMAIL_HELP, unknown: true };
    if (third === undefined) {
      const view = await core.email.preferences.get(operator, { email: address });
      return { ...view, text: `${view.name} <${view.email}>: ${MEANING[view.emailUpdates]}.` };
    }
    const choice = CHOICES[third.toLowerCase()];
    if (!choice) return { text: `Choose email, chat or auto (not ${third}).\n${EMAIL_HELP}`, unknown: true };
    const view = await core.email.preferences.set(operator, { email: address, emailUpdates: choice });
    return { ...view, text: `${view.name} <${view.email}>: ${MEANING[view.emailUpdates]} (saved).` };
  }
  if (what === "held") {
    switch (verb) {
      case "list":
      case undefined: {
        const held = await core.email.inbound.held(operator, { limit: 200 });
        const rows = held.map((h) => ({
          id: h.id,
          case: h.caseNumber ?? "-",
          from: h.fromAddress,
          received: `${h.receivedAt.toISOString().slice(0, 16)}Z`,
          claims: h.claimed ? h.claimed.email : "-",
          files: h.attachments.length,
          reason: h.reason ?? "",
        }));
        return { held, text: held.length ? `${table(rows, ["id", "case", "from", "received", "claims", "files", "reason"])}\n${held.length} held` : "No email reply is held." };
      }
      case "show": {
        const h = await core.email.inbound.heldOne(operator, third ?? "");
        const files = h.attachments.map((f) => `  ${f.name} (${f.contentType}, ${f.size} bytes${f.kept === false ? ", not kept: too large" : ""})`);
        return {
          held: h,
          text: [
            `Held email ${h.id}`,
            `  case      ${h.caseNumber ?? "-"}`,
            `  from      ${h.fromAddress}`,
            `  claims    ${h.claimed ? `${h.claimed.name} <${h.claimed.email}>` : "nobody carebot knows"}`,
            `  received  ${h.receivedAt.toISOString()}`,
            `  held      ${h.reason ?? ""}`,
            `  subject   ${h.subject}`,
            ...(files.length ? ["  files", ...files] : []),
            "",
            h.body,
          ].join("\n"),
        };
      }
      case "release": {
        const r = await core.email.inbound.release(operator, { id: third ?? "", personId: v.person, email: v.email });
        const problems = r.problems.length ? ` Not attached: ${r.problems.join(" ")}` : "";
        return { ...r, text: `Released to case ${r.caseNumber}: a comment by ${r.author?.name ?? "?"} now.${problems}` };
      }
      case "discard": {
        const r = await core.email.inbound.discard(operator, third ?? "");
        return { ...r, text: "Discarded: kept on record, never a comment." };
      }
    }
  }
  return { text: EMAIL_HELP, unknown: true };
}
