import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { Logger } from "../../logger.ts";

/**
 * The process the adapters mount in. Routes are exact paths; Slack and Teams add
 * theirs (/slack/events, /api/messages). /healthz says the process is alive;
 * /readyz says it should get traffic (database reachable, migrations applied, not
 * draining). Shutdown fails readiness first, stops accepting, drains in-flight
 * requests under a deadline, then lets the caller close the database.
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

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
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

  routes.set("GET /healthz", (_req, res) => json(res, 200, { status: "ok" }));
  routes.set("GET /readyz", async (_req, res) => {
    if (draining) return json(res, 503, { status: "draining" });
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
    json(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks: results });
  });

  const server = createServer((req, res) => {
    inFlight += 1;
    res.on("close", () => {
      inFlight -= 1;
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    });
    const path = (req.url ?? "/").split("?")[0];
    const handler = routes.get(`${req.method} ${path}`);
    if (!handler) return json(res, 404, { error: "not found" });
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        const reference = randomUUID();
        log.error({ err: error, reference, path }, "request failed");
        if (!res.headersSent) json(res, 500, { error: "Something went wrong on our side.", reference });
        else res.end();
      });
  });
  // NOTE: keep-alive sockets would hold close() open past the drain deadline.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
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
