import type { Transporter } from "nodemailer";
import type { Core } from "../core/index.ts";
import type { ClaimedNotification, NotificationPayload } from "../core/notify/events.ts";
import type { FollowedThread } from "../core/follow/threads.ts";
import type { ReplyTokenKeys } from "../email/reply-token.ts";
import type { Logger } from "../logger.ts";
import { SCORE_LABELS } from "../cards/satisfaction.ts";
import { SATISFACTION_PATH } from "./route.ts";
import { signSurveyToken } from "./token.ts";

/**
 * The satisfaction survey by email: to the case's contact only (never the CC list: the
 * contact is the one asked), and only when no customer chat thread follows the case (then
 * the buttons went there) and the contact has not chosen chat only. Five signed one-click
 * links (src/satisfaction/token.ts), one per score, to carebot's public address
 * (EMAIL_LINK_BASE_URL); without a signing key or that address there is nothing to click,
 * so no email is sent (logged once per survey). Sent once (the outbox receipt
 * "email:survey"), never for demo data.
 */
export function customerThreads(threads: FollowedThread[]): FollowedThread[] {
  // A partner's support channel follows a handed-off case as a customer-side thread; it is not the customer's.
  return threads.filter((t) => t.audience === "CUSTOMER" && !t.tenantId.startsWith("partner:"));
}

export async function emailSurvey(options: {
  core: Core;
  transport: Transporter;
  from: string;
  n: ClaimedNotification & { event: "case.satisfaction_survey"; payload: NotificationPayload<"case.satisfaction_survey"> };
  links?: { keys: ReplyTokenKeys; linkBase?: string | undefined } | undefined;
  logger: Logger;
}): Promise<void> {
  const { core, n, logger } = options;
  const caseId = n.caseId;
  if (!caseId) return;
  const [view, threads] = await Promise.all([core.cases.viewForAudience(caseId, "CUSTOMER"), core.threads.threadsOf(caseId)]);
  if (customerThreads(threads).length > 0) return;
  const { contact } = await core.email.preferences.forDelivery(view.contact.id, []);
  if (contact === "CHAT_ONLY") return;
  if (n.demo) {
    await core.outbox.once(n.id, "email:survey", async () => "refused: demo data is not emailed");
    return;
  }
  const keys = options.links?.keys;
  const base = options.links?.linkBase?.replace(/\/+$/, "");
  if (!keys || !base) {
    await core.outbox.once(n.id, "email:survey", async () => {
      logger.warn({ notificationId: n.id }, "satisfaction survey not emailed: set EMAIL_TOKEN_KEY and EMAIL_LINK_BASE_URL for its signed links");
      return "refused: no signed links configured";
    });
    return;
  }
  const links = [1, 2, 3, 4, 5].map((score) => ({
    score,
    label: SCORE_LABELS[score]!,
    href: `${base}${SATISFACTION_PATH}?t=${encodeURIComponent(signSurveyToken(keys, { caseNumber: Number(view.number), personId: view.contact.id, score }))}`,
  }));
  const intro = `Case ${view.number} ("${view.subject}") is closed. How did we do? Click a rating from 1 (very poor) to 5 (excellent); you can add a comment on the page that opens.`;
  const why = `You are the contact of case ${view.number} of ${view.account.name}. Clicking another rating later replaces your answer.`;
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  await core.outbox.once(n.id, "email:survey", async () => {
    const info = await options.transport.sendMail({
      from: options.from,
      to: view.contact.email,
      subject: `[Case ${view.number}] How did we do?`,
      text: `${intro}\n\n${links.map((l) => `${l.label}: ${l.href}`).join("\n")}\n\n--\n${why}`,
      html:
        `<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#222"><p>${escape(intro)}</p><p>` +
        links.map((l) => `<a href="${escape(l.href)}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 12px;border:1px solid #888;border-radius:4px;text-decoration:none">${escape(l.label)}</a>`).join("") +
        `</p><p style="margin:24px 0 0;color:#777;font-size:12px;border-top:1px solid #ddd;padding-top:8px">${escape(why)}</p></body></html>`,
      headers: { "Auto-Submitted": "auto-generated" },
    });
    return info.messageId;
  });
}
