import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import matter from "gray-matter";
import type { ArticleInput } from "./knowledge.ts";

/**
 * Reads a folder of Markdown articles with front matter (title, product, feature,
 * tags, updated); the file name is the slug. Validation happens on import.
 */
export const SAMPLE_ARTICLES_DIR = new URL("../../../knowledge/", import.meta.url).pathname;

export function readArticles(dir: string): ArticleInput[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((file) => {
      const { data, content } = matter(readFileSync(join(dir, file), "utf8"));
      return {
        slug: basename(file, ".md"),
        title: String(data.title ?? ""),
        product: String(data.product ?? ""),
        feature: data.feature === undefined ? undefined : String(data.feature),
        tags: Array.isArray(data.tags) ? data.tags.map(String) : [],
        updated: data.updated instanceof Date ? data.updated : String(data.updated ?? ""),
        body: content.trim(),
      };
    });
}
