import { createServer, type Server } from "node:http";
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
}

export class FakeFileHost {
  readonly requests: { path: string; authorization?: string }[] = [];
  readonly files = new Map<string, HostedFile>();
  #server?: Server;

  get port(): number {
    return (this.#server!.address() as AddressInfo).port;
  }

  /** The download address of a file put on the host, on 127.0.0.1 (or another name for the same machine). */
  put(name: string, file: HostedFile, host = "127.0.0.1"): string {
    this.files.set(name, file);
    return `http://${host}:${this.port}/personal/ada_contoso_com/_layouts/15/download.aspx?UniqueId=${encodeURIComponent(name)}&tempauth=t0ken`;
  }

  fetchesOf(name: string): number {
    return this.requests.filter((r) => new URL(r.path, "http://x").searchParams.get("UniqueId") === name).length;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      this.requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
      const name = new URL(req.url ?? "/", "http://x").searchParams.get("UniqueId") ?? "";
      const file = this.files.get(name);
      if (!file) {
        res.writeHead(404).end();
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

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
