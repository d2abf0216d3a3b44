import nodemailer from "nodemailer";
import type { Attachments } from "../core/attachments/attachments.ts";
import type { InboundEmail } from "../core/inbound-email.ts";
import type { Logger } from "../logger.ts";
import { loadEmailConfig } from "./config.ts";
import { startInboundListener, type InboundListener } from "./inbound-listener.ts";

/**
 * The server's email start-up hook: starts the inbound listener when INBOUND_SMTP_PORT
 * is set (and says so once when it is not). A bad email setting stops start-up with a
 * CONFIG error naming the variable, like every other setting.
 */
export async function startInboundEmail(options: {
  env: NodeJS.ProcessEnv;
  email: { inbound: InboundEmail; attachments: Attachments };
  logger: Logger;
  /** Outbound SMTP (src/config.ts SMTP_URL, SMTP_FROM): answers to replies that came too late. */
  smtp?: { url?: string; from: string };
}): Promise<InboundListener | undefined> {
  const config = loadEmailConfig(options.env);
  if (!config.inboundEnabled || !config.tokenKeys) {
    options.logger.info("inbound email off: set INBOUND_SMTP_PORT, EMAIL_REPLY_DOMAIN and EMAIL_TOKEN_KEY to receive replies (docs/email.md)");
    return undefined;
  }
  return startInboundListener({
    config,
    keys: config.tokenKeys,
    inbound: options.email.inbound,
    attachments: options.email.attachments,
    logger: options.logger,
    answer: options.smtp?.url ? { transport: nodemailer.createTransport(options.smtp.url), from: options.smtp.from } : undefined,
  });
}
