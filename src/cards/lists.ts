import type { CaseSummary } from "../core/cases/presenter.ts";
import type { Page } from "../core/cases/queries.ts";
import type { CaseViewName } from "../core/cases/schemas.ts";
import type { SearchResults } from "../core/search.ts";
import { formatTime, STATUS_LABEL } from "./labels.ts";
import type { Block, CardAction, MessageCard } from "./model.ts";

export const VIEW_TITLE: Record<CaseViewName, string> = {
  mine: "All My Cases",
  open: "My Open Cases",
  account: "My Account's Open Cases",
  closed: "My Closed Cases",
};

export function caseItem(c: CaseSummary): Block {
  return {
    type: "item",
    title: `${c.number} · ${c.subject}`,
    subtitle: `${STATUS_LABEL[c.status] ?? c.status} · ${c.severity} · ${c.account.name} · updated ${formatTime(c.updatedAt)}`,
    action: { id: "case.open", label: "Open", value: c.number },
    optional: true,
  };
}

/** One of the four case views, a page at a time. */
export function buildCaseList(page: Page<CaseSummary>, view: CaseViewName): MessageCard {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const paging: CardAction[] = [];
  if (page.page > 1) paging.push({ id: "list.page", label: "Previous", value: `${view}:${page.page - 1}` });
  if (page.hasMore) paging.push({ id: "list.page", label: "Next", value: `${view}:${page.page + 1}` });
  paging.push({ id: "case.new", label: "New case", value: "new", style: "primary" });
  return {
    surface: "message",
    summary: `${VIEW_TITLE[view]}: ${page.total} ${page.total === 1 ? "case" : "cases"}`,
    blocks: [
      { type: "heading", text: VIEW_TITLE[view] },
      { type: "context", text: page.total === 0 ? "No cases here." : `Page ${page.page} of ${pages} · ${page.total} ${page.total === 1 ? "case" : "cases"}` },
      ...page.items.map(caseItem),
      { type: "actions", actions: paging },
    ],
  };
}

export function buildSearchResults(results: SearchResults): MessageCard {
  const blocks: Block[] = [{ type: "heading", text: `Search: ${results.query}` }];
  const none = results.cases.length + results.accounts.length + results.contacts.length === 0;
  if (none) blocks.push({ type: "text", text: "Nothing matches. Try fewer or other words, or a case number." });
  if (results.cases.length) blocks.push({ type: "context", text: "Cases" }, ...results.cases.map(caseItem));
  if (results.accounts.length) {
    blocks.push({ type: "context", text: "Accounts" }, ...results.accounts.map<Block>((a) => ({ type: "item", title: a.name, subtitle: a.type === "SUB" ? "Sub-account" : a.type === "PARENT" ? "Parent account" : "Account", action: { id: "account.open", label: "Open", value: a.id }, optional: true })));
  }
  if (results.contacts.length) {
    blocks.push({ type: "context", text: "Contacts" }, ...results.contacts.map<Block>((p) => ({ type: "item", title: p.name, subtitle: `${p.email}${p.account ? ` · ${p.account.name}` : ""}`, optional: true })));
  }
  return { surface: "message", summary: `Search results for ${results.query}`, blocks };
}

/** A knowledge article as search shows it; the knowledge issue fills these from full-text search. */
export interface KnowledgeHit {
  slug: string;
  title: string;
  product: string;
  snippet: string;
  url?: string;
}

/** Browsing knowledge: the products to choose from, or one product's articles. */
export function buildKnowledgeBrowse(input: { products: { key: string; name: string }[] } | { product: string; articles: { slug: string; title: string; updatedAt: Date }[] }): MessageCard {
  if ("products" in input) {
    return {
      surface: "message",
      summary: "Browse answers by product",
      blocks: [
        { type: "heading", text: "Browse answers by product" },
        ...input.products.map<Block>((p) => ({ type: "item", title: p.name, action: { id: "knowledge.browse", label: "Articles", value: p.key }, optional: true })),
      ],
    };
  }
  return {
    surface: "message",
    summary: `Articles about ${input.product}`,
    blocks: [
      { type: "heading", text: `Articles: ${input.product}` },
      ...(input.articles.length ? [] : [{ type: "text" as const, text: "No articles about this product yet." }]),
      ...input.articles.map<Block>((a) => ({ type: "item", title: a.title, subtitle: `updated ${formatTime(a.updatedAt)}`, action: { id: "knowledge.open", label: "Read", value: a.slug }, optional: true })),
      { type: "actions", actions: [{ id: "knowledge.browse", label: "All products", value: "" }, { id: "case.new", label: "File a case", value: "new", style: "primary" }] },
    ],
  };
}

/** A product update or an RCA, readable in chat. */
export function buildPublicationCard(p: { kind: "PRODUCT_UPDATE" | "RCA"; title: string; body: string; publishedAt: Date }): MessageCard {
  return {
    surface: "message",
    summary: p.title,
    blocks: [
      { type: "heading", text: p.title },
      { type: "context", text: `${p.kind === "RCA" ? "Root-cause analysis (S1 incident)" : "Product update"} · ${formatTime(p.publishedAt)}` },
      { type: "text", text: p.body },
    ],
  };
}

/** The latest product updates or RCAs, newest first, each readable in chat (as the home lists them). */
export function buildPublicationList(kind: "PRODUCT_UPDATE" | "RCA", items: { id: string; title: string; publishedAt: Date }[]): MessageCard {
  const title = kind === "RCA" ? "Root-cause analyses (S1 incidents)" : "Product updates";
  return {
    surface: "message",
    summary: title,
    blocks: [
      { type: "heading", text: title },
      ...(items.length
        ? items.map<Block>((p) => ({ type: "item", title: p.title, subtitle: formatTime(p.publishedAt), action: { id: "publication.open", label: "Read", value: p.id }, optional: true }))
        : [{ type: "context" as const, text: kind === "RCA" ? "No RCAs published." : "No product updates yet." }]),
    ],
  };
}

/** One article, readable in chat; "This answered my question" ends a filing and is counted. */
export function buildArticleCard(article: { slug: string; title: string; productName: string; body: string; updatedAt: Date }): MessageCard {
  return {
    surface: "message",
    summary: article.title,
    blocks: [
      { type: "heading", text: article.title },
      { type: "context", text: `${article.productName} · updated ${formatTime(article.updatedAt)}` },
      { type: "text", text: article.body },
      { type: "actions", actions: [{ id: "knowledge.answered", label: "This answered my question", value: article.slug, style: "primary" }, { id: "case.new", label: "File a case anyway", value: "new" }] },
    ],
  };
}

export function buildKnowledgeResults(query: string, hits: KnowledgeHit[], options: { whileFiling?: boolean } = {}): MessageCard {
  const blocks: Block[] = [{ type: "heading", text: `Answers for: ${query}` }];
  if (hits.length === 0) blocks.push({ type: "text", text: "No articles match. You can file a case and an engineer will help." });
  for (const hit of hits) {
    blocks.push({
      type: "item",
      title: hit.title,
      subtitle: `${hit.product} · ${hit.snippet}`,
      action: hit.url ? { id: "knowledge.open", label: "Read", value: hit.slug, url: hit.url } : { id: "knowledge.open", label: "Read", value: hit.slug },
      optional: true,
    });
  }
  const actions: CardAction[] = [{ id: "case.new", label: "File a case", value: "new", style: "primary" }];
  if (options.whileFiling && hits.length) actions.unshift({ id: "knowledge.answered", label: "This answered my question", value: query });
  blocks.push({ type: "actions", actions });
  return { surface: "message", summary: `${hits.length} articles for ${query}`, blocks };
}
