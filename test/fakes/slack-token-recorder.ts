import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback hop in front of the local Slack Web API (test/fakes/slack-api.ts) that
 * notes which token each call carried (its Authorization header) and passes the call on
 * unchanged: how a test proves that each workspace is answered with its own token.
 */
export class SlackTokenRecorder {
  readonly calls: { method: string; authorization: string | undefined; channel?: string }[] = [];
  /** Methods answered by another local server instead (oauth.v2.access: test/fakes/slack-oauth.ts). */
  readonly divert = new Map<string, string>();
  /** token -> Retry-After seconds: every call with that token is answered 429, as Slack limits one workspace. */
  readonly limited = new Map<string, number>();
  /** Tokens Slack no longer takes: every call with one is answered invalid_auth. */
  readonly revoked = new Set<string>();
  #server?: Server;

  constructor(readonly targetApiUrl: string) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/api/`;
  }

  /** The tokens (without "Bearer ") that called `method` for `channel`. */
  tokensTo(method: string, channel: string): (string | undefined)[] {
    return this.calls.filter((c) => c.method === method && c.channel === channel).map((c) => c.authorization?.replace(/^Bearer /, ""));
  }

  /** The tokens (without "Bearer ") that called `method`, in order. */
  tokensOf(method: string): (string | undefined)[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.authorization?.replace(/^Bearer /, ""));
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = (req.url ?? "").replace(/^\/api\//, "");
        const method = path.split("?")[0]!;
        // The channel a call names (form or JSON body), so a test pairs tokens with destinations without relying on arrival order.
        const raw = Buffer.concat(chunks).toString("utf8");
        let channel: string | undefined;
        try {
          channel = (req.headers["content-type"] ?? "").includes("json") ? (JSON.parse(raw) as { channel?: string }).channel : (new URLSearchParams(raw).get("channel") ?? undefined);
        } catch {
          channel = undefined;
        }
        this.calls.push({ method, authorization: req.headers.authorization, channel });
        const retryAfter = this.limited.get(req.headers.authorization?.replace(/^Bearer /, "") ?? "");
        if (this.revoked.has(req.headers.authorization?.replace(/^Bearer /, "") ?? "")) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: false, error: "invalid_auth" }));
          return;
        }
        if (retryAfter !== undefined) {
          res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
          res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
          return;
        }
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "authorization"]) if (req.headers[name]) headers[name] = String(req.headers[name]);
        fetch(new URL(path, this.divert.get(method) ?? this.targetApiUrl), { method: req.method, headers, body: req.method === "GET" ? undefined : Buffer.concat(chunks) })
          .then(async (answer) => {
            res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => {
            res.writeHead(502);
            res.end();
          });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
