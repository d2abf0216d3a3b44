import nodemailer from "nodemailer";
import type { HttpServer } from "../adapters/http/server.ts";
import type { Attachments } from "../core/attachments/attachments.ts";
import type { EmailPreferences } from "../core/email-preferences.ts";
import type { InboundEmail } from "../core/inbound-email.ts";
import type { Logger } from "../logger.ts";
import { loadEmailConfig } from "./config.ts";
import { startInboundListener, type InboundListener } from "./inbound-listener.ts";
import { routeUnsubscribe } from "./unsubscribe.ts";
import { systemClock } from "../core/clock.ts";
import { fileLink } from "../files/file-links.ts";
import { routeFiles } from "../files/route.ts";

/**
 * The server's email start-up hook: answers unsubscribe links and file links on the HTTP
 * server when EMAIL_TOKEN_KEY is set, and starts the inbound listener when INBOUND_SMTP_PORT is set
 * (and says so once when it is not). A bad email setting stops start-up with a
 * CONFIG error naming the variable, like every other setting.
 */
export async function startInboundEmail(options: {
  env: NodeJS.ProcessEnv;
  email: { inbound: InboundEmail; attachments: Attachments; preferences: EmailPreferences };
  http: Pick<HttpServer, "route">;
  logger: Logger;
  /** Outbound SMTP (src/config.ts SMTP_URL, SMTP_FROM): answers to replies that came too late. */
  smtp?: { url?: string; from: string };
}): Promise<InboundListener | undefined> {
  const config = loadEmailConfig(options.env);
  if (config.tokenKeys) {
    routeUnsubscribe(options.http, { keys: config.tokenKeys, preferences: options.email.preferences, logger: options.logger });
    // Signed, expiring file links (src/files) share the key: one secret for every link carebot signs.
    routeFiles(options.http, { keys: config.tokenKeys, attachments: options.email.attachments, now: () => systemClock.now(), logger: options.logger });
    // Cards shown to one reader (Details, `show`) carry download links signed for that reader.
    const base = config.EMAIL_LINK_BASE_URL;
    const keys = config.tokenKeys;
    if (base) options.email.attachments.signLinksWith((attachmentId, personId) => fileLink({ base, keys, attachmentId, personId, now: systemClock.now() }));
  }
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
