import nodemailer, { type Transporter } from "nodemailer";
import type * as cards from "../cards/index.ts";
import { eventNotices } from "../cards/notices.ts";
import type { Core } from "../core/index.ts";
import type { DeliveryChannel } from "../core/notify/delivery-port.ts";
import type { ClaimedNotification } from "../core/notify/events.ts";
import type { Logger } from "../logger.ts";

/**
 * Email to a case's CC addresses ("copied on every update"): what the customer's chat
 * thread hears (the same words, src/cards/notices.ts), as plain text, with the case's
 * subject as the title. One message per notification, sent once (a receipt), never
 * internal notes (the customers' view has none), never credentials, never for demo data
 * (its addresses are made up, and a CC typed into a demo case may be real).
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

export function createEmailDelivery(options: { core: Core; smtpUrl: string; from: string; logger: Logger; transport?: Transporter }): DeliveryChannel {
  const { core } = options;
  const transport = options.transport ?? nodemailer.createTransport(options.smtpUrl);
  const log = options.logger.child({ module: "delivery/email" });

  return {
    name: "email",
    deliver: async (n: ClaimedNotification) => {
      if (!n.caseId) return;
      const view = await core.cases.viewForAudience(n.caseId, "CUSTOMER");
      if (view.cc.length === 0) return;
      const card = eventNotices(n, view, core.catalog).find((x) => x.audience === "CUSTOMER")?.card;
      if (!card) return;
      if (n.demo) {
        await core.outbox.once(n.id, "email:cc", async () => "refused: demo data is not emailed");
        log.info({ notificationId: n.id }, "demo case: CC email not sent");
        return;
      }
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
