import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomUUID } from "node:crypto";
import type { Logger } from "../../logger.ts";

/**
 * The process the adapters mount in. Routes are exact paths; Slack and Teams add
 * theirs (/slack/events, /api/messages). /healthz says the process is alive;
 * /readyz says it should get traffic (database reachable, migrations applied, not
 * draining). Shutdown fails readiness first, stops accepting, drains in-flight
 * requests (and the work their handlers continue after answering) under a deadline,
 * then lets the caller close the database.
 *
 * Nothing a client sends reaches past a route: a handler's throw or rejection is a
 * 500 with a reference, an HttpRefusal is its status, a malformed request line or
 * header is a 400 from Node's parser, a client that goes away mid-body is logged.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  route(method: "GET" | "POST", path: string, handler: RouteHandler): void;
  /** Marks the process as draining: /readyz answers 503 from now on. */
  startDraining(): void;
  /** Stops accepting, waits for in-flight requests up to the deadline; resolves true when all finished. */
  drain(deadlineMs: number): Promise<boolean>;
}

/** A request refused for what the client sent: the route throws it, the server answers `status` with `message`. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpRefusal";
  }
}

/** The client went away before its request was read; nobody is left to answer. */
export class ClientGone extends Error {
  constructor(cause?: unknown) {
    super("the client closed the connection before its request was read", { cause });
    this.name = "ClientGone";
  }
}

/**
 * Bounds how long a client may take to send its headers and its whole request, so
 * slow senders cannot hold connections open (Node's defaults are 1 and 5 minutes;
 * Slack and Bot Framework send a request at once and give up after seconds).
 */
const HEADERS_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The raw body, at most `limitBytes` (a larger one is refused with 413 before more
 * is read, by its Content-Length when it declares one). Rejects with ClientGone when
 * the client disconnects mid-body.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpRefusal(413, `The request body is larger than ${limitBytes} bytes.`, { connection: "close" });
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      if (error) {
        // Stop reading: what is left is discarded with the connection (413 answers "connection: close").
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) finish(tooLarge());
      else chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish(undefined));
    req.once("error", (error) => finish(new ClientGone(error)));
    req.once("close", () => {
      if (!req.complete) finish(new ClientGone());
    });
  });
}

/** The path of a request target: origin-form ("/a?b") as is, absolute-form by URL; anything else is malformed. */
function pathOf(target: string | undefined): string | undefined {
  const raw = target ?? "/";
  if (raw.startsWith("/")) return raw.split(/[?#]/, 1)[0];
  try {
    return new URL(raw).pathname;
  } catch {
    return undefined;
  }
}

export async function startHttpServer(options: {
  port: number;
  host?: string;
  logger: Logger;
  readiness: ReadinessCheck[];
}): Promise<HttpServer> {
  const log = options.logger.child({ module: "adapters/http" });
  const routes = new Map<string, RouteHandler>();
  let draining = false;
  let inFlight = 0;
  const idle: (() => void)[] = [];

  routes.set("GET /healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
  routes.set("GET /readyz", async (_req, res) => {
    if (draining) return sendJson(res, 503, { status: "draining" });
    const results: Record<string, boolean> = {};
    for (const { name, check } of options.readiness) {
      try {
        results[name] = await check();
      } catch (error) {
        // A failed check is an answer ("not ready"), not a crash; the cause goes to the log.
        log.warn({ err: error, check: name }, "readiness check failed");
        results[name] = false;
      }
    }
    const ready = Object.values(results).every(Boolean);
    sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks: results });
  });

  const failed = (error: unknown, req: IncomingMessage, res: ServerResponse, path: string) => {
    if (error instanceof HttpRefusal) {
      log.info({ status: error.status, path, reason: error.message }, "request refused");
      return sendJson(res, error.status, { error: error.message }, error.headers);
    }
    if (error instanceof ClientGone) {
      // Nobody is waiting for an answer; the handler saw nothing it could act on.
      log.warn({ path }, "client went away before its request was read");
      return;
    }
    // NOTE: not req.destroyed: Node marks a request destroyed once its body has been read,
    // and a failure after that (the database down) must still be answered.
    const reference = randomUUID();
    log.error({ err: error, reference, path }, "request failed");
    if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: "Something went wrong on our side.", reference });
    else res.end();
  };

  const server = createServer((req, res) => {
    // A request is in flight until it is answered AND its handler has finished: work a
    // handler continues after answering (a Slack listener after its ack) drains too.
    inFlight += 1;
    let pending = 2;
    const done = () => {
      pending -= 1;
      if (pending > 0) return;
      inFlight -= 1;
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    };
    res.once("close", done);
    // NOTE: without an 'error' listener, a client reset mid-body would be an unhandled 'error' event.
    req.on("error", (error) => log.debug({ err: error }, "request stream error"));

    const path = pathOf(req.url);
    if (path === undefined) {
      done();
      return sendJson(res, 400, { error: "malformed request target" });
    }
    const handler = routes.get(`${req.method} ${path}`);
    if (!handler) {
      done();
      return sendJson(res, 404, { error: "not found" });
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => failed(error, req, res, path))
      .catch((error: unknown) => log.error({ err: error, path }, "answering a failed request failed"))
      .finally(done);
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // NOTE: keep-alive sockets would hold close() open past the drain deadline.
  server.keepAliveTimeout = 5_000;
  // Malformed request lines or headers, oversized headers, timeouts: Node's parser
  // refuses them before any route; answer 400 when the socket can still take it, then drop it.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    log.info({ code: error.code }, "malformed or incomplete request refused");
    if (socket.writable && !socket.writableEnded && error.code !== "ECONNRESET") {
      // end() closes the socket once the answer is flushed; destroying it now could drop the answer.
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  // After listening, a server error (e.g. too many open files on accept) is logged, never an unhandled 'error' event.
  server.on("error", (error) => log.error({ err: error }, "http server error"));
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, "listening");

  return {
    server,
    port,
    route: (method, path, handler) => routes.set(`${method} ${path}`, handler),
    startDraining: () => {
      draining = true;
    },
    drain: async (deadlineMs) => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const finished = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), deadlineMs);
      });
      const ok = await Promise.race([finished.then(() => true as const), deadline]);
      clearTimeout(timer);
      if (!ok) {
        log.warn({ inFlight }, "drain deadline passed; closing remaining connections");
        server.closeAllConnections();
      }
      await closed;
      return ok;
    },
  };
}
