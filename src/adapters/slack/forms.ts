import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { FormCard } from "../../cards/index.ts";

/** Opens (or, inside a modal, pushes) a form as a Slack modal. */
export async function showForm(client: WebClient, triggerId: string, card: FormCard, push = false): Promise<void> {
  const { view } = cards.renderSlackModal(card);
  if (push) await client.views.push({ trigger_id: triggerId, view });
  else await client.views.open({ trigger_id: triggerId, view });
}
