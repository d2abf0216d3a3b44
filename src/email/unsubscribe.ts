import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, type HttpServer } from "../adapters/http/server.ts";
import type { EmailPreferences } from "../core/email-preferences.ts";
import type { Logger } from "../logger.ts";
import { ccMatches, verifyReplyToken, type ReplyTokenKeys } from "./reply-token.ts";

/**
 * The unsubscribe link of every case email: `/email/unsubscribe?t=<token>` (and `&a=<the
 * address>` for a CC address, whose token carries only a digest of it). GET shows a page
 * with one button and changes nothing, because mail scanners open links on their own;
 * the button, or a mail program's one-click POST (RFC 8058, List-Unsubscribe-Post),
 * applies it: the contact's preference becomes chat only, a CC address is opted out.
 * The token is signed for this purpose alone: a reply address's token does not work here.
 */
export const UNSUBSCRIBE_PATH = "/email/unsubscribe";

type Who = { personId: string } | { address: string };

function whoOf(req: IncomingMessage, keys: ReplyTokenKeys): Who | null {
  const url = new URL(req.url ?? "/", "http://carebot.invalid");
  const token = url.searchParams.get("t") ?? "";
  const claim = token.length <= 80 ? verifyReplyToken(keys, token, "unsubscribe") : null;
  if (!claim) return null;
  if (claim.kind === "person") return { personId: claim.personId };
  const address = (url.searchParams.get("a") ?? "").trim().toLowerCase();
  return address.length <= 320 && ccMatches(claim, address) ? { address } : null;
}

function page(res: ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Case emails</title></head><body style="font-family:sans-serif;max-width:32em;margin:3em auto">${body}</body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "cache-control": "no-store", "referrer-policy": "no-referrer" });
  res.end(html);
}

const INVALID = "<p>This unsubscribe link is not valid. Use the link in the latest email about your case.</p>";

export function routeUnsubscribe(http: Pick<HttpServer, "route">, options: { keys: ReplyTokenKeys; preferences: EmailPreferences; logger: Logger }): void {
  const log = options.logger.child({ module: "email/unsubscribe" });
  http.route("GET", UNSUBSCRIBE_PATH, (req, res) => {
    if (!whoOf(req, options.keys)) return page(res, 404, INVALID);
    // The form posts back to this very URL (same token); nothing changes until it does.
    page(res, 200, `<p>Stop emails about support cases? You will still see your cases in Slack or Teams.</p><form method="post"><button type="submit">Stop case emails</button></form>`);
  });
  http.route("POST", UNSUBSCRIBE_PATH, async (req, res) => {
    await readBody(req, 4096); // the one-click body ("List-Unsubscribe=One-Click") or the empty form: nothing in it is needed
    const who = whoOf(req, options.keys);
    if (!who) return page(res, 404, INVALID);
    await options.preferences.unsubscribe(who);
    log.info({ kind: "personId" in who ? "contact" : "cc" }, "unsubscribed from case email");
    page(res, 200, "<p>Done: you will get no more emails about support cases. Support staff can turn them on again for you.</p>");
  });
}
