import type { ServerResponse } from "node:http";
import { readBody, type HttpServer } from "../adapters/http/server.ts";
import { SCORE_LABELS } from "../cards/satisfaction.ts";
import { toCaseError } from "../core/errors.ts";
import type { Core } from "../core/index.ts";
import { loadEmailConfig } from "../email/config.ts";
import type { ReplyTokenKeys } from "../email/reply-token.ts";
import type { Logger } from "../logger.ts";
import { verifySurveyToken, type SurveyClaim } from "./token.ts";

/**
 * The survey email's one-click links: `GET /satisfaction?t=<signed token>` records the
 * score the link names (case, contact and score are all in the signed token, so nothing
 * in the link can be changed without breaking it) and shows a small page with an
 * optional comment form, which posts back to the same link. The link only says who got
 * the email: the core records the answer as that person and checks, as for a button in
 * chat, that they are the case's contact. A second answer (another link, a comment)
 * replaces the first. Nothing the client sends crashes the route: a bad token is a 404
 * page, a refusal the core's own message.
 */
export const SATISFACTION_PATH = "/satisfaction";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Rate the support</title></head><body style="font-family:sans-serif;max-width:32em;margin:3em auto">${body}</body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "cache-control": "no-store", "referrer-policy": "no-referrer" });
  res.end(html);
}

const INVALID = "<p>This rating link is not valid. Use a link from the survey email about your case.</p>";
const STATUS: Record<string, number> = { NOT_FOUND: 404, FORBIDDEN: 403, INVALID_STATE: 409, VALIDATION: 400 };

function claimOf(url: string | undefined, keys: ReplyTokenKeys): { claim: SurveyClaim; token: string } | null {
  const token = new URL(url ?? "/", "http://carebot.invalid").searchParams.get("t") ?? "";
  const claim = verifySurveyToken(keys, token);
  return claim ? { claim, token } : null;
}

export function routeSatisfaction(http: Pick<HttpServer, "route">, options: { keys: ReplyTokenKeys; core: Pick<Core, "satisfaction">; logger: Logger }): void {
  const log = options.logger.child({ module: "satisfaction/links" });

  async function record(res: ServerResponse, claim: SurveyClaim, comment: string | undefined, token: string): Promise<void> {
    try {
      const rating = await options.core.satisfaction.rate({ actor: { personId: claim.personId }, source: "email" }, { case: claim.caseNumber, score: claim.score, comment });
      const label = escapeHtml(SCORE_LABELS[rating.score] ?? String(rating.score));
      if (comment !== undefined) return page(res, 200, `<p>Thank you: your rating of case ${rating.number} (${label}) and your comment are recorded.</p>`);
      page(
        res,
        200,
        `<p>Thank you: you rated case ${rating.number} <strong>${label}</strong>.</p>` +
          `<form method="post" action="${SATISFACTION_PATH}?t=${encodeURIComponent(token)}"><p><label for="comment">Anything you want to tell us? (optional)</label></p>` +
          `<p><textarea id="comment" name="comment" rows="5" cols="40" maxlength="2000"></textarea></p><p><button type="submit">Send</button></p></form>`,
      );
    } catch (error) {
      const failure = toCaseError(error);
      if (failure.code === "UNEXPECTED") throw error;
      log.info({ code: failure.code }, "satisfaction link refused");
      page(res, STATUS[failure.code] ?? 400, `<p>${escapeHtml(failure.message)}</p>`);
    }
  }

  http.route("GET", SATISFACTION_PATH, async (req, res) => {
    const found = claimOf(req.url, options.keys);
    if (!found) return page(res, 404, INVALID);
    await record(res, found.claim, undefined, found.token);
  });
  http.route("POST", SATISFACTION_PATH, async (req, res) => {
    const body = new URLSearchParams((await readBody(req, 16_384)).toString("utf8"));
    const found = claimOf(req.url, options.keys);
    if (!found) return page(res, 404, INVALID);
    await record(res, found.claim, (body.get("comment") ?? "").slice(0, 2_000), found.token);
  });
}

/** The server's hook (src/main.ts): the survey links are answered when EMAIL_TOKEN_KEY is set (their signing key). */
export function startSatisfactionLinks(options: { env: NodeJS.ProcessEnv; core: Pick<Core, "satisfaction">; http: Pick<HttpServer, "route">; logger: Logger }): boolean {
  const keys = loadEmailConfig(options.env).tokenKeys;
  if (!keys) return false;
  routeSatisfaction(options.http, { keys, core: options.core, logger: options.logger });
  return true;
}
