import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Reply addresses: `reply+<token>@<domain>`, one per case and recipient. The token names
 * the case and either the contact it was sent to or, for a CC address (CC addresses are
 * not people), a digest of that address; an HMAC-SHA-256 tag (80 bits) makes it
 * unforgeable, so nobody can write into a case by guessing an address, and a token
 * taken from one person's mailbox does not name anyone else.
 *
 * Layout (before base32): kind (1 byte: version 1, person or CC) | case number (4 bytes,
 * the Int column) | person id (16 bytes) or address digest (12 bytes) | tag (10 bytes).
 * A person's token is 50 characters, a CC token 44, so `reply+<token>` stays within the
 * 64 characters SMTP allows a local part. Base32 in lower case, because relays and mail
 * clients may change the case of a local part.
 *
 * Pure: no I/O, no clock. Tokens do not expire: a customer may answer a months-old
 * email, and the case's own rules (the reopen window) decide what that reply may do.
 */
export type ReplyTarget = { caseNumber: number; kind: "person"; personId: string } | { caseNumber: number; kind: "cc"; address: string };

/** What a verified token says: for a CC token, only the address digest (the address itself is not in it). */
export type TokenClaim = { caseNumber: number; kind: "person"; personId: string } | { caseNumber: number; kind: "cc"; addressDigest: string };

const KIND_PERSON = 0x11;
const KIND_CC = 0x12;
const TAG_BYTES = 10;
const DIGEST_BYTES = 12;
const MAX_CASE_NUMBER = 0xffff_ffff;
/**
 * What a token is for, mixed into its tag: a reply address's token cannot serve as an
 * unsubscribe link's, nor the other way round.
 */
export type TokenPurpose = "reply" | "unsubscribe";
const domainOf = (purpose: TokenPurpose) => `carebot ${purpose}-token v1\u0000`;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ReplyTokenKeys {
  /** Signs new tokens. */
  current: Buffer;
  /** Keys of earlier rotations: tokens they signed still verify (addresses sit in mailboxes for months). */
  previous?: Buffer[];
}

/** The digest a CC token carries: the address in lower case (mailboxes are compared so). */
export function addressDigest(address: string): string {
  return createHash("sha256").update(address.trim().toLowerCase(), "utf8").digest().subarray(0, DIGEST_BYTES).toString("hex");
}

function tag(key: Buffer, body: Buffer, purpose: TokenPurpose): Buffer {
  return createHmac("sha256", key).update(domainOf(purpose)).update(body).digest().subarray(0, TAG_BYTES);
}

export function signReplyToken(keys: ReplyTokenKeys, target: ReplyTarget, purpose: TokenPurpose = "reply"): string {
  if (!Number.isInteger(target.caseNumber) || target.caseNumber < 1 || target.caseNumber > MAX_CASE_NUMBER) {
    throw new RangeError("a reply token needs a case number between 1 and 2^32-1");
  }
  const number = Buffer.alloc(4);
  number.writeUInt32BE(target.caseNumber);
  let who: Buffer;
  if (target.kind === "person") {
    if (!UUID.test(target.personId)) throw new RangeError("a reply token names a person by their uuid");
    who = Buffer.from(target.personId.replace(/-/g, ""), "hex");
  } else {
    who = Buffer.from(addressDigest(target.address), "hex");
  }
  const body = Buffer.concat([Buffer.of(target.kind === "person" ? KIND_PERSON : KIND_CC), number, who]);
  return toBase32(Buffer.concat([body, tag(keys.current, body, purpose)]));
}

/** The claim of a genuine token, or null for anything else (a forged, cut or altered token). */
export function verifyReplyToken(keys: ReplyTokenKeys, token: string, purpose: TokenPurpose = "reply"): TokenClaim | null {
  const bytes = fromBase32(token.toLowerCase());
  if (!bytes) return null;
  const kind = bytes[0];
  const whoBytes = kind === KIND_PERSON ? 16 : kind === KIND_CC ? DIGEST_BYTES : -1;
  if (whoBytes < 0 || bytes.length !== 1 + 4 + whoBytes + TAG_BYTES) return null;
  const body = bytes.subarray(0, bytes.length - TAG_BYTES);
  const given = bytes.subarray(bytes.length - TAG_BYTES);
  const genuine = [keys.current, ...(keys.previous ?? [])].some((key) => timingSafeEqual(tag(key, body, purpose), given));
  if (!genuine) return null;
  const caseNumber = body.readUInt32BE(1);
  if (caseNumber < 1) return null;
  const who = body.subarray(5).toString("hex");
  if (kind === KIND_CC) return { caseNumber, kind: "cc", addressDigest: who };
  const personId = `${who.slice(0, 8)}-${who.slice(8, 12)}-${who.slice(12, 16)}-${who.slice(16, 20)}-${who.slice(20)}`;
  return { caseNumber, kind: "person", personId };
}

/** `reply+<token>@<domain>` for a target. */
export function replyAddress(keys: ReplyTokenKeys, target: ReplyTarget, address: { prefix: string; domain: string }): string {
  return `${address.prefix}+${signReplyToken(keys, target)}@${address.domain}`;
}

/**
 * The token of a reply address (`<prefix>+<token>@<any domain>`), or null when the
 * address is not one of ours. The domain is the relay's business: it routes only our
 * domain here (docs/email.md).
 */
export function tokenOfAddress(address: string, prefix: string): string | null {
  const at = address.lastIndexOf("@");
  if (at < 0) return null;
  const local = address.slice(0, at).toLowerCase();
  const head = `${prefix.toLowerCase()}+`;
  if (!local.startsWith(head)) return null;
  const token = local.slice(head.length);
  return /^[a-z2-7]{1,80}$/.test(token) ? token : null;
}

/** True when the address is the one a CC token was issued to. */
export function ccMatches(claim: TokenClaim, address: string): boolean {
  if (claim.kind !== "cc") return false;
  const a = Buffer.from(claim.addressDigest, "hex");
  const b = Buffer.from(addressDigest(address), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

function toBase32(bytes: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Buffer | null {
  if (!/^[a-z2-7]+$/.test(text) || text.length > 80) return null;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    value = ((value << 5) | BASE32.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  // Leftover bits must be zero padding: otherwise two spellings would decode to one token.
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return null;
  return Buffer.from(out);
}
