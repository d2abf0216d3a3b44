import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/adapters/http/server.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { createAttachments } from "../../src/core/attachments/attachments.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { fileLink } from "../../src/files/file-links.ts";
import { routeFiles } from "../../src/files/route.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * Who sees which file of a case (issue 14): the files of an internal note are as internal
 * as the note, so a customer can neither list nor open them, not even with a genuine link
 * made out to them; a customer of another account opens none. And the limits the operator
 * sets (ATTACHMENT_*) refuse a file with the limit named.
 */
describe("files on a case: who may see them, and the limits", () => {
  const s = useWorld({ start: "2026-03-02T09:00:00Z" });
  const keys = { current: randomBytes(32) };
  let http: HttpServer;
  let base: string;
  const ada = () => as(s.w.people.acmeUser.id);
  const eve = () => as(s.w.people.engineer.id);

  beforeAll(async () => {
    http = await startHttpServer({ port: 0, host: "127.0.0.1", logger: s.t.logger, readiness: [] });
    routeFiles(http, { keys, attachments: s.t.core.email.attachments, now: () => s.t.clock.now(), logger: s.t.logger });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(() => http?.drain(1000));

  const link = (attachmentId: string, personId: string) => fileLink({ base, keys, attachmentId, personId, now: s.t.clock.now() });

  async function caseWithNoteAndReply() {
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id));
    const files = s.t.core.email.attachments;
    const [shared] = await files.add(ada(), c.number, [{ name: "player.log", contentType: "text/plain", content: Buffer.from("ERROR 42\n") }]);
    s.t.clock.advance(60_000); // listed oldest first
    const { comment: note } = await s.t.core.cases.comment(eve(), c.number, { body: "Heap dump from our side.", internal: true });
    const [internal] = await files.add(eve(), c.number, [{ name: "heap.hprof", contentType: "application/octet-stream", content: Buffer.from("internal bytes") }], { commentId: note.id });
    return { c, shared: shared!, internal: internal! };
  }

  it("a customer lists only the files staff did not attach to an internal note; staff list both", async () => {
    const { c } = await caseWithNoteAndReply();
    expect((await s.t.core.email.attachments.list(ada(), c.number)).map((f) => f.name)).toEqual(["player.log"]);
    expect((await s.t.core.email.attachments.list(eve(), c.number)).map((f) => f.name)).toEqual(["player.log", "heap.hprof"]);
    // The case as the customer reads it (what their card lists) leaves it out too.
    expect((await s.t.core.cases.get(ada(), c.number)).attachments?.map((f) => f.name)).toEqual(["player.log"]);
  });

  it("a customer cannot open an internal note's file, not even through a genuine link made out to them", async () => {
    const { internal } = await caseWithNoteAndReply();
    await expect(s.t.core.email.attachments.open(ada(), internal.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const res = await fetch(link(internal.id, s.w.people.acmeUser.id));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("internal bytes");
    const staff = await fetch(link(internal.id, s.w.people.engineer.id));
    expect(staff.status).toBe(200);
    expect(await staff.text()).toBe("internal bytes");
  });

  it("a customer of another account cannot open a file link of the case, nor the file itself", async () => {
    const { shared } = await caseWithNoteAndReply();
    const res = await fetch(link(shared.id, s.w.people.globexUser.id));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("ERROR 42");
    await expect(s.t.core.email.attachments.open(as(s.w.people.globexUser.id), shared.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await fetch(link(shared.id, s.w.people.acmeUser.id))).status).toBe(200);
  });

  it("the operator's limits refuse a file with the limit named: size, type and how many a case holds", async () => {
    const limited = createAttachments(
      { prisma: s.t.db.prisma, clock: s.t.clock, catalog: DEFAULT_CATALOG, vault: new CredentialVault(randomBytes(32)), logger: s.t.logger },
      { limits: { maxBytes: 1024, maxPerCase: 2, refusedExtensions: ["zip"] } },
    );
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id));
    await expect(limited.add(ada(), c.number, [{ name: "big.log", content: Buffer.alloc(2048, 1) }])).rejects.toMatchObject({ code: "VALIDATION", message: "big.log is 2 KB; files may be at most 1 KB." });
    await expect(limited.add(ada(), c.number, [{ name: "logs.ZIP", content: Buffer.from("PK") }])).rejects.toMatchObject({ message: "logs.ZIP: files of type .zip cannot be attached to a case." });
    // A type refused by default is allowed once the operator's list leaves it out.
    await limited.add(ada(), c.number, [{ name: "install.exe", content: Buffer.from("MZ") }, { name: "a.txt", content: Buffer.from("a") }]);
    await expect(limited.add(ada(), c.number, [{ name: "b.txt", content: Buffer.from("b") }])).rejects.toMatchObject({ message: "A case may hold at most 2 files; this one has 2." });
    // Names are cleaned: no folders, no control characters.
    const [clean] = await s.t.core.email.attachments.add(ada(), c.number, [{ name: "../../etc/\u202epasswd.txt", content: Buffer.from("x") }]);
    expect(clean!.name).toBe("passwd.txt");
  });
});
