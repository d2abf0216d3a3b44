import * as cards from "../cards/index.ts";
import { toCaseError } from "../core/errors.ts";
import type { Logger } from "../logger.ts";
import type { Env } from "./outcome.ts";

/**
 * The home dashboard (open cases, recently viewed, knowledge, product updates, RCAs),
 * or access guidance for someone not set up yet: the Slack App Home tab, and the card
 * Teams shows for `home` and when the app is installed.
 */
export async function homeFor({ core, ctx }: Env, logger: Logger): Promise<cards.HomeCard> {
  try {
    // One after another: a first-time user is linked by the first call, and the others find them linked.
    const open = await core.cases.list(ctx, { view: "open" });
    const me = await core.directory.me(ctx);
    const recent = await core.recent(ctx, 8);
    const productUpdates = await core.publications.latest(ctx, "PRODUCT_UPDATE");
    const rcas = await core.publications.latest(ctx, "RCA");
    return cards.buildHome({ viewerName: me.name, openCases: open.items, openTotal: open.total, recent, knowledge: core.catalog.knowledgeLinks, productUpdates, rcas });
  } catch (error) {
    const failure = toCaseError(error);
    if (failure.code !== "UNKNOWN_USER") logger.error({ err: error }, "home failed");
    // An unlinked workspace's or tenant's user is told so (issue 13); anyone else not set up gets the guidance.
    return { surface: "home", blocks: (failure.details.notLinked ? cards.buildErrorNotice(failure) : cards.buildAccessGuidance()).blocks };
  }
}
