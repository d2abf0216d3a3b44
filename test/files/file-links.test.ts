import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/adapters/http/server.ts";
import { fileLink } from "../../src/files/file-links.ts";
import { routeFiles } from "../../src/files/route.ts";
import { as, filing, useWorld } from "../support/world.ts";

/** Files are opened only through signed, expiring links, and only by people who may see the case. */
describe("file links", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });
  const keys = { current: randomBytes(32) };
  let http: HttpServer;
  let base: string;

  beforeAll(async () => {
    http = await startHttpServer({ port: 0, host: "127.0.0.1", logger: s.t.logger, readiness: [] });
    routeFiles(http, { keys, attachments: s.t.core.email.attachments, now: () => s.t.clock.now(), logger: s.t.logger });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(() => http?.drain(1000));

  async function caseWithFiles() {
    const ada = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id));
    const [log, page] = await s.t.core.email.attachments.add(ada, c.number, [
      { name: "player log.txt", contentType: "text/plain", content: Buffer.from("ERROR 42\n") },
      { name: "repro.html", contentType: "text/html", content: Buffer.from("<script>alert(1)</script>") },
    ]);
    return { c, log: log!, page: page! };
  }
  const link = (attachmentId: string, personId: string, ttlMs?: number) => fileLink({ base, keys, attachmentId, personId, now: s.t.clock.now(), ttlMs });

  it("the case's contact and staff download the file; it is a download, never a page", async () => {
    const { log, page } = await caseWithFiles();
    const own = await fetch(link(log.id, s.w.people.acmeUser.id));
    expect(own.status).toBe(200);
    expect(await own.text()).toBe("ERROR 42\n");
    expect(own.headers.get("content-disposition")).toBe(`attachment; filename="player log.txt"; filename*=UTF-8''player%20log.txt`);
    expect(own.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await fetch(link(log.id, s.w.people.engineer.id))).status).toBe(200);
    const html = await fetch(link(page.id, s.w.people.acmeUser.id));
    expect(html.headers.get("content-type")).toBe("application/octet-stream");
  });

  it("a customer of another account cannot open it, even with a genuine link made out to them", async () => {
    const { log } = await caseWithFiles();
    const res = await fetch(link(log.id, s.w.people.globexUser.id));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("ERROR 42");
  });

  it("a link stops working when it expires, and any change to it breaks it", async () => {
    const { log } = await caseWithFiles();
    const url = link(log.id, s.w.people.acmeUser.id, 60_000);
    const forGail = url.replace(s.w.people.acmeUser.id, s.w.people.globexUser.id);
    expect((await fetch(forGail)).status).toBe(404);
    expect((await fetch(url.replace(/e=(\d+)/, (_m, e: string) => `e=${Number(e) + 3600}`))).status).toBe(404);
    expect((await fetch(`${base}/files?id=${log.id}`)).status).toBe(404);
    expect((await fetch(url)).status).toBe(200);
    s.t.clock.advance(61_000);
    expect((await fetch(url)).status).toBe(404);
  });
});
