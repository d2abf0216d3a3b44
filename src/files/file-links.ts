import { createHmac, timingSafeEqual } from "node:crypto";
import type { ReplyTokenKeys } from "../email/reply-token.ts";

/**
 * Links to a case's files for chat users and staff: never public. A link names the file,
 * the person it was made for and when it expires, and is signed (HMAC-SHA-256, 128 bits)
 * with the same key as reply addresses (EMAIL_TOKEN_KEY) under a purpose of its own, so
 * no link can be forged or stretched. Opening one still asks the core whether that person
 * may view the file's case now (a contact who left the account is refused), so the
 * signature only says who is asking, never that they may.
 */
export interface FileLinkClaim {
  attachmentId: string;
  personId: string;
  expiresAt: Date;
}

const PURPOSE = "carebot file-link v1\u0000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long a link works when nothing else is said: long enough to click from a card, short enough that a forwarded card goes stale. */
export const FILE_LINK_TTL_MS = 60 * 60 * 1000;

function signature(key: Buffer, attachmentId: string, personId: string, expiresSec: number): Buffer {
  return createHmac("sha256", key).update(PURPOSE).update(`${attachmentId.toLowerCase()}\u0000${personId.toLowerCase()}\u0000${expiresSec}`).digest().subarray(0, 16);
}

/** `<base>/files?id=…&p=…&e=…&s=…` for one person. */
export function fileLink(options: { base: string; keys: ReplyTokenKeys; attachmentId: string; personId: string; now: Date; ttlMs?: number }): string {
  const expiresSec = Math.floor((options.now.getTime() + (options.ttlMs ?? FILE_LINK_TTL_MS)) / 1000);
  const s = signature(options.keys.current, options.attachmentId, options.personId, expiresSec).toString("base64url");
  const query = new URLSearchParams({ id: options.attachmentId, p: options.personId, e: String(expiresSec), s });
  return `${options.base.replace(/\/+$/, "")}/files?${query.toString()}`;
}

/** The claim of a genuine, unexpired link; null for anything else. */
export function verifyFileLink(keys: ReplyTokenKeys, query: URLSearchParams, now: Date): FileLinkClaim | null {
  const id = query.get("id") ?? "";
  const p = query.get("p") ?? "";
  const e = query.get("e") ?? "";
  const s = Buffer.from(query.get("s") ?? "", "base64url");
  if (!UUID.test(id) || !UUID.test(p) || !/^\d{1,12}$/.test(e) || s.length !== 16) return null;
  const expiresSec = Number(e);
  if (expiresSec * 1000 <= now.getTime()) return null;
  const genuine = [keys.current, ...(keys.previous ?? [])].some((key) => timingSafeEqual(signature(key, id, p, expiresSec), s));
  return genuine ? { attachmentId: id, personId: p, expiresAt: new Date(expiresSec * 1000) } : null;
}
