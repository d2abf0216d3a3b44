import { createHmac, timingSafeEqual } from "node:crypto";
import type { ReplyTokenKeys } from "../email/reply-token.ts";

/**
 * The one-click links of a satisfaction survey email: each names the case, the contact
 * it was sent to and the score, signed with HMAC-SHA-256 under EMAIL_TOKEN_KEY (the key
 * of every link carebot signs; earlier keys still verify after a rotation) and a purpose
 * of its own, so no other token (a reply address, an unsubscribe link) works here and
 * changing any part of a link (another score, case or person) breaks its signature.
 *
 * Layout: `<case number>.<person uuid without dashes>.<score>.<tag>`, the tag 16 bytes
 * base64url. Pure: no I/O, no clock. The link is only proof of who got the email: the
 * core still checks that person is the case's contact before recording anything.
 */
export interface SurveyClaim {
  caseNumber: number;
  personId: string;
  score: number;
}

const PURPOSE = "carebot satisfaction-link v1\u0000";
const TAG_BYTES = 16;
const TOKEN = /^(\d{1,10})\.([0-9a-f]{32})\.([1-5])\.([A-Za-z0-9_-]{22})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tag(key: Buffer, body: string): Buffer {
  return createHmac("sha256", key).update(PURPOSE).update(body).digest().subarray(0, TAG_BYTES);
}

export function signSurveyToken(keys: ReplyTokenKeys, claim: SurveyClaim): string {
  if (!Number.isInteger(claim.caseNumber) || claim.caseNumber < 1 || claim.caseNumber > 0xffff_ffff) throw new RangeError("a survey link needs a case number");
  if (!UUID.test(claim.personId)) throw new RangeError("a survey link names a person by their uuid");
  if (!Number.isInteger(claim.score) || claim.score < 1 || claim.score > 5) throw new RangeError("a score is 1 to 5");
  const body = `${claim.caseNumber}.${claim.personId.replace(/-/g, "").toLowerCase()}.${claim.score}`;
  return `${body}.${tag(keys.current, body).toString("base64url")}`;
}

/** The claim of a genuine link, or null for anything else (forged, altered, cut, another purpose's token). */
export function verifySurveyToken(keys: ReplyTokenKeys, token: string): SurveyClaim | null {
  if (token.length > 100) return null;
  const m = TOKEN.exec(token);
  if (!m) return null;
  const body = `${m[1]}.${m[2]}.${m[3]}`;
  const given = Buffer.from(m[4]!, "base64url");
  // One spelling per tag: a last character with other unused bits would decode to the same bytes.
  if (given.length !== TAG_BYTES || given.toString("base64url") !== m[4]) return null;
  const genuine = [keys.current, ...(keys.previous ?? [])].some((key) => timingSafeEqual(tag(key, body), given));
  if (!genuine) return null;
  const caseNumber = Number(m[1]);
  if (caseNumber < 1 || caseNumber > 0xffff_ffff) return null;
  const hex = m[2]!;
  return { caseNumber, personId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, score: Number(m[3]) };
}
