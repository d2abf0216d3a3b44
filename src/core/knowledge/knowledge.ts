import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { isVendorSide } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import { findProduct } from "../catalog.ts";
import { inTransaction, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";

/**
 * Knowledge articles: imported from Markdown (the CLI reads the files), searched with
 * PostgreSQL's full-text search, the same on PGlite and PostgreSQL: English stemming
 * ("uploading" finds "upload"), a prefix match on the last word typed ("transc" finds
 * "transcoding"), a product filter, and ranking that weighs the title over tags over
 * the body. Retired articles never show.
 * @link https://www.postgresql.org/docs/current/textsearch-controls.html
 */
export const articleSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,119}$/, "a slug is lowercase letters, digits and dashes"),
  title: z.string().trim().min(1).max(200),
  product: z.string().min(1),
  feature: z.string().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  updated: z.coerce.date(),
  body: z.string().min(1).max(100_000),
});
export type ArticleInput = z.input<typeof articleSchema>;

export interface KnowledgeHit {
  slug: string;
  title: string;
  product: string;
  snippet: string;
}

/** The words of a query as a tsquery: every word must match, the last one as a prefix. */
export function toPrefixQuery(text: string): string | null {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  if (words.length === 0) return null;
  return words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(" & ");
}

const searchSchema = z.object({
  query: z.string({ error: "Type what you are looking for." }).trim().min(2, "Type at least 2 characters to search.").max(200, "Keep the search to at most 200 characters."),
  product: z.string().optional(),
  limit: z.number().int().min(1).max(25).default(5),
});

/** (Re)computes the search vectors of the given articles: title A, tags B, body C, English stemming. */
export async function refreshSearchVectors(db: Pick<Tx, "$executeRaw">, slugs: string[]): Promise<void> {
  await db.$executeRaw`
    UPDATE "KnowledgeArticle" SET "searchVector" =
      setweight(to_tsvector('english', title), 'A') ||
      setweight(to_tsvector('english', array_to_string(tags, ' ')), 'B') ||
      setweight(to_tsvector('english', body), 'C')
    WHERE slug = ANY(${slugs})`;
}

export function createKnowledge(deps: CoreDeps) {
  const productName = (key: string) => findProduct(deps.catalog, key)?.name ?? key;
  const known = (ctx: Ctx) => loadActor(deps.prisma, ctx.actor);

  return {
    /** Imports the full set: new and changed articles are written, articles no longer in the set are retired. */
    import: (ctx: Ctx, raw: ArticleInput[]) =>
      inTransaction(deps.prisma, async (tx) => {
        const actor = await loadActor(tx, ctx.actor);
        if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff or the operator import knowledge articles." });
        const articles = raw.map((a, i) => {
          const parsed = articleSchema.safeParse(a);
          if (!parsed.success) throw new CaseError("VALIDATION", { field: `articles[${i}]`, message: `Article ${a.slug ?? i}: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` });
          const article = parsed.data;
          if (!findProduct(deps.catalog, article.product)) throw new CaseError("VALIDATION", { field: "product", message: `Article ${article.slug}: unknown product "${article.product}".` });
          return article;
        });
        const now = deps.clock.now();
        const existing = new Map((await tx.knowledgeArticle.findMany({ select: { slug: true, retiredAt: true } })).map((r) => [r.slug, r]));
        let created = 0;
        for (const a of articles) {
          const data = { title: a.title, product: a.product, feature: a.feature ?? null, tags: a.tags, body: a.body, updatedAt: a.updated, retiredAt: null };
          if (existing.has(a.slug)) await tx.knowledgeArticle.update({ where: { slug: a.slug }, data });
          else {
            await tx.knowledgeArticle.create({ data: { id: randomUUID(), slug: a.slug, ...data } });
            created += 1;
          }
        }
        const slugs = articles.map((a) => a.slug);
        await refreshSearchVectors(tx, slugs);
        const retired = await tx.knowledgeArticle.updateMany({ where: { slug: { notIn: slugs }, retiredAt: null }, data: { retiredAt: now } });
        await recordAudit(tx, { actor, action: "knowledge.imported", changes: { articles: articles.length, created, retired: retired.count }, source: ctx.source, at: now });
        return { articles: articles.length, created, updated: articles.length - created, retired: retired.count };
      }),

    search: async (ctx: Ctx, raw: { query: string; product?: string; limit?: number }): Promise<KnowledgeHit[]> => {
      const input = parseInput(searchSchema, raw);
      await known(ctx);
      const tsquery = toPrefixQuery(input.query);
      if (!tsquery) return [];
      const product = input.product ?? null;
      // Rank and cut first, then build snippets only for the rows shown.
      const rows = await deps.prisma.$queryRaw<{ slug: string; title: string; product: string; snippet: string }[]>`
        SELECT a.slug, a.title, a.product,
               ts_headline('english', a.body, q.query, 'MaxWords=30, MinWords=12, StartSel=«, StopSel=», HighlightAll=false') AS snippet
        FROM (
          SELECT id, ts_rank_cd("searchVector", to_tsquery('english', ${tsquery})) AS rank
          FROM "KnowledgeArticle"
          WHERE "retiredAt" IS NULL
            AND "searchVector" @@ to_tsquery('english', ${tsquery})
            AND (${product}::text IS NULL OR product = ${product}::text)
          ORDER BY rank DESC, id
          LIMIT ${input.limit}
        ) ranked
        JOIN "KnowledgeArticle" a ON a.id = ranked.id
        CROSS JOIN (SELECT to_tsquery('english', ${tsquery}) AS query) q
        ORDER BY ranked.rank DESC, a.title`;
      return rows.map((r) => ({ ...r, product: productName(r.product), snippet: r.snippet.replace(/\s+/g, " ").trim() }));
    },

    /** The articles of a product, newest first. */
    browse: async (ctx: Ctx, raw: string, limit = 20) => {
      const product = parseInput(z.string().max(100), raw, { field: "product" });
      await known(ctx);
      const rows = await deps.prisma.knowledgeArticle.findMany({ where: { product, retiredAt: null }, select: { slug: true, title: true, updatedAt: true }, orderBy: { updatedAt: "desc" }, take: Math.min(limit, 50) });
      return rows.map((r) => ({ ...r, product: productName(product) }));
    },

    get: async (ctx: Ctx, raw: string) => {
      const slug = parseInput(z.string().min(1).max(120), raw, { field: "slug" });
      await known(ctx);
      const row = await deps.prisma.knowledgeArticle.findUnique({ where: { slug }, select: { slug: true, title: true, product: true, feature: true, tags: true, body: true, updatedAt: true, retiredAt: true } });
      if (!row || row.retiredAt) throw new CaseError("NOT_FOUND", { message: "That article is not available any more." });
      return { ...row, productName: productName(row.product) };
    },

    /** "This answered my question": ends the filing and is counted for the article. */
    answered: async (ctx: Ctx, raw: { slug: string; query: string }) => {
      const actor = await known(ctx);
      const input = parseInput(z.object({ slug: z.string().min(1).max(120), query: z.string().max(300) }), raw);
      return inTransaction(deps.prisma, async (tx) => {
        const updated = await tx.knowledgeArticle.updateMany({ where: { slug: input.slug, retiredAt: null }, data: { answeredCount: { increment: 1 } } });
        if (updated.count === 0) throw new CaseError("NOT_FOUND", { message: "That article is not available any more." });
        await tx.knowledgeAnswer.create({ data: { id: randomUUID(), slug: input.slug, query: input.query, personId: "personId" in actor ? actor.personId : null, at: deps.clock.now() } });
      });
    },
  };
}
