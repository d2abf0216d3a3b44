import * as cards from "../cards/index.ts";
import type { CaseView } from "../core/cases/presenter.ts";
import type { FollowedThread } from "../core/follow/threads.ts";
import type { Core } from "../core/index.ts";

/**
 * The card a button sat on, drawn again after a change. A card at the root of a thread
 * that follows the case is shared by everyone there: it is drawn for the audience that
 * thread was followed for (customers see the case card, staff the triage card), never for
 * the one who pressed. Anywhere else the card was the presser's own: it is drawn as they
 * may see the case (vendor staff, to whom the core shows the internal priority, get the
 * triage card).
 */
export async function redrawnCard(core: Core, view: CaseView, thread: Pick<FollowedThread, "caseId" | "audience"> | null | undefined): Promise<cards.MessageCard> {
  if (thread && thread.caseId === view.id) {
    const shared = await core.cases.viewForAudience(view.id, thread.audience);
    return thread.audience === "STAFF" ? cards.buildTriageCard(shared, core.catalog) : cards.buildCaseCard(shared, core.catalog);
  }
  return view.priority !== undefined ? cards.buildTriageCard(view, core.catalog) : cards.buildCaseCard(view, core.catalog);
}
