import type { HttpServer } from "../adapters/http/server.ts";
import type { Attachments } from "../core/attachments/attachments.ts";
import { toCaseError } from "../core/errors.ts";
import type { Logger } from "../logger.ts";
import type { ReplyTokenKeys } from "../email/reply-token.ts";
import { verifyFileLink } from "./file-links.ts";

/**
 * GET /files?…: a case's file through a signed, expiring link (src/files/file-links.ts),
 * served only when the person the link names may view the case now. Always a download
 * (Content-Disposition: attachment), never sniffed, never cached by shared caches, and
 * types a browser would run (HTML, SVG, XML) are sent as plain bytes, so a file cannot
 * act as a page of carebot's.
 */
const ACTIVE_TYPES = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript)$/;

function refuse(res: Parameters<Parameters<HttpServer["route"]>[2]>[1], status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

export function routeFiles(http: Pick<HttpServer, "route">, options: { keys: ReplyTokenKeys; attachments: Attachments; now: () => Date; logger: Logger }): void {
  const log = options.logger.child({ module: "files" });
  http.route("GET", "/files", async (req, res) => {
    const query = new URL(req.url ?? "/", "http://carebot.invalid").searchParams;
    const claim = verifyFileLink(options.keys, query, options.now());
    if (!claim) return refuse(res, 404, "This link is not valid or has expired. Open the case again for a fresh one.");
    let file;
    try {
      file = await options.attachments.open({ actor: { personId: claim.personId }, source: "http" }, claim.attachmentId);
    } catch (error) {
      const failure = toCaseError(error);
      if (failure.code === "UNEXPECTED" || failure.code === "CONFLICT") throw error;
      log.info({ code: failure.code }, "file link refused");
      return refuse(res, 404, "That file does not exist, or you do not have access to it.");
    }
    const type = ACTIVE_TYPES.test(file.contentType) ? "application/octet-stream" : file.contentType;
    const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    res.writeHead(200, {
      "content-type": type,
      "content-length": file.content.length,
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      "content-security-policy": "default-src 'none'; sandbox",
      "referrer-policy": "no-referrer",
    });
    res.end(file.content);
  });
}
