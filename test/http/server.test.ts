import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";

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
});
