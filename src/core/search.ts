import { z } from "zod";
import type { Prisma } from "../generated/prisma/client.ts";
import { loadActor } from "./accounts/actors.ts";
import { customerReach, type Actor } from "./accounts/policy.ts";
import { visibleCases } from "./cases/queries.ts";
import { caseInclude, formatCaseNumber, toSummary, type CaseSummary } from "./cases/presenter.ts";
import { isCaseNumber } from "./cases/schemas.ts";
import { inOrder, inTransaction } from "./db/tx.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { parseInput } from "./validation.ts";

export interface AccountHit {
  id: string;
  name: string;
  type: "STANDARD" | "PARENT" | "SUB";
}
export interface ContactHit {
  id: string;
  name: string;
  email: string;
  account: { id: string; name: string } | null;
}
export interface SearchResults {
  query: string;
  cases: CaseSummary[];
  accounts: AccountHit[];
  contacts: ContactHit[];
}

export type RecentItem =
  | { kind: "CASE"; id: string; label: string; viewedAt: Date }
  | { kind: "ACCOUNT"; id: string; label: string; viewedAt: Date }
  | { kind: "CONTACT"; id: string; label: string; viewedAt: Date };

/** Accounts an actor may see: the base of account and contact search. */
export function visibleAccounts(actor: Actor): Prisma.AccountWhereInput {
  switch (actor.kind) {
    case "contact":
      return { id: { in: customerReach(actor.place).viewAccounts } };
    case "partner":
      return { id: { in: [] } };
    default:
      return {};
  }
}

const searchSchema = z.object({
  query: z.string({ error: "Type something to search for." }).trim().min(2, "Type at least 2 characters to search.").max(200, "Keep the search to at most 200 characters."),
  limit: z.number().int().min(1).max(25).default(10),
});

export function createSearch(deps: CoreDeps) {
  return {
    /** Cases, accounts and contacts the actor may see whose number, subject, name or email matches. */
    search: (ctx: Ctx, raw: { query: string; limit?: number }): Promise<SearchResults> =>
      inTransaction(deps.prisma, async (tx) => {
        const { query, limit } = parseInput(searchSchema, raw);
        const actor = await loadActor(tx, ctx.actor);
        const text = { contains: query, mode: "insensitive" as const };
        const caseMatch: Prisma.CaseWhereInput[] = [{ subject: text }, { description: text }];
        // Digits are a case number only within the range of one; longer ones (a phone
        // number, an order id) are searched as text.
        if (/^\d+$/.test(query) && isCaseNumber(Number(query))) caseMatch.push({ number: Number(query) });
        const accountsWhere = visibleAccounts(actor);
        const [cases, accounts, contacts] = await inOrder(
          () => tx.case.findMany({
            where: { AND: [visibleCases(actor), { OR: caseMatch }] },
            include: caseInclude,
            orderBy: { updatedAt: "desc" },
            take: limit,
          }),
          () => actor.kind === "partner"
            ? Promise.resolve([])
            : tx.account.findMany({ where: { AND: [accountsWhere, { name: text }] }, orderBy: { name: "asc" }, take: limit }),
          () => actor.kind === "partner"
            ? Promise.resolve([])
            : tx.person.findMany({
                where: { kind: "CONTACT", account: accountsWhere, OR: [{ name: text }, { email: text }] },
                include: { account: { select: { id: true, name: true } } },
                orderBy: { name: "asc" },
                take: limit,
              }),
        );
        return {
          query,
          cases: cases.map((c) => toSummary(c, deps.catalog)),
          accounts: accounts.map((a) => ({ id: a.id, name: a.name, type: a.type })),
          contacts: contacts.map((p) => ({ id: p.id, name: p.name, email: p.email, account: p.account })),
        };
      }),

    /** Recently viewed cases, accounts and contacts that the actor may still see, newest first. */
    recent: (ctx: Ctx, limit = 10): Promise<RecentItem[]> =>
      inTransaction(deps.prisma, async (tx) => {
        const actor = await loadActor(tx, ctx.actor);
        if (!("personId" in actor)) return [];
        const views = await tx.recentView.findMany({
          where: { personId: actor.personId },
          orderBy: { viewedAt: "desc" },
          take: Math.min(Math.max(limit, 1), 50),
        });
        const ids = (kind: string) => views.filter((v) => v.kind === kind).map((v) => v.entityId);
        const [cases, accounts, contacts] = await inOrder(
          () => tx.case.findMany({ where: { AND: [visibleCases(actor), { id: { in: ids("CASE") } }] }, select: { id: true, number: true, subject: true } }),
          () => tx.account.findMany({ where: { AND: [visibleAccounts(actor), { id: { in: ids("ACCOUNT") } }] }, select: { id: true, name: true } }),
          () => tx.person.findMany({ where: { id: { in: ids("CONTACT") }, account: visibleAccounts(actor) }, select: { id: true, name: true } }),
        );
        const labels = new Map<string, string>([
          ...cases.map((c) => [`CASE:${c.id}`, `${formatCaseNumber(c.number)} ${c.subject}`] as const),
          ...accounts.map((a) => [`ACCOUNT:${a.id}`, a.name] as const),
          ...contacts.map((p) => [`CONTACT:${p.id}`, p.name] as const),
        ]);
        return views.flatMap((v) => {
          const label = labels.get(`${v.kind}:${v.entityId}`);
          return label ? [{ kind: v.kind, id: v.entityId, label, viewedAt: v.viewedAt } as RecentItem] : [];
        });
      }),
  };
}

export type Search = ReturnType<typeof createSearch>;
