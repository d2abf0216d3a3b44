import * as cards from "../cards/index.ts";
import type { Env } from "./outcome.ts";

/** Browse by product: the product list, or the articles of the product named by key or name. */
export async function browseCard({ core, ctx }: Env, product: string): Promise<cards.MessageCard> {
  const wanted = product.trim().toLowerCase();
  const match = core.catalog.products.find((p) => p.key === wanted || p.name.toLowerCase().includes(wanted));
  if (!wanted || !match) return cards.buildKnowledgeBrowse({ products: core.catalog.products.map((p) => ({ key: p.key, name: p.name })) });
  return cards.buildKnowledgeBrowse({ product: match.name, articles: await core.knowledge.browse(ctx, match.key) });
}
