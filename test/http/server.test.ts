import { EventEmitter } from "node:events";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { readBody } from "../../src/adapters/http/server.ts";
import { startApp, type App } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger, installLastResortHandlers } from "../../src/logger.ts";

function quietLog() {
  const lines: string[] = [];
  return {
    lines,
    destination: new Writable({
      write(chunk, _e, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    }),
  };
}

/** Sends raw bytes over TCP (what fetch would never send) and returns what came back, or "" on a reset. */
function rawRequest(port: number, bytes: string, options: { hangUpAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(bytes);
      if (options.hangUpAfterWrite) setTimeout(() => socket.destroy(), 50);
    });
    let received = "";
    socket.on("data", (chunk) => (received += String(chunk)));
    socket.on("close", () => resolve(received));
    socket.on("error", () => resolve(received));
  });
}

async function start(env: Record<string, string> = {}) {
  const log = quietLog();
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: "memory://", LOG_LEVEL: "info", ...env });
  const app = await startApp(config, { logDestination: log.destination });
  return { app, log, url: (path: string) => `http://127.0.0.1:${app.http.port}${path}` };
}

describe("the server process", () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop("test over");
    app = undefined;
  });

  it("answers /healthz and /readyz on the embedded database, with demo data on first start", async () => {
    const s = await start();
    app = s.app;
    expect(await (await fetch(s.url("/healthz"))).json()).toEqual({ status: "ok" });
    const ready = await fetch(s.url("/readyz"));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: true, migrations: true } });
    expect(await app.db.prisma.account.count()).toBe(4);
    const statuses = (await app.db.prisma.case.findMany({ select: { status: true } })).map((c) => c.status);
    expect(new Set(statuses)).toEqual(new Set(["NEW", "IN_PROGRESS", "PENDING", "CLOSED"]));
    expect((await fetch(s.url("/nope"))).status).toBe(404);
  });

  it("skips demo data when switched off", async () => {
    const s = await start({ DEMO_DATA: "off" });
    app = s.app;
    expect(await app.db.prisma.account.count()).toBe(0);
  });

  it("on shutdown fails readiness first, drains in-flight requests, then closes the database", async () => {
    const s = await start({ DEMO_DATA: "off", SHUTDOWN_GRACE_MS: "400", SHUTDOWN_TIMEOUT_MS: "5000" });
    const running = s.app;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    running.http.route("GET", "/slow", async (_req, res) => {
      await gate;
      res.end("finished");
    });
    const slow = fetch(s.url("/slow"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = running.stop("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // During the grace period the process is alive but not ready.
    expect((await fetch(s.url("/readyz"))).status).toBe(503);
    expect((await fetch(s.url("/healthz"))).status).toBe(200);
    release();
    expect(await (await slow).text()).toBe("finished");
    await stopping;
    await expect(running.db.ping()).rejects.toThrow();
    expect(s.log.lines.some((l) => l.includes('"drained":true'))).toBe(true);
  });

  it("cuts off requests that outlive the drain deadline", async () => {
    const s = await start({ DEMO_DATA: "off", SHUTDOWN_TIMEOUT_MS: "200" });
    const running = s.app;
    running.http.route("GET", "/stuck", () => new Promise<void>(() => undefined));
    const stuck = fetch(s.url("/stuck")).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await running.stop("SIGTERM");
    expect(await stuck).toBeInstanceOf(Error);
    expect(s.log.lines.some((l) => l.includes("drain deadline passed"))).toBe(true);
  });

  it("answers a failing route with a reference, never the exception's text", async () => {
    const s = await start({ DEMO_DATA: "off" });
    app = s.app;
    app.http.route("GET", "/boom", () => {
      throw new Error("secret internals: password=hunter2");
    });
    const res = await fetch(s.url("/boom"));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; reference: string };
    expect(body.error).toBe("Something went wrong on our side.");
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(s.log.lines.some((l) => l.includes(body.reference))).toBe(true);
  });

  it("answers a route that fails after reading its body (the database down) with a 500 and a reference", async () => {
    const s = await start({ DEMO_DATA: "off" });
    app = s.app;
    app.http.route("POST", "/store", async (req) => {
      await readBody(req, 1024);
      throw new Error("connection refused");
    });
    const res = await fetch(s.url("/store"), { method: "POST", body: "a reply", signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { reference: string };
    expect(s.log.lines.some((l) => l.includes(body.reference) && l.includes("request failed"))).toBe(true);
  });

  it("answers a malformed request line or target with 400 and keeps serving", async () => {
    const s = await start({ DEMO_DATA: "off" });
    app = s.app;
    expect(await rawRequest(app.http.port, "GARBAGE\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(app.http.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(app.http.port, "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(s.url("/healthz"))).status).toBe(200);
  });

  it("a client that hangs up in the middle of its body disturbs nothing, and the route sees why", async () => {
    const s = await start({ DEMO_DATA: "off" });
    app = s.app;
    app.http.route("POST", "/upload", async (req, res) => {
      await readBody(req, 1024);
      res.end("read");
    });
    await rawRequest(app.http.port, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nonly a little", { hangUpAfterWrite: true });
    await expect.poll(() => s.log.lines.some((l) => l.includes("client went away before its request was read"))).toBe(true);
    expect(s.log.lines.some((l) => l.includes("request failed"))).toBe(false);
    expect((await fetch(s.url("/healthz"))).status).toBe(200);
  });

  it("refuses a body over a route's limit with 413", async () => {
    const s = await start({ DEMO_DATA: "off" });
    app = s.app;
    app.http.route("POST", "/upload", async (req, res) => {
      await readBody(req, 1024);
      res.end("read");
    });
    const res = await fetch(s.url("/upload"), { method: "POST", body: "x".repeat(4096) });
    expect(res.status).toBe(413);
    expect((await fetch(s.url("/upload"), { method: "POST", body: "small" })).status).toBe(200);
  });

  it("on shutdown waits for work a handler continues after answering", async () => {
    const s = await start({ DEMO_DATA: "off", SHUTDOWN_TIMEOUT_MS: "5000" });
    const running = s.app;
    let finished = false;
    running.http.route("POST", "/ack-then-work", async (_req, res) => {
      res.end("acknowledged");
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    expect(await (await fetch(s.url("/ack-then-work"), { method: "POST" })).text()).toBe("acknowledged");
    await running.stop("SIGTERM");
    expect(finished).toBe(true);
  });
});

describe("the process's last resort", () => {
  it("logs a stray rejection and an uncaught exception with a reference, and the process keeps going", () => {
    const log = quietLog();
    const processLike = new EventEmitter();
    installLastResortHandlers(createLogger({ destination: log.destination }), processLike);
    processLike.emit("unhandledRejection", new Error("nobody awaited me"));
    processLike.emit("uncaughtException", new Error("nobody caught me"), "uncaughtException");
    const lines = log.lines.map((l) => JSON.parse(l) as { level: number; reference?: string; err?: { message: string } });
    expect(lines).toMatchObject([
      { level: 50, err: { message: "nobody awaited me" } },
      { level: 60, err: { message: "nobody caught me" } },
    ]);
    expect(lines.every((l) => typeof l.reference === "string")).toBe(true);
  });
});
