import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";

/** The App Home tab: publishes the home (interactions/home.ts draws it: the dashboard, or access guidance). */
export async function publishHome(client: WebClient, userId: string, home: cards.HomeCard): Promise<void> {
  await client.views.publish({ user_id: userId, view: cards.renderSlackHome(home) });
}
