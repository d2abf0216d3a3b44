import type { Block } from "./model.ts";

/**
 * Drops optional blocks, oldest first, until the rendered card fits. Builders mark
 * only what may go (older comments, list tails); headings, the case's facts and the
 * actions are never optional, so the case number, status and actions always survive.
 */
export function fitBlocks<R>(blocks: Block[], render: (blocks: Block[]) => R, fits: (rendered: R) => boolean): R {
  let current = blocks;
  let rendered = render(current);
  while (!fits(rendered)) {
    const index = current.findIndex((b) => "optional" in b && b.optional);
    if (index < 0) return rendered;
    current = current.filter((_, i) => i !== index);
    rendered = render(current);
  }
  return rendered;
}
