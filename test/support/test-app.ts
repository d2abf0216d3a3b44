import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { startApp, type App } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { Clock } from "../../src/core/clock.ts";
import { freshPostgresDatabase } from "./test-core.ts";

/**
 * The whole server, as `npm start` runs it, on port 0: in-memory PGlite, or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set. Deliveries run when the test
 * says (app.worker.runOnce()).
 */
export interface TestApp {
  app: App;
  logLines: string[];
  url(path: string): string;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string>, options: { clock?: Clock } = {}): Promise<TestApp> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const fresh = adminUrl ? await freshPostgresDatabase(adminUrl) : undefined;
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: "memory://",
    DEMO_DATA: "off",
    // Tests that want the weekly summary say so (test/core/sla-weekly-summary.test.ts); the others must not see one on a Monday.
    WEEKLY_SUMMARY: "off",
    LOG_LEVEL: "debug",
    ...(fresh ? { DATABASE_URL: fresh.url, CREDENTIALS_KEY: randomBytes(32).toString("base64") } : {}),
    ...env,
  });
  const app = await startApp(config, { logDestination: destination, manualDelivery: true, clock: options.clock });
  return {
    app,
    logLines,
    url: (path) => `http://127.0.0.1:${app.http.port}${path}`,
    close: async () => {
      await app.stop("test over");
      await fresh?.drop();
    },
  };
}
