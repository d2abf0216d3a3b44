import nodemailer, { type Transporter } from "nodemailer";
import * as cards from "../cards/index.ts";
import type { Core } from "../core/index.ts";
import type { NotificationRow } from "../core/notify/deliveries.ts";
import type { Logger } from "../logger.ts";
import { commentCard, notice, type Payload } from "../adapters/shared/delivery-messages.ts";
import type { DeliveryChannel } from "./worker.ts";

/**
 * Email to a case's CC addresses ("copied on every update"): public comments and the
 * changes a customer hears about, as plain text, with the case's subject as the
 * title. One message per notification, sent once (a receipt), never internal notes,
 * never credentials.
 */
const CUSTOMER_EVENTS = new Set(["case.filed", "case.comment", "case.pending", "case.reminder", "case.closed", "case.reopened", "case.severity_changed", "case.status_changed", "case.escalated", "case.partner_handoff"]);

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

export function createEmailDelivery(options: { core: Core; smtpUrl: string; from: string; logger: Logger; transport?: Transporter }): DeliveryChannel {
  const { core } = options;
  const transport = options.transport ?? nodemailer.createTransport(options.smtpUrl);
  const log = options.logger.child({ module: "delivery/email" });

  async function message(n: NotificationRow): Promise<cards.MessageCard | undefined> {
    const p = (n.payload ?? {}) as Payload;
    const view = await core.cases.viewForAudience(n.caseId!, "CUSTOMER");
    switch (n.event) {
      case "case.comment": {
        // The customers' view has no internal notes, so an internal one is simply not found.
        const comment = view.comments.find((c) => c.id === p.commentId);
        return comment ? commentCard(view, comment) : undefined;
      }
      case "case.pending": {
        const question = view.comments.find((c) => c.id === p.commentId)?.body ?? "";
        return cards.buildNotice({ title: `Support needs your response on case ${view.number}`, text: question });
      }
      case "case.filed":
        return cards.buildNotice({ title: `Case ${view.number} was filed`, text: `${view.contact.name} filed "${view.subject}" (${view.severity}). You are copied on its updates.` });
      case "case.escalated":
        return cards.buildNotice({ title: `Escalation of case ${view.number} received`, text: `Next update: ${String(p.acknowledgement)}.` });
      default: {
        const text = notice(n.event, p);
        return text ? cards.buildNotice(text) : undefined;
      }
    }
  }

  return {
    name: "email",
    deliver: async (n) => {
      if (!n.caseId || !CUSTOMER_EVENTS.has(n.event)) return;
      const view = await core.cases.viewForAudience(n.caseId, "CUSTOMER");
      if (view.cc.length === 0) return;
      const card = await message(n);
      if (!card) return;
      await core.outbox.once(n.id, "email:cc", async () => {
        const info = await transport.sendMail({
          from: options.from,
          to: view.cc,
          subject: `[Case ${view.number}] ${view.subject}`,
          text: `${cardText(card)}\n\n--\nYou are copied on case ${view.number} of ${view.account.name}.`,
        });
        log.debug({ notificationId: n.id, messageId: info.messageId }, "emailed cc");
        return info.messageId;
      });
    },
  };
}
