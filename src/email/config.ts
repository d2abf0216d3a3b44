import { z } from "zod";
import { CaseError } from "../core/errors.ts";
import type { ReplyTokenKeys } from "./reply-token.ts";

/**
 * Email settings of issue 14 (reply addresses, the inbound SMTP listener, attachment
 * limits), parsed once from the environment like src/config.ts and kept beside the
 * code that reads them. A bad value stops start-up naming the variable, never its value.
 */
const PLACEHOLDER = /^(|changeme|change-me|placeholder|secret|xxx+|todo|<.*>)$/i;

const key32 = (name: string) =>
  z.string().refine((v) => !PLACEHOLDER.test(v) && Buffer.from(v, "base64").length === 32, `${name} must be 32 random bytes, base64-encoded (openssl rand -base64 32).`);

export const emailEnvSchema = z.object({
  /**
   * Port of the inbound SMTP listener that takes replies from the mail relay (25 when the
   * relay delivers straight here, usually a high port behind the relay). Unset: no listener.
   */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  INBOUND_SMTP_HOST: z.string().default("0.0.0.0"),
  /** The domain of reply addresses (reply+<token>@<domain>): its MX points at the relay. */
  EMAIL_REPLY_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i, "EMAIL_REPLY_DOMAIN must be a domain name.").optional(),
  /** The local part before '+' of reply addresses. */
  EMAIL_REPLY_PREFIX: z.string().regex(/^[a-z0-9._-]{1,10}$/i, "EMAIL_REPLY_PREFIX: letters, digits, '.', '_' or '-', at most 10.").default("reply"),
  /**
   * Signs reply tokens (HMAC-SHA-256): base64 of 32 random bytes. A key of its own, not
   * derived from CREDENTIALS_KEY: rotating the credentials key (`keys reseal`) must not
   * turn the reply addresses already in customers' mailboxes into dead ends, and a
   * leaked token key must reveal nothing about stored credentials.
   */
  EMAIL_TOKEN_KEY: key32("EMAIL_TOKEN_KEY").optional(),
  /** Earlier token keys, comma-separated: replies to addresses they signed still arrive. */
  EMAIL_TOKEN_KEY_PREVIOUS: z.string().optional(),
  /** carebot's public web address (https://carebot.example.com): the unsubscribe link of every case email points there. Unset: no link. */
  EMAIL_LINK_BASE_URL: z.string().url().optional(),
  /** The largest message the listener accepts (SMTP SIZE); bigger ones are refused before they are read. */
  INBOUND_MAX_MESSAGE_BYTES: z.coerce.number().int().min(10_000).default(30 * 1024 * 1024),
  /** Optional TLS for STARTTLS on the listener: PEM files. */
  INBOUND_SMTP_TLS_KEY_FILE: z.string().optional(),
  INBOUND_SMTP_TLS_CERT_FILE: z.string().optional(),
});

export type EmailConfig = Readonly<z.infer<typeof emailEnvSchema>> & { readonly tokenKeys?: ReplyTokenKeys; readonly inboundEnabled: boolean };

export function loadEmailConfig(env: NodeJS.ProcessEnv): EmailConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = emailEnvSchema.safeParse(set);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CaseError("CONFIG", { message: `Environment variable ${issue.path.join(".")} is invalid: ${issue.message}`, field: String(issue.path[0]) });
  }
  const c = result.data;
  const inboundEnabled = c.INBOUND_SMTP_PORT !== undefined;
  if (inboundEnabled && !c.EMAIL_TOKEN_KEY) {
    throw new CaseError("CONFIG", { field: "EMAIL_TOKEN_KEY", message: "INBOUND_SMTP_PORT is set: EMAIL_TOKEN_KEY must be set too (openssl rand -base64 32), the same on every server and worker." });
  }
  if (inboundEnabled && !c.EMAIL_REPLY_DOMAIN) {
    throw new CaseError("CONFIG", { field: "EMAIL_REPLY_DOMAIN", message: "INBOUND_SMTP_PORT is set: EMAIL_REPLY_DOMAIN must name the domain of reply addresses." });
  }
  const previous = (c.EMAIL_TOKEN_KEY_PREVIOUS ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => {
      const key = Buffer.from(v, "base64");
      if (key.length !== 32) throw new CaseError("CONFIG", { field: "EMAIL_TOKEN_KEY_PREVIOUS", message: "EMAIL_TOKEN_KEY_PREVIOUS: each key must be 32 bytes, base64-encoded." });
      return key;
    });
  const tokenKeys = c.EMAIL_TOKEN_KEY ? { current: Buffer.from(c.EMAIL_TOKEN_KEY, "base64"), previous } : undefined;
  return Object.freeze({ ...c, tokenKeys, inboundEnabled });
}
