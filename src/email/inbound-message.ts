import { createHash } from "node:crypto";
import type { AddressObject, ParsedMail } from "mailparser";
import type { NewAttachment } from "../core/attachments/attachments.ts";
import type { InboundEmailInput } from "../core/inbound-email.ts";
import { automaticReason } from "./automatic.ts";
import { replyText } from "./reply-text.ts";
import { ccMatches, type TokenClaim } from "./reply-token.ts";

/**
 * A parsed email, addressed to a verified reply token, turned into what the core takes:
 * the sender, the reply's own text (quotes and signature off; an HTML-only message is
 * made text by mailparser's html-to-text, so no markup or script reaches a comment),
 * the files, and whether a machine sent it.
 */
const COMMENT_MAX = 30_000;

function firstAddress(field: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  for (const group of list) for (const a of group.value) if (a.address) return a.address.toLowerCase();
  return "";
}

/** Text PostgreSQL can store (no NUL, no half surrogate), cut to a length. */
function storable(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  // A cut may split a surrogate pair; a lone half is replaced, as PostgreSQL cannot store it.
  // eslint-disable-next-line no-control-regex
  return cut.replace(/\u0000/g, "").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function headerText(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "object" && "value" in value && typeof value.value === "string") return value.value;
  if (typeof value === "object" && "text" in value && typeof value.text === "string") return value.text;
  return String(value);
}

/**
 * The message's identity for "stored once": its Message-ID, or, when a sender left it
 * out, a digest of what identifies this message (so a redelivery still matches).
 */
export function messageKey(mail: ParsedMail, raw: { from: string; date: string; text: string }): string {
  if (mail.messageId) return storable(mail.messageId, 998);
  return `sha256:${createHash("sha256").update(`${raw.from}\n${raw.date}\n${mail.subject ?? ""}\n${raw.text}`).digest("hex")}`;
}

export function toInbound(mail: ParsedMail, claim: TokenClaim, envelopeFrom: string): { input: InboundEmailInput; files: NewAttachment[] } {
  const from = firstAddress(mail.from);
  const subject = storable(mail.subject ?? "", 998);
  const fullText = mail.text ?? "";
  const automatic = automaticReason({
    header: (name) => headerText(mail, name),
    envelopeFrom: envelopeFrom.toLowerCase(),
    fromAddress: from,
    subject,
    contentType: (headerText(mail, "content-type") ?? "").split(";")[0]!.trim(),
  });
  // Inline images of an HTML signature (logos) are part of the layout, not files the customer sent.
  const files = mail.attachments
    .filter((a) => !(a.related && a.contentDisposition === "inline"))
    .map((a) => ({ name: a.filename ?? "attachment", contentType: a.contentType, content: a.content }));
  const recipient = claim.kind === "person" ? { kind: "person" as const, personId: claim.personId } : { kind: "cc" as const, address: ccMatches(claim, from) ? from : null };
  return {
    input: {
      messageId: messageKey(mail, { from, date: mail.date?.toISOString() ?? "", text: fullText }),
      caseNumber: claim.caseNumber,
      recipient,
      from: storable(from, 320),
      subject,
      body: storable(replyText(fullText), COMMENT_MAX),
      automatic: automatic ? storable(automatic, 300) : null,
    },
    files,
  };
}
