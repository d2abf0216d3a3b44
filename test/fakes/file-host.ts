import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for OneDrive/SharePoint on loopback: serves the files a test puts on it
 * at the address a Teams `file.download.info` attachment would carry as its
 * `content.downloadUrl` (a pre-authenticated GET), and records every request, so a test
 * can tell a file that was never fetched from one that was.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4#receive-files-in-personal-chat
 */
export interface HostedFile {
  content: Buffer;
  contentType?: string;
  /** Send no Content-Length (chunked), so only counting while streaming can tell the size. */
  chunked?: boolean;
  /** Answer with a redirect to this address instead. */
  redirectTo?: string;
  /** Answer this many requests with 503 first (OneDrive having a bad minute); counted down as they come. */
  failFirst?: number;
}

export class FakeFileHost {
  readonly requests: { path: string; authorization?: string }[] = [];
  readonly files = new Map<string, HostedFile>();
  /** Images pasted into a message, served as the Bot Connector serves them (v3/attachments/{id}/views/original). */
  readonly inline = new Map<string, HostedFile>();
  #server?: Server;

  /**
   * `connector`: the host then also plays the Bot Connector's origin: activities name it
   * as their serviceUrl, it serves pasted images itself and forwards every other
   * connector call to the fake connector (test/fakes/bot-connector.ts), which records them.
   */
  constructor(private readonly options: { connector?: () => string } = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get port(): number {
    return (this.#server!.address() as AddressInfo).port;
  }

  /** The download address of a file put on the host, on 127.0.0.1 (or another name for the same machine). */
  put(name: string, file: HostedFile, host = "127.0.0.1"): string {
    this.files.set(name, file);
    return `http://${host}:${this.port}/personal/ada_contoso_com/_layouts/15/download.aspx?UniqueId=${encodeURIComponent(name)}&tempauth=t0ken`;
  }

  /** The address of an image pasted into a message, on this host as the Bot Connector. */
  putInline(id: string, file: HostedFile): string {
    this.inline.set(id, file);
    return `${this.url}v3/attachments/${encodeURIComponent(id)}/views/original`;
  }

  fetchesOf(name: string): number {
    return this.requests.filter((r) => new URL(r.path, "http://x").searchParams.get("UniqueId") === name).length;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const pasted = (req.url ?? "").match(/^\/v3\/attachments\/([^/]+)\/views\/original$/);
      if (req.method === "GET" && pasted) {
        this.requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
        const image = this.inline.get(decodeURIComponent(pasted[1]!));
        if (!image) return void res.writeHead(404).end();
        return void res.writeHead(200, { "content-type": image.contentType ?? "image/png", "content-length": String(image.content.length) }).end(image.content);
      }
      if (this.options.connector && (req.url ?? "").startsWith("/v3/")) {
        this.requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
        return void this.forward(req, res, this.options.connector());
      }
      this.requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
      const name = new URL(req.url ?? "/", "http://x").searchParams.get("UniqueId") ?? "";
      const file = this.files.get(name);
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      if (file.failFirst && file.failFirst > 0) {
        file.failFirst -= 1;
        res.writeHead(503, { "retry-after": "1" }).end();
        return;
      }
      if (file.redirectTo) {
        res.writeHead(302, { location: file.redirectTo }).end();
        return;
      }
      const type = { "content-type": file.contentType ?? "application/octet-stream" };
      if (!file.chunked) {
        res.writeHead(200, { ...type, "content-length": String(file.content.length) }).end(file.content);
        return;
      }
      res.writeHead(200, type);
      // In 64 KiB pieces: the reader learns the size only as it streams.
      let offset = 0;
      const next = () => {
        if (offset >= file.content.length || res.destroyed) return void res.end();
        const piece = file.content.subarray(offset, offset + 64 * 1024);
        offset += piece.length;
        if (res.write(piece)) setImmediate(next);
        else res.once("drain", next);
      };
      next();
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  private forward(req: IncomingMessage, res: ServerResponse, connector: string): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const h of ["content-type", "authorization"]) if (typeof req.headers[h] === "string") headers[h] = req.headers[h] as string;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(new URL(req.url!.slice(1), connector), { method: req.method, headers, body })
        .then(async (answer) => res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => res.writeHead(502).end());
    });
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
