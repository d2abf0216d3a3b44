import { Transform } from "node:stream";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import type { Transporter } from "nodemailer";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Attachments } from "../core/attachments/attachments.ts";
import { isRetryable, toCaseError } from "../core/errors.ts";
import type { InboundEmail } from "../core/inbound-email.ts";
import type { Logger } from "../logger.ts";
import type { EmailConfig } from "./config.ts";
import { toInbound } from "./inbound-message.ts";
import { tokenOfAddress, verifyReplyToken, type ReplyTokenKeys, type TokenClaim } from "./reply-token.ts";

/**
 * The inbound side of email: an SMTP listener (smtp-server) that the organisation's mail
 * relay delivers reply+<token>@<reply domain> to. Why SMTP and not IMAP polling: the
 * relay hands each message over the moment it arrives and keeps it (and retries) until
 * we answer 250, so a message is never lost between a poll and a crash; there is no
 * mailbox password to keep, no mailbox that fills up, and nothing to poll. Recipients
 * are checked at RCPT time: an address without a genuine token is refused (550) before
 * any content is read, so the listener is no open relay and we send no bounce of our
 * own. A message is acknowledged only after it is stored; a database failure answers
 * 451, and the relay delivers it again later (stored once, by Message-ID).
 */
export interface InboundListener {
  port: number;
  stop(): Promise<void>;
}

export interface InboundListenerOptions {
  config: Pick<EmailConfig, "INBOUND_SMTP_HOST" | "INBOUND_SMTP_PORT" | "EMAIL_REPLY_PREFIX" | "INBOUND_MAX_MESSAGE_BYTES" | "INBOUND_SMTP_TLS_KEY_FILE" | "INBOUND_SMTP_TLS_CERT_FILE">;
  keys: ReplyTokenKeys;
  inbound: InboundEmail;
  /** For the limits named in the SMTP SIZE answer. */
  attachments?: Attachments;
  logger: Logger;
  /** Outbound mail, to answer a reply that came too late to reopen its case (the offer of a new case). Unset: only recorded. */
  answer?: { transport: Transporter; from: string };
}

class TooBig extends Error {}

/** Passes bytes on until `max` have gone by, then fails (the rest of the message is drained by the caller). */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) return done(new TooBig(`more than ${max} bytes`));
      done(null, chunk);
    },
  });
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The first recipient of the session with a genuine token (one reply address per message is taken). */
function claimOf(session: SMTPServerSession, prefix: string, keys: ReplyTokenKeys): TokenClaim | null {
  for (const rcpt of session.envelope.rcptTo) {
    const token = tokenOfAddress(rcpt.address, prefix);
    const claim = token ? verifyReplyToken(keys, token) : null;
    if (claim) return claim;
  }
  return null;
}

export async function startInboundListener(options: InboundListenerOptions): Promise<InboundListener> {
  const { config, keys, inbound, logger } = options;
  const log = logger.child({ module: "email/inbound" });
  const tls =
    config.INBOUND_SMTP_TLS_KEY_FILE && config.INBOUND_SMTP_TLS_CERT_FILE
      ? { key: readFileSync(config.INBOUND_SMTP_TLS_KEY_FILE), cert: readFileSync(config.INBOUND_SMTP_TLS_CERT_FILE) }
      : undefined;

  const handle = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    // smtp-server only flags a message over `size` and keeps streaming it: the parser reads
    // through a limit of our own, so an oversized message never sits whole in memory.
    const limited = stream.pipe(byteLimit(config.INBOUND_MAX_MESSAGE_BYTES));
    let mail: Awaited<ReturnType<typeof simpleParser>>;
    try {
      mail = await simpleParser(limited, { maxHtmlLengthToParse: 2 * 1024 * 1024 });
    } catch (error) {
      if (error instanceof TooBig) throw smtpError(552, "Message too big for a case reply");
      throw error;
    }
    if (stream.sizeExceeded) throw smtpError(552, "Message too big for a case reply");
    const claim = claimOf(session, config.EMAIL_REPLY_PREFIX, keys);
    if (!claim) throw smtpError(550, "No such mailbox");
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
    const { input, files } = toInbound(mail, claim, envelopeFrom);
    const result = await inbound.receive(input, files);
    log.info({ outcome: result.outcome, caseNumber: claim.caseNumber, first: result.firstDelivery, files: files.length }, "email reply received");
    if (result.answer && options.answer && input.from) {
      // Once per message (answer is set only on its first delivery), marked as an automatic
      // answer so the sender's own auto-responder stays quiet, and never to automatic mail.
      options.answer.transport
        .sendMail({
          from: options.answer.from,
          to: input.from,
          subject: `Re: ${input.subject}`.slice(0, 998),
          text: `${result.answer}\n\nIn Slack or Teams, choose "New case" and enter case ${String(claim.caseNumber).padStart(8, "0")} as the linked case.`,
          inReplyTo: mail.messageId,
          references: mail.messageId ? [mail.messageId] : undefined,
          headers: { "Auto-Submitted": "auto-replied" },
        })
        .catch((error: unknown) => log.warn({ err: error }, "could not send the new-case offer; the refused reply is recorded"));
    }
  };

  const server = new SMTPServer({
    banner: "carebot case replies",
    authOptional: true,
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(tls ?? {}),
    size: config.INBOUND_MAX_MESSAGE_BYTES,
    maxClients: 100,
    logger: false,
    onRcptTo: (address, _session, callback) => {
      const token = tokenOfAddress(address.address, config.EMAIL_REPLY_PREFIX);
      if (!token || !verifyReplyToken(keys, token)) return callback(smtpError(550, "No such mailbox"));
      callback();
    },
    onData: (stream, session, callback) => {
      handle(stream, session).then(
        () => callback(),
        (error: unknown) => {
          stream.resume(); // drain what is left so the session can answer
          if (error instanceof Error && "responseCode" in error) return callback(error);
          const failure = toCaseError(error);
          // A message we can never take (not a passing failure): refused for good, so the relay stops retrying and tells the sender.
          if (!isRetryable(failure.code)) {
            log.warn({ code: failure.code, field: failure.field }, "email reply refused");
            return callback(smtpError(554, "This message cannot be added to the case"));
          }
          log.error({ err: toCaseError(error).cause ?? error }, "email reply not stored; the relay will retry");
          callback(smtpError(451, "Temporary failure, try again later"));
        },
      );
    },
  });
  server.on("error", (error) => log.warn({ err: error }, "inbound SMTP connection error"));

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(config.INBOUND_SMTP_PORT ?? 0, config.INBOUND_SMTP_HOST, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ port }, "inbound email listener up");
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
