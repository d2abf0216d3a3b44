import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The bench's stand-in for Slack's Web API on 127.0.0.1: answers what carebot calls
 * (views.open/update/push, chat.postMessage/postEphemeral/update, users.info with an
 * email so a Slack user resolves to a demo contact, auth.test) and the response_url
 * posts (/respond/<id>), and tells a listener of every call with its arrival time
 * (performance.now() of this process, the clock the requests are timed with).
 * Kept apart from test/fakes so the bench runs on any commit that has src/.
 */
export interface SlackCallRecord {
  method: string;
  /** The request path: /api/<method>, or /respond/<id> for a response_url. */
  path: string;
  args: Record<string, unknown>;
  /** performance.now() when the body had arrived. */
  at: number;
  /** What we answered (chat.postMessage's ts, for the thread a card starts). */
  answer: Record<string, unknown>;
}

export class RecordingSlackApi {
  /** Slack user id -> email, as users.info reports it. */
  readonly emails = new Map<string, string>();
  readonly counts = new Map<string, number>();
  #server?: Server;
  #listeners: ((call: SlackCallRecord) => void)[] = [];
  #ts = 1_700_000_000_000_100;
  #views = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port()}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.#port()}/respond/${id}`;
  }

  /** Called for every call, in arrival order; returns the function that removes it. */
  onCall(listener: (call: SlackCallRecord) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #port(): number {
    return (this.#server!.address() as AddressInfo).port;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const at = performance.now();
        const raw = Buffer.concat(chunks).toString("utf8");
        const args = parseBody(raw, req.headers["content-type"] ?? "");
        const url = req.url ?? "";
        const method = url.startsWith("/respond/") ? "respond" : url.replace(/^\/api\//, "").split("?")[0]!;
        const answer = this.#answer(method, args);
        this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
        const call = { method, path: url, args, at, answer };
        for (const listener of [...this.#listeners]) listener(call);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      });
    });
    // Many concurrent calls from carebot under load: no per-socket request cap.
    this.#server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  #answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", team: "Bench", url: "https://bench.slack.example/" };
      case "chat.postMessage": {
        const channel = String(args.channel);
        return { ok: true, channel: channel.startsWith("U") ? `D${channel.slice(1)}` : channel, ts: this.#nextTs(), message: { text: args.text } };
      }
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts };
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.#nextTs() };
      case "chat.getPermalink":
        return { ok: true, permalink: `https://bench.slack.example/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}` };
      case "views.open":
      case "views.push":
      case "views.update":
      case "views.publish":
        return { ok: true, view: { id: typeof args.view_id === "string" ? args.view_id : `V${++this.#views}`, hash: "h1", ...(args.view as object) } };
      case "users.info": {
        const email = this.emails.get(String(args.user));
        return { ok: true, user: { id: args.user, profile: email ? { email } : {} } };
      }
      default:
        return { ok: true };
    }
  }

  #nextTs(): string {
    this.#ts += 100;
    const s = String(this.#ts);
    return `${s.slice(0, 10)}.${s.slice(10)}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes("json")) {
    try {
      return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      // Not JSON after all: recorded as text, so a broken call is still counted and visible.
      return { raw };
    }
  }
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // @slack/web-api sends objects (blocks, view) as JSON strings in form bodies.
    try {
      args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      args[k] = v;
    }
  }
  return args;
}
