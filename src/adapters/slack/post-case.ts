import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { CaseView } from "../../core/cases/presenter.ts";

/**
 * Posts a case card where the customer asked for it (or in their DM when the bot
 * cannot post there), and makes that message's thread follow the case.
 */
export async function postCaseCard(
  core: Core,
  client: WebClient,
  ctx: Ctx,
  where: { teamId: string; channel?: string; userId: string },
  view: CaseView,
): Promise<{ channel: string; ts: string }> {
  const message = cards.renderSlackMessage(cards.buildCaseCard(view, core.catalog));
  let posted;
  try {
    posted = await client.chat.postMessage({ channel: where.channel ?? where.userId, text: message.text, blocks: message.blocks, unfurl_links: false });
  } catch (error) {
    // Not in that channel (or it is gone): the customer's DM with the bot always works.
    if (!where.channel) throw error;
    posted = await client.chat.postMessage({ channel: where.userId, text: message.text, blocks: message.blocks, unfurl_links: false });
  }
  const channel = String(posted.channel);
  const ts = String(posted.ts);
  await core.threads.follow(ctx, { case: view.number, platform: "slack", tenantId: where.teamId, channelId: channel, threadId: ts, audience: "CUSTOMER" });
  return { channel, ts };
}
