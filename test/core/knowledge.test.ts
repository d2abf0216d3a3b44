import { beforeAll, describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/core/knowledge/knowledge.ts";
import { refusal } from "../support/refusal.ts";
import { as, operator, useWorld } from "../support/world.ts";

const article = (slug: string, title: string, product: string, body: string, tags: string[] = []): ArticleInput => ({ slug, title, product, tags, updated: "2026-01-10", body });

const SET: ArticleInput[] = [
  article("upload-fails-large-files", "Uploads of large files fail", "ingest", "When an upload stops at 99%, check the browser's network tab. Large files need chunked upload.", ["upload"]),
  article("transcoding-stuck", "Entries stuck in transcoding", "ingest", "An entry can stay in processing when its source flavor is damaged. Reconvert it from the entry page.", ["transcoding", "flavors"]),
  article("captions-missing", "Machine captions are missing", "captions", "If machine captions do not appear, check that the REACH profile is active and that uploading finished.", ["captions"]),
  article("player-error-1002", "Player shows error 1002", "player", "Error 1002 means the player could not load the entry; check access control and whether transcoding finished.", ["playback"]),
  article("webcast-buffering", "Webcast viewers see buffering", "live", "Buffering for many viewers usually points to the encoder's upstream bandwidth. Lower the bitrate.", ["live"]),
  article("retired-article", "Upload limits in the old uploader", "ingest", "This describes the retired uploader and its upload limits.", ["upload"]),
];

describe("knowledge search", () => {
  const s = useWorld();
  beforeAll(async () => {
    await s.t.core.knowledge.import(operator, SET);
    // Re-importing without the retired article retires it.
    const result = await s.t.core.knowledge.import(operator, SET.filter((a) => a.slug !== "retired-article"));
    expect(result).toMatchObject({ articles: 5, created: 0, retired: 1 });
  });

  const search = (query: string, product?: string) => s.t.core.knowledge.search(as(s.w.people.acmeUser.id), { query, product });

  it("stems: 'uploading' finds articles about upload", async () => {
    const slugs = (await search("uploading")).map((h) => h.slug);
    expect(slugs).toContain("upload-fails-large-files");
    expect(slugs).toContain("captions-missing"); // its body says "uploading"
  });

  it("matches the last word typed as a prefix: 'transc' finds transcoding", async () => {
    const slugs = (await search("entries transc")).map((h) => h.slug);
    expect(slugs[0]).toBe("transcoding-stuck");
  });

  it("filters by product", async () => {
    const hits = await search("transcoding", "player");
    expect(hits.map((h) => h.slug)).toEqual(["player-error-1002"]);
    expect(hits[0]!.product).toBe("Video Player");
  });

  it("ranks a title match above a body match", async () => {
    const hits = await search("transcoding");
    expect(hits[0]!.slug).toBe("transcoding-stuck"); // in its title; the player article only mentions it
    expect(hits.map((h) => h.slug)).toContain("player-error-1002");
    expect(hits.find((h) => h.slug === "player-error-1002")!.snippet).toContain("«transcoding»");
  });

  it("never shows retired articles, in search or when opened", async () => {
    expect((await search("old uploader")).map((h) => h.slug)).not.toContain("retired-article");
    expect((await refusal(s.t.core.knowledge.get(as(s.w.people.acmeUser.id), "retired-article"))).code).toBe("NOT_FOUND");
  });

  it("counts 'this answered my question', and browses a product", async () => {
    await s.t.core.knowledge.answered(as(s.w.people.acmeUser.id), { slug: "webcast-buffering", query: "buffering" });
    expect((await s.t.db.prisma.knowledgeArticle.findUniqueOrThrow({ where: { slug: "webcast-buffering" } })).answeredCount).toBe(1);
    const ingest = await s.t.core.knowledge.browse(as(s.w.people.acmeUser.id), "ingest");
    expect(ingest.map((a) => a.slug).sort()).toEqual(["transcoding-stuck", "upload-fails-large-files"]);
  });

  it("lets only staff import, and names a bad article", async () => {
    expect((await refusal(s.t.core.knowledge.import(as(s.w.people.acmeUser.id), SET))).code).toBe("FORBIDDEN");
    const bad = await refusal(s.t.core.knowledge.import(operator, [{ ...SET[0]!, product: "toaster" }]));
    expect(bad.message).toContain('unknown product "toaster"');
  });
});

describe("product updates and RCAs", () => {
  const s = useWorld();

  it("are published by staff, RCAs for S1 incidents only, and listed newest first for anyone", async () => {
    const rca = await refusal(s.t.core.publications.publish(operator, { kind: "RCA", severity: "S2", title: "RCA: slow uploads", body: "…" }));
    expect(rca).toMatchObject({ field: "severity", message: "RCAs are published for S1 incidents only." });
    expect((await refusal(s.t.core.publications.publish(as(s.w.people.acmeUser.id), { kind: "PRODUCT_UPDATE", title: "x", body: "y" }))).code).toBe("FORBIDDEN");
    await s.t.core.publications.publish(as(s.w.people.engineer.id), { kind: "PRODUCT_UPDATE", title: "March release", body: "Faster uploads." });
    s.t.clock.advance(60_000);
    const { id } = await s.t.core.publications.publish(operator, { kind: "RCA", severity: "S1", title: "RCA: playback outage", body: "Root cause: an expired certificate." });
    const rcas = await s.t.core.publications.latest(as(s.w.people.acmeUser.id), "RCA");
    expect(rcas.map((r) => r.title)).toEqual(["RCA: playback outage"]);
    expect((await s.t.core.publications.read(as(s.w.people.acmeUser.id), id)).body).toContain("expired certificate");
  });
});
