/**
 * Whether a message was sent by a machine (an out-of-office reply, a bounce, a read
 * receipt, list mail), and why. Such mail never becomes a comment and is never
 * answered, so two robots cannot talk to each other through a case (RFC 3834).
 */
export interface MessageFacts {
  /** Header values by lower-case name (the first of each). */
  header(name: string): string | undefined;
  /** The envelope's MAIL FROM: empty for bounces (RFC 5321's null reverse path). */
  envelopeFrom: string;
  fromAddress: string;
  subject: string;
  /** The top-level content type, e.g. multipart/report. */
  contentType: string;
}

const AUTOMATIC_SUBJECT = /^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheitsnotiz|réponse automatique|respuesta automática|undeliverable|undelivered mail|delivery status notification|mail delivery failed|returned mail)\b/i;
const DAEMON = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)(\+[^@]*)?@/i;

export function automaticReason(m: MessageFacts): string | null {
  const autoSubmitted = m.header("auto-submitted")?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== "no") return `Automatic message (Auto-Submitted: ${autoSubmitted.slice(0, 40)}).`;
  const precedence = m.header("precedence")?.trim().toLowerCase();
  if (precedence && ["bulk", "junk", "list", "auto_reply"].includes(precedence)) return `Automatic message (Precedence: ${precedence}).`;
  if (m.contentType.toLowerCase() === "multipart/report") return "A delivery or read report (multipart/report).";
  if (m.envelopeFrom === "") return "A bounce (empty envelope sender).";
  if (m.header("x-failed-recipients")) return "A bounce (X-Failed-Recipients).";
  if (m.header("x-autoreply") || m.header("x-autorespond")) return "An auto-reply (X-Autoreply).";
  if (m.header("list-id") || m.header("list-unsubscribe")) return "Mailing-list mail (List-Id).";
  if (DAEMON.test(m.fromAddress) || DAEMON.test(m.envelopeFrom)) return `Sent by a mail system (${m.fromAddress || m.envelopeFrom}).`;
  if (AUTOMATIC_SUBJECT.test(m.subject)) return "An auto-reply (by its subject).";
  return null;
}
