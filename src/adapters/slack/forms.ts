import type { WebClient } from "@slack/web-api";
import * as cards from "../../cards/index.ts";
import type { FormCard } from "../../cards/index.ts";

export { caseForm, escalationForm, newCaseForm } from "../shared/form-cards.ts";

/** Opens (or, inside a modal, pushes) the forms of the cards module as Slack modals. */
export async function showForm(client: WebClient, triggerId: string, card: FormCard, push = false): Promise<void> {
  const { view } = cards.renderSlackModal(card);
  if (push) await client.views.push({ trigger_id: triggerId, view });
  else await client.views.open({ trigger_id: triggerId, view });
}
