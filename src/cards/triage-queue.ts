import type { QueuedCase } from "../core/sla/queue.ts";
import { STATUS_LABEL } from "./labels.ts";
import type { Block, MessageCard } from "./model.ts";
import { timeToTarget } from "./service-levels.ts";

const TITLE = "Triage queue by time to breach";

/**
 * Staff's triage queue: open cases with a running clock, nearest its target (or furthest
 * past it) first, as the core orders them; each with its soonest clock and an Open button.
 */
export function buildTriageQueue(queued: QueuedCase[]): MessageCard {
  const items = queued.map<Block>((c) => {
    const soonest = c.serviceLevel[0];
    return {
      type: "item",
      title: `${c.number} · ${c.subject}`,
      subtitle: [soonest ? timeToTarget(soonest) : null, c.severity, STATUS_LABEL[c.status] ?? c.status, c.account.name, c.owner?.name ?? "Not assigned"].filter(Boolean).join(" · "),
      action: { id: "case.open", label: "Open", value: c.number },
      optional: true,
    };
  });
  return {
    surface: "message",
    summary: `${TITLE}: ${queued.length} ${queued.length === 1 ? "case" : "cases"}`,
    blocks: [
      { type: "heading", text: TITLE },
      { type: "context", text: queued.length === 0 ? "No open case has a running service-level clock." : `The ${queued.length} ${queued.length === 1 ? "case" : "cases"} nearest a target first; late ones lead, paused ones come last.` },
      ...items,
    ],
  };
}
