import { z } from "zod";
import type { Catalog } from "../catalog.ts";
import { serviceLevelsOf } from "./targets.ts";
import { NO_CLOCKS, slaAfter, type SlaCase, type SlaChange, type SlaColumns } from "./timers.ts";

/**
 * The bridge from a stored case to its timers: the columns to write with a change, in
 * the same UPDATE (or INSERT) as the change itself, so the timers cost no round trip
 * and commit or roll back with it.
 */
const nextUpdateKindSchema = z.enum(["REPLY", "IN_PROGRESS", "ESCALATION", "MANAGEMENT_ESCALATION"]);

/** A case row as Prisma reads it: the kind is stored as text, so it is checked here. */
export type StoredSlaCase = Omit<SlaCase, "nextUpdateKind"> & { nextUpdateKind: string | null };

export function toSlaCase(row: StoredSlaCase): SlaCase {
  const kind = nextUpdateKindSchema.safeParse(row.nextUpdateKind);
  return { ...row, nextUpdateKind: kind.success ? kind.data : null };
}

export function clocksAfter(catalog: Catalog, row: StoredSlaCase, change: SlaChange, now: Date): SlaColumns {
  return slaAfter(toSlaCase(row), change, now, serviceLevelsOf(catalog));
}

/** A new case's clocks: the first response starts at filing. */
export function clocksAtFiling(catalog: Catalog, c: Pick<SlaCase, "accountId" | "caseType" | "severity">, now: Date): SlaColumns {
  return clocksAfter(catalog, { ...c, ...NO_CLOCKS, status: "NEW", statusChangedAt: now, createdAt: now }, { kind: "filed" }, now);
}
