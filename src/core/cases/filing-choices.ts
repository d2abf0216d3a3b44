import { Prisma } from "../../generated/prisma/client.ts";
import { loadActor } from "../accounts/actors.ts";
import { customerReach } from "../accounts/policy.ts";
import type { CoreDeps, Ctx } from "../deps.ts";

export interface FilingChoices {
  /** The filer, when they are a person (the new-case form names them as the contact by default). */
  me?: string;
  /** Accounts the filer may file for, by name. */
  accounts: { id: string; name: string }[];
  /** Active contacts of those accounts, by name: whom a case may be filed for. */
  contacts: { id: string; name: string; accountId: string }[];
}

/** How many accounts and contacts a staff member's form lists at most. */
const STAFF_ACCOUNTS = 500;
const CONTACTS = 100;

/**
 * What the new-case form offers: the accounts the filer may file for and their active
 * contacts. For a customer two statements (who is asking; the accounts with their
 * contacts), for staff three (accounts and contacts each bounded, read at once), so the
 * form opens at once.
 */
export async function filingChoices(deps: CoreDeps, ctx: Ctx): Promise<FilingChoices> {
  const actor = await loadActor(deps.prisma, ctx.actor);
  if (actor.kind !== "contact" && actor.kind !== "staff") return { accounts: [], contacts: [] };
  if (actor.kind === "staff") {
    // Staff may file for any account: the first accounts and contacts by name, each
    // list bounded on its own (not every contact of every account).
    const [accounts, people] = await Promise.all([
      deps.prisma.account.findMany({ orderBy: { name: "asc" }, take: STAFF_ACCOUNTS, select: { id: true, name: true } }),
      deps.prisma.person.findMany({ where: { kind: "CONTACT", active: true }, orderBy: { name: "asc" }, take: CONTACTS, select: { id: true, name: true, accountId: true } }),
    ]);
    return { me: actor.personId, accounts, contacts: people.flatMap((p) => (p.accountId ? [{ id: p.id, name: p.name, accountId: p.accountId }] : [])) };
  }
  // A customer's accounts are few: each with its active contacts, in one flat statement
  // (hand-written: a nested Prisma select cost about twice the client CPU here).
  const accountIds = customerReach(actor.place).createCases;
  if (accountIds.length === 0) return { me: actor.personId, accounts: [], contacts: [] };
  const rows = await deps.prisma.$queryRaw<{ accountId: string; accountName: string; personId: string | null; personName: string | null }[]>`
    SELECT a."id"::text AS "accountId", a."name" AS "accountName", p."id"::text AS "personId", p."name" AS "personName"
    FROM "Account" a
    LEFT JOIN LATERAL (
      SELECT x."id", x."name" FROM "Person" x
      WHERE x."accountId" = a."id" AND x."kind" = 'CONTACT' AND x."active"
      ORDER BY x."name" LIMIT ${CONTACTS}
    ) p ON TRUE
    WHERE a."id" IN (${Prisma.join(accountIds.map((id) => Prisma.sql`${id}::uuid`))})
    ORDER BY a."name", a."id"`;
  const accounts = new Map<string, { id: string; name: string }>();
  const contacts: FilingChoices["contacts"] = [];
  for (const r of rows) {
    accounts.set(r.accountId, { id: r.accountId, name: r.accountName });
    if (r.personId && r.personName !== null) contacts.push({ id: r.personId, name: r.personName, accountId: r.accountId });
  }
  contacts.sort((x, y) => x.name.localeCompare(y.name));
  return { me: actor.personId, accounts: [...accounts.values()], contacts: contacts.slice(0, CONTACTS) };
}
