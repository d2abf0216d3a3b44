import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Core } from "../../core/index.ts";
import { toCaseError } from "../../core/errors.ts";
import type { Logger } from "../../logger.ts";
import { slackCtx } from "./identity.ts";

/** The App Home tab: the home dashboard, or access guidance for someone not set up yet. */
export async function publishHome(core: Core, client: WebClient, teamId: string, userId: string, logger: Logger): Promise<void> {
  let home: cards.HomeCard;
  try {
    const ctx = await slackCtx(core, client, teamId, userId);
    const open = await core.cases.list(ctx, { view: "open" });
    const { name } = await core.directory.me(ctx);
    home = cards.buildHome({
      viewerName: name,
      openCases: open.items,
      openTotal: open.total,
      recent: await core.recent(ctx, 8),
      knowledge: core.catalog.knowledgeLinks,
      productUpdates: await core.publications.latest(ctx, "PRODUCT_UPDATE"),
      rcas: await core.publications.latest(ctx, "RCA"),
    });
  } catch (error) {
    const failure = toCaseError(error);
    if (failure.code !== "UNKNOWN_USER") logger.error({ err: error }, "home tab failed");
    home = { surface: "home", blocks: cards.buildAccessGuidance().blocks };
  }
  await client.views.publish({ user_id: userId, view: cards.renderSlackHome(home) });
}
