import type { Catalog } from "../catalog.ts";
import type { SeverityLevel } from "./schemas.ts";

export type { SeverityLevel };
export type EscalationReason = keyof Catalog["escalationReasons"];

export const MANAGEMENT_ATTENTION: EscalationReason = "REQUESTING_MANAGEMENT_ATTENTION";

/** When the customer hears next, from the configured policy for the case's severity. */
export function acknowledgementFor(catalog: Catalog, severity: SeverityLevel): string {
  return catalog.escalationAcknowledgement[severity];
}

/**
 * Management Attention is meant for when an earlier escalation got no answer or an
 * unsatisfying one; without an earlier escalation the customer is warned (not refused).
 */
export function managementAttentionWarning(reason: EscalationReason, priorEscalations: number): string | null {
  if (reason !== MANAGEMENT_ATTENTION || priorEscalations > 0) return null;
  return "This case has no earlier escalation. Requesting Management Attention is meant for when an earlier escalation got no answer or an unsatisfying one; a Case Update Needed escalation usually gets a faster response.";
}
