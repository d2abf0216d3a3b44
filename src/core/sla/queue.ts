import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { isVendorSide } from "../accounts/policy.ts";
import { toSummary, type CaseSummary } from "../cases/presenter.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { staffServiceLevel, type ServiceLevelClock } from "./view.ts";

/**
 * The triage queue by time to breach: open cases with a running clock, the one nearest
 * its target (or furthest past it) first; frozen first responses (Pending) last. Staff
 * only. Open cases with clocks are few (they are the work in hand), so they are read
 * whole, up to a bound, and ordered here by the same function the staff card uses.
 */
export interface QueuedCase extends CaseSummary {
  /** The case's running clocks, soonest first; the first decides its place. */
  serviceLevel: ServiceLevelClock[];
}

const queueSchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(25) });
const MAX_OPEN_WITH_CLOCKS = 5_000;

export async function casesByTimeToBreach(deps: CoreDeps, ctx: Ctx, raw: z.input<typeof queueSchema> = {}): Promise<QueuedCase[]> {
  const { limit } = parseInput(queueSchema, raw);
  const actor = await loadActor(deps.prisma, ctx.actor);
  if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff see the triage queue." });
  const now = deps.clock.now();
  const rows = await deps.prisma.case.findMany({
    where: { status: { not: "CLOSED" }, OR: [{ nextUpdateDueAt: { not: null } }, { firstRespondedAt: null, firstResponseDueAt: { not: null } }] },
    include: { account: { select: { id: true, name: true } }, owner: { select: { id: true, name: true } } },
    orderBy: { slaCheckAt: { sort: "asc", nulls: "last" } },
    take: MAX_OPEN_WITH_CLOCKS,
  });
  const queued = rows
    .map((row) => ({ ...toSummary(row, deps.catalog), serviceLevel: staffServiceLevel(row, now) }))
    .filter((c) => c.serviceLevel.length > 0);
  const key = (c: QueuedCase) => {
    const first = c.serviceLevel[0]!;
    return [first.paused ? 1 : 0, first.dueAt.getTime()] as const;
  };
  queued.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
  return queued.slice(0, limit);
}
