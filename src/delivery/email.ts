import nodemailer, { type Transporter } from "nodemailer";
import type * as cards from "../cards/index.ts";
import { eventNotices } from "../cards/notices.ts";
import type { Core } from "../core/index.ts";
import type { DeliveryChannel } from "../core/notify/delivery-port.ts";
import type { ClaimedNotification } from "../core/notify/events.ts";
import type { Logger } from "../logger.ts";
import { emailRecipients } from "../email/recipients.ts";
import { replyAddress, signReplyToken, type ReplyTokenKeys } from "../email/reply-token.ts";
import { caseThreadHeaders } from "../email/threading.ts";
import { emailSurvey } from "../satisfaction/email.ts";
import { sendIdentityCode } from "../email/identity-code.ts";

/**
 * Email of a case's public updates to its contact (unless a customer chat thread follows
 * the case) and its CC addresses ("copied on every update"), src/email/recipients.ts:
 * what the customer's chat thread hears (the same words, src/cards/notices.ts), as plain
 * text, with the case's subject as the title. One message per notification and
 * recipient, each sent once (a receipt per recipient), threaded per case (Message-ID,
 * In-Reply-To, References) and, when replies are configured (docs/email.md), with a
 * Reply-To address of the recipient's own. Never internal notes (the customers' view has
 * none), never credentials, nobody their own comment, never for demo data (its addresses
 * are made up, and a CC typed into a demo case may be real).
 */
