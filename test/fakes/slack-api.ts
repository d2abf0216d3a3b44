import { pollFor } from "./poll.ts";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for Slack's Web API on loopback: records every call (method and
 * arguments) and answers like Slack does. The only fake in the suite: Slack itself
 * cannot be reached from here. Also serves response_url endpoints (/respond/*).
 */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** Slack user id -> email, as users.info reports it. */
  readonly emails = new Map<string, string>();
  /** Slack user id -> IANA time zone, as users.info reports it (`tz`). */
  readonly timeZones = new Map<string, string>();
  #server?: Server;
  #ts = 1_700_000_000_000_100;
  #failures: { method: string; status: number; retryAfter?: number }[] = [];
  /** Channels the app is not in: chat.postMessage there answers Slack's not_in_channel. */
  readonly closedChannels = new Set<string>();
  /**
   * Files Slack holds, by id: the bytes, and the bot token of the workspace they were
   * shared in (files.info and the download answer only that token, as Slack does).
   * `url` replaces the download link files.info reports (e.g. one to another host);
   * `hideSize` leaves the size out of files.info and the download (sent chunked).
   */
  readonly files = new Map<string, { name: string; mimetype: string; content: Buffer; token: string; url?: string; hideSize?: boolean }>();
  /** Every file download, with the token it carried and whether it was served. */
  readonly downloads: { id: string; token: string | undefined; served: boolean }[] = [];
  /** Milliseconds every answer waits (a slow Slack). */
  delayMs = 0;
  /** What apps.connections.open hands a Socket Mode client. */
  socketUrl = "";

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/api/`;
  }
  responseUrl(id = "r1"): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/respond/${id}`;
  }

  /** host:port of the file downloads (loopback: SLACK_FILE_HOSTS=127.0.0.1 trusts it in tests). */
  get fileHost(): string {
    return `127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  /** A file shared in the workspace whose bot token is `token`. */
  addFile(id: string, file: { name: string; mimetype?: string; content: Buffer | string; token: string; url?: string; hideSize?: boolean }): void {
    this.files.set(id, { ...file, mimetype: file.mimetype ?? "text/plain", content: Buffer.from(file.content) });
  }

  /** The next call of `method` fails with this HTTP status (429 carries Retry-After). */
  failNext(method: string, status: number, retryAfter?: number): void {
    this.#failures.push({ method, status, retryAfter });
  }

  of(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  waitFor(method: string, predicate: (args: Record<string, unknown>) => boolean = () => true, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return pollFor(() => this.of(method).find(predicate), () => `no ${method} call matched within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(", ")}`, timeoutMs);
  }


  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const type = req.headers["content-type"] ?? "";
        let args: Record<string, unknown> = {};
        if (type.includes("json")) args = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        else {
          for (const [k, v] of new URLSearchParams(raw)) {
            // web-api sends objects (blocks, view) as JSON strings in form bodies.
            try {
              args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
            } catch {
              args[k] = v;
            }
          }
        }
        const url = req.url ?? "";
        const token = req.headers.authorization?.replace(/^Bearer /, "") ?? (typeof args.token === "string" ? args.token : undefined);
        if (url.startsWith("/files-pri/")) {
          // A file download: the bytes for the workspace's own token, Slack's sign-in page for any other.
          const id = url.split("/")[2] ?? "";
          const file = this.files.get(id);
          const served = Boolean(file && file.token === token);
          this.downloads.push({ id, token, served });
          if (!file || !served) {
            res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
            res.end("<html><body>Sign in to Slack</body></html>");
            return;
          }
          res.writeHead(200, { "content-type": file.mimetype, ...(file.hideSize ? {} : { "content-length": String(file.content.length) }) });
          if (!file.hideSize) return void res.end(file.content);
          // In pieces, as a large file streams.
          for (let i = 0; i < file.content.length; i += 64 * 1024) res.write(file.content.subarray(i, i + 64 * 1024));
          res.end();
          return;
        }
        const method = url.startsWith("/respond/") ? "respond" : url.replace(/^\/api\//, "").split("?")[0]!;
        const failure = this.#failures.findIndex((f) => f.method === method);
        if (failure >= 0) {
          const f = this.#failures.splice(failure, 1)[0]!;
          this.calls.push({ method: `${method}:failed`, args });
          res.writeHead(f.status, { "content-type": "application/json", ...(f.retryAfter ? { "retry-after": String(f.retryAfter) } : {}) });
          res.end(JSON.stringify({ ok: false, error: f.status === 429 ? "ratelimited" : "internal_error" }));
          return;
        }
        this.calls.push({ method, args });
        const answer = JSON.stringify(this.#answer(method, args, token));
        setTimeout(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(answer);
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  #answer(method: string, args: Record<string, unknown>, token?: string): Record<string, unknown> {
    const ts = () => {
      this.#ts += 100;
      const s = String(this.#ts);
      return `${s.slice(0, 10)}.${s.slice(10)}`;
    };
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", team: "Test", url: "https://test.slack.example/" };
      case "chat.postMessage": {
        const channel = String(args.channel);
        if (this.closedChannels.has(channel)) return { ok: false, error: "not_in_channel" };
        return { ok: true, channel: channel.startsWith("U") ? `D${channel.slice(1)}` : channel, ts: ts(), message: { text: args.text } };
      }
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts };
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts() };
      case "chat.getPermalink":
        return { ok: true, permalink: `https://test.slack.example/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}` };
      case "views.open":
      case "views.push":
      case "views.update":
      case "views.publish":
        return { ok: true, view: { id: "V1", hash: "h1", ...(args.view as object) } };
      case "apps.connections.open":
        return { ok: true, url: this.socketUrl };
      case "files.info": {
        // Slack shows a file only to the workspace it was shared in (or with, for Slack Connect).
        const file = this.files.get(String(args.file));
        if (!file || file.token !== token) return { ok: false, error: "file_not_found" };
        const download = file.url ?? `http://${this.fileHost}/files-pri/${String(args.file)}/download/${encodeURIComponent(file.name)}`;
        return { ok: true, file: { id: args.file, name: file.name, mimetype: file.mimetype, ...(file.hideSize ? {} : { size: file.content.length }), url_private: download, url_private_download: download } };
      }
      case "users.info": {
        const email = this.emails.get(String(args.user));
        const tz = this.timeZones.get(String(args.user));
        return { ok: true, user: { id: args.user, ...(tz ? { tz } : {}), profile: email ? { email } : {} } };
      }
      default:
        return { ok: true };
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
