import { loadActor } from "./accounts/actors.ts";
import type { CoreDeps, Ctx } from "./deps.ts";

/** Product updates and RCAs (published for S1 incidents only), newest first: readable by anyone known. */
export function createPublications(deps: CoreDeps) {
  return {
    latest: async (ctx: Ctx, kind: "PRODUCT_UPDATE" | "RCA", limit = 5) => {
      await loadActor(deps.prisma, ctx.actor);
      return deps.prisma.publication.findMany({
        where: { kind },
        select: { id: true, title: true, publishedAt: true },
        orderBy: { publishedAt: "desc" },
        take: Math.min(Math.max(limit, 1), 50),
      });
    },
  };
}
