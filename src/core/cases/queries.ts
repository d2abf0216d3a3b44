import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client.ts";
import { loadActor, loadPlace } from "../accounts/actors.ts";
import { customerReach, type Actor } from "../accounts/policy.ts";
import { inTransaction, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { assertCan, resolveCaseId } from "./case-access.ts";
import { readCaseView } from "./case-reader.ts";
import { OPEN_STATUSES } from "./lifecycle.ts";
import { caseInclude, toSummary, type CaseSummary, type CaseView } from "./presenter.ts";
import { caseViewSchema, pageSchema, type CaseRef, type CaseViewName, type PageInput } from "./schemas.ts";

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  hasMore: boolean;
}

/** The cases an actor may see at all, as a where clause: the base of every list and search. */
export function visibleCases(actor: Actor): Prisma.CaseWhereInput {
  switch (actor.kind) {
    case "contact":
      return { accountId: { in: customerReach(actor.place).viewCases } };
    case "partner":
      return { partnerId: actor.partnerId };
    default:
      return {};
  }
}

const open = { status: { in: [...OPEN_STATUSES] } } satisfies Prisma.CaseWhereInput;
const closed = { status: "CLOSED" } satisfies Prisma.CaseWhereInput;

/**
 * The four views. Customers: All My Cases (created by me), My Open Cases (open, I am
 * the contact), My Account's Open Cases, My Closed Cases (my account's). Staff: the
 * cases they own, their open ones, the open queue, everything closed. Partner staff:
 * the cases handed to their partner.
 */
function viewFilter(actor: Actor, view: CaseViewName): Prisma.CaseWhereInput {
  if (actor.kind === "contact") {
    switch (view) {
      case "mine":
        return { createdById: actor.personId };
      case "open":
        return { ...open, contactId: actor.personId };
      case "account":
        return open;
      case "closed":
        return closed;
    }
  }
  if (actor.kind === "staff") {
    switch (view) {
      case "mine":
        return { ownerId: actor.personId };
      case "open":
        return { ...open, ownerId: actor.personId };
      case "account":
        return open;
      case "closed":
        return closed;
    }
  }
  return view === "closed" ? closed : view === "mine" ? {} : open;
}

async function recordRecent(tx: Tx, actor: Actor, kind: "CASE" | "ACCOUNT" | "CONTACT", entityId: string, now: Date) {
  if (!("personId" in actor)) return;
  await tx.recentView.upsert({
    where: { personId_kind_entityId: { personId: actor.personId, kind, entityId } },
    create: { personId: actor.personId, kind, entityId, viewedAt: now },
    update: { viewedAt: now },
  });
}

export type Audience = "CUSTOMER" | "STAFF" | "PARTNER";

/**
 * The view a whole audience gets (a customer thread, the triage channel, a partner's
 * channel), for cards the system posts on no one person's request: the customers'
 * view is the case contact's (never internal notes or priority), staff see all,
 * partners see what partner staff see.
 */
async function audienceActor(tx: Tx, caseId: string, audience: Audience): Promise<Actor> {
  if (audience === "STAFF") return { kind: "system" };
  const row = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { accountId: true, partnerId: true, contact: { select: { id: true, name: true } } } });
  if (audience === "PARTNER") return { kind: "partner", personId: "00000000-0000-0000-0000-000000000000", name: "partner", partnerId: row.partnerId ?? "" };
  return { kind: "contact", personId: row.contact.id, name: row.contact.name, place: await loadPlace(tx, row.accountId) };
}

export function createCaseQueries(deps: CoreDeps) {
  return {
    viewForAudience: (caseId: string, audience: Audience): Promise<CaseView> =>
      inTransaction(deps.prisma, async (tx) => readCaseView(tx, await audienceActor(tx, caseId, audience), caseId, deps.clock.now(), deps.catalog)),

    /** One case for the viewer; counts as recently viewed unless told otherwise (cards sent on the viewer's behalf). */
    get: (ctx: Ctx, ref: CaseRef, options: { recordRecent?: boolean } = {}): Promise<CaseView> =>
      inTransaction(deps.prisma, async (tx) => {
        const actor = await loadActor(tx, ctx.actor);
        const id = await resolveCaseId(tx, ref);
        const row = await tx.case.findUniqueOrThrow({ where: { id }, select: { accountId: true, partnerId: true } });
        assertCan(actor, "view", row);
        const now = deps.clock.now();
        if (options.recordRecent !== false) await recordRecent(tx, actor, "CASE", id, now);
        return readCaseView(tx, actor, id, now, deps.catalog);
      }),

    list: (ctx: Ctx, raw: { view: string } & PageInput): Promise<Page<CaseSummary>> =>
      inTransaction(deps.prisma, async (tx) => {
        const { view } = parseInput(z.object({ view: caseViewSchema }), { view: raw.view });
        const { page, pageSize } = parseInput(pageSchema, raw);
        const actor = await loadActor(tx, ctx.actor);
        const where: Prisma.CaseWhereInput = { AND: [visibleCases(actor), viewFilter(actor, view)] };
        const total = await tx.case.count({ where });
        const rows = await tx.case.findMany({
            where,
            include: caseInclude,
            orderBy: [{ updatedAt: "desc" }, { number: "desc" }],
            skip: (page - 1) * pageSize,
            take: pageSize,
          });
        return { items: rows.map((r) => toSummary(r, deps.catalog)), page, pageSize, total, hasMore: page * pageSize < total };
      }),
  };
}

export { recordRecent };