export function cardText(card: cards.MessageCard): string {
  return card.blocks
    .map((b) => {
      switch (b.type) {
        case "heading":
        case "text":
        case "context":
          return b.text;
        case "labelled":
          return `${b.label}\n${b.text}`;
        case "facts":
          return b.facts.map((f) => `${f.label}: ${f.value}`).join("\n");
        default:
          return "";
      }
    })
    .filter(Boolean)
    .join("\n\n");
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const htmlLines = (text: string) => escapeHtml(text).replace(/\r?\n/g, "<br>");

/**
 * The HTML part, drawn from the same card as the text part: every word escaped (card
 * text is plain by contract, src/cards/model.ts, so a customer's "<script>" stays text),
 * no images, no remote content, inline styles only.
 */
export function cardHtml(card: cards.MessageCard, footer: { text: string; link?: { label: string; href: string } }): string {
  const blocks = card.blocks
    .map((b) => {
      switch (b.type) {
        case "heading":
          return `<h2 style="font-size:18px;margin:0 0 12px">${htmlLines(b.text)}</h2>`;
        case "text":
          return `<p style="margin:0 0 12px">${htmlLines(b.text)}</p>`;
        case "context":
          return `<p style="margin:0 0 12px;color:#555;font-size:13px">${htmlLines(b.text)}</p>`;
        case "labelled":
          return `<p style="margin:0 0 12px"><strong>${htmlLines(b.label)}</strong><br>${htmlLines(b.text)}</p>`;
        case "facts":
          return `<table style="border-collapse:collapse;margin:0 0 12px">${b.facts.map((f) => `<tr><td style="padding:2px 12px 2px 0;color:#555">${htmlLines(f.label)}</td><td style="padding:2px 0">${htmlLines(f.value)}</td></tr>`).join("")}</table>`;
        case "divider":
          return `<hr style="border:0;border-top:1px solid #ddd">`;
        default:
          return "";
      }
    })
    .join("\n");
  const link = footer.link ? ` <a href="${escapeHtml(footer.link.href)}">${escapeHtml(footer.link.label)}</a>` : "";
  return `<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#222">${blocks}\n<p style="margin:24px 0 0;color:#777;font-size:12px;border-top:1px solid #ddd;padding-top:8px">${htmlLines(footer.text)}${link}</p></body></html>`;
}

export interface EmailReplies {
  keys: ReplyTokenKeys;
  prefix: string;
  domain: string;
  /** carebot's public address (EMAIL_LINK_BASE_URL): unsubscribe links point there. Unset: no link. */
  linkBase?: string;
}

/** The domain of our Message-IDs: the reply domain, else the From address's, so ids stay ours. */
function idDomain(from: string, replies?: EmailReplies): string {
  return replies?.domain ?? /@([a-z0-9.-]+)>?\s*$/i.exec(from)?.[1] ?? "carebot.invalid";
}

export function createEmailDelivery(options: { core: Core; smtpUrl: string; from: string; logger: Logger; transport?: Transporter; replies?: EmailReplies }): DeliveryChannel {
  const { core, replies } = options;
  const transport = options.transport ?? nodemailer.createTransport(options.smtpUrl);
  const log = options.logger.child({ module: "delivery/email" });
  const domain = idDomain(options.from, replies);

  return {
    name: "email",
    deliver: async (n: ClaimedNotification) => {
      if (!n.caseId) {
        // About no case: a chat user's one-time code, to the contact's address on file.
        if (n.event === "identity.code") await sendIdentityCode({ core, transport, from: options.from, notificationId: n.id, claimId: n.payload.claimId, logger: log });
        return;
      }
      const caseId = n.caseId;
      // The satisfaction survey: to the contact alone, with signed one-click links (src/satisfaction/email.ts).
      if (n.event === "case.satisfaction_survey") return emailSurvey({ core, transport, from: options.from, n, links: replies, logger: log });
      const view = await core.cases.viewForAudience(caseId, "CUSTOMER");
      const card = eventNotices(n, view, core.catalog).find((x) => x.audience === "CUSTOMER")?.card;
      if (!card) return;
      const [threads, choices] = await Promise.all([core.threads.threadsOf(caseId), core.email.preferences.forDelivery(view.contact.id, view.cc)]);
      const recipients = emailRecipients(n, view, {
        contactFollowsInChat: threads.some((t) => t.audience === "CUSTOMER"),
        contactPreference: choices.contact,
        optedOut: choices.optedOut,
      });
      if (recipients.length === 0) return;
      if (n.demo) {
        await core.outbox.once(n.id, "email:cc", async () => "refused: demo data is not emailed");
        log.info({ notificationId: n.id }, "demo case: email not sent");
        return;
      }
      const text = cardText(card);
      for (const r of recipients) {
        await core.outbox.once(n.id, r.target, async () => {
          const thread = caseThreadHeaders({ caseId, notificationId: n.id, recipientKey: r.target.replace(/[^a-z0-9.-]/gi, "-"), domain });
          const why = r.replyAs.kind === "person" ? `You are the contact of case ${view.number} of ${view.account.name}.` : `You are copied on case ${view.number} of ${view.account.name}.`;
          const how = replies ? " Reply to this email to answer on the case." : "";
          const unsubscribe = replies?.linkBase ? `${replies.linkBase.replace(/\/+$/, "")}/email/unsubscribe?t=${signReplyToken(replies.keys, r.replyAs, "unsubscribe")}${r.replyAs.kind === "cc" ? `&a=${encodeURIComponent(r.address)}` : ""}` : undefined;
          const stop = unsubscribe ? `\nStop these emails: ${unsubscribe}` : "";
          const info = await transport.sendMail({
            from: options.from,
            to: r.address,
            replyTo: replies ? replyAddress(replies.keys, r.replyAs, replies) : undefined,
            subject: `[Case ${view.number}] ${view.subject}`,
            text: `${text}\n\n--\n${why}${how}${stop}`,
            html: cardHtml(card, { text: `${why}${how}`, link: unsubscribe ? { label: "Stop these emails", href: unsubscribe } : undefined }),
            messageId: thread.messageId,
            inReplyTo: thread.inReplyTo,
            references: thread.references,
            // An automatic message (RFC 3834): auto-responders stay quiet, so no loop starts here.
            headers: {
              "Auto-Submitted": "auto-generated",
              // RFC 8058 one-click unsubscribe: mail programs show their own button for it.
              ...(unsubscribe ? { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {}),
            },
          });
          log.debug({ notificationId: n.id, target: r.target.startsWith("email:cc:") ? "cc" : "contact", messageId: info.messageId }, "emailed");
          return info.messageId;
        });
      }
    },
  };
}
