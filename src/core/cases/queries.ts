import { z } from "zod";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { loadActor, loadPlace } from "../accounts/actors.ts";
import { customerReach, type Actor } from "../accounts/policy.ts";
import type { Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { CaseError } from "../errors.ts";
import { assertCan } from "./case-access.ts";
import { caseWhere, presentCase, readFullCase, type FullCaseRow } from "./case-reader.ts";
import { OPEN_STATUSES } from "./lifecycle.ts";
import { formatCaseNumber, toSummary, type CaseSummary, type CaseView } from "./presenter.ts";
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

async function recordRecent(tx: PrismaClient | Tx, actor: Actor, kind: "CASE" | "ACCOUNT" | "CONTACT", entityId: string, now: Date) {
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
async function audienceActor(db: PrismaClient | Tx, row: FullCaseRow, audience: Audience): Promise<Actor> {
  if (audience === "STAFF") return { kind: "system" };
  if (audience === "PARTNER") return { kind: "partner", personId: "00000000-0000-0000-0000-000000000000", name: "partner", partnerId: row.partnerId ?? "" };
  return { kind: "contact", personId: row.contact.id, name: row.contact.name, place: await loadPlace(db, row.accountId) };
}

const NOT_VISIBLE = "No case with that number is visible to you.";

/**
 * Reads run as single statements outside any interactive transaction (a transaction
 * would add BEGIN and COMMIT round trips and, on the embedded database, hold its one
 * connection): a chat read spends one statement on who is asking and one or two on
 * what they asked for.
 */
export function createCaseQueries(deps: CoreDeps) {
  const db = deps.prisma;
  const deferred = new Set<Promise<unknown>>();
  const defer = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => {
      // Only the recently-viewed list misses one entry; the answer was already given.
      deps.logger.warn({ err: error }, "deferred bookkeeping failed");
    });
    deferred.add(settled);
    void settled.finally(() => deferred.delete(settled));
  };
  return {
    /** Waits for deferred bookkeeping (recently viewed), so whoever reads it next sees it. */
    settled: async (): Promise<void> => {
      await Promise.all([...deferred]);
    },

    viewForAudience: async (caseId: string, audience: Audience): Promise<CaseView> => {
      const row = await readFullCase(db, { id: caseId });
      if (!row) throw new CaseError("NOT_FOUND");
      return presentCase(await audienceActor(db, row, audience), row, deps.clock.now(), deps.catalog);
    },

    /** One case for the viewer; counts as recently viewed unless told otherwise (cards sent on the viewer's behalf). */
    get: async (ctx: Ctx, ref: CaseRef, options: { recordRecent?: boolean } = {}): Promise<CaseView> => {
      const where = caseWhere(ref);
      const [actor, row] = await Promise.all([loadActor(db, ctx.actor), readFullCase(db, where)]);
      // Checked before anything of the case is used: a case the actor may not see is "not found".
      if (!row) throw new CaseError("NOT_FOUND", { field: "case", message: NOT_VISIBLE });
      assertCan(actor, "view", row);
      const now = deps.clock.now();
      // Noting it as recently viewed is deferred: the viewer waits for their case, not for
      // our bookkeeping (the query budget of a read counts what the answer waits on).
      if (options.recordRecent !== false) defer(recordRecent(db, actor, "CASE", row.id, now));
      return presentCase(actor, row, now, deps.catalog);
    },

    /**
     * Whether the actor may see the case, before a form about it opens: who is asking and
     * the case's two ownership columns, nothing more. "Not found" when they may not.
     */
    assertVisible: async (ctx: Ctx, ref: CaseRef): Promise<{ number: string }> => {
      const where = caseWhere(ref);
      const [actor, row] = await Promise.all([loadActor(db, ctx.actor), db.case.findUnique({ where, select: { number: true, accountId: true, partnerId: true } })]);
      if (!row) throw new CaseError("NOT_FOUND", { field: "case", message: NOT_VISIBLE });
      assertCan(actor, "view", row);
      return { number: formatCaseNumber(row.number) };
    },

    list: async (ctx: Ctx, raw: { view: string } & PageInput): Promise<Page<CaseSummary>> => {
      const { view } = parseInput(z.object({ view: caseViewSchema }), { view: raw.view });
      const { page, pageSize } = parseInput(pageSchema, raw);
      const actor = await loadActor(db, ctx.actor);
      const where: Prisma.CaseWhereInput = { AND: [visibleCases(actor), viewFilter(actor, view)] };
      // The page and the total in one statement (a window count), so a list costs who is
      // asking plus one round trip.
      const rows = await db.$queryRaw<ListRow[]>`
        SELECT c.id, c.number, c.subject, c.status::text AS status, c.severity::text AS severity, c.product, c.feature,
               c."updatedAt", c."accountId", a.name AS "accountName", c."ownerId", o.name AS "ownerName",
               count(*) OVER () AS total
        FROM "Case" c
        JOIN "Account" a ON a.id = c."accountId"
        LEFT JOIN "Person" o ON o.id = c."ownerId"
        WHERE ${whereSql(where)}
        ORDER BY c."updatedAt" DESC, c.number DESC
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
      // Past the last page there is no row to carry the total: count it (rare).
      const total = rows[0] ? Number(rows[0].total) : page > 1 ? await db.case.count({ where }) : 0;
      const items = rows.map((r) =>
        toSummary(
          {
            ...r,
            account: { id: r.accountId, name: r.accountName },
            owner: r.ownerId && r.ownerName !== null ? { id: r.ownerId, name: r.ownerName } : null,
          },
          deps.catalog,
        ),
      );
      return { items, page, pageSize, total, hasMore: page * pageSize < total };
    },
  };
}

interface ListRow {
  id: string;
  number: number;
  subject: string;
  status: CaseSummary["status"];
  severity: CaseSummary["severity"];
  product: string;
  feature: string;
  updatedAt: Date;
  accountId: string;
  accountName: string;
  ownerId: string | null;
  ownerName: string | null;
  total: bigint | number;
}

const COLUMNS = { accountId: "uuid", partnerId: "uuid", createdById: "uuid", contactId: "uuid", ownerId: "uuid", status: "text" } as const;

/**
 * The list's where clause as SQL, compiled from the same Prisma filters that define
 * who sees what (visibleCases, viewFilter), so the rule is written once. Only the
 * shapes those filters use are known; anything else is a programming error.
 */
function whereSql(where: Prisma.CaseWhereInput): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "AND") {
      for (const w of Array.isArray(value) ? value : [value]) parts.push(whereSql(w as Prisma.CaseWhereInput));
      continue;
    }
    const cast = COLUMNS[key as keyof typeof COLUMNS];
    if (!cast) throw new Error(`whereSql: no SQL for the filter on ${key}`);
    const column = cast === "text" ? Prisma.sql`c.${Prisma.raw(`"${key}"`)}::text` : Prisma.sql`c.${Prisma.raw(`"${key}"`)}`;
    const param = (v: unknown) => (cast === "uuid" ? Prisma.sql`${v}::uuid` : Prisma.sql`${v}`);
    if (value !== null && typeof value === "object" && "in" in value) {
      const list = (value as { in: unknown[] }).in;
      parts.push(list.length ? Prisma.sql`${column} IN (${Prisma.join(list.map(param))})` : Prisma.sql`FALSE`);
    } else if (typeof value === "string") {
      parts.push(Prisma.sql`${column} = ${param(value)}`);
    } else {
      throw new Error(`whereSql: no SQL for the filter on ${key}`);
    }
  }
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

export { recordRecent };
