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
  // A customer's accounts are few: each with its active contacts, in one statement.
  const rows = await deps.prisma.account.findMany({
    where: { id: { in: customerReach(actor.place).createCases } },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      people: { where: { kind: "CONTACT", active: true }, select: { id: true, name: true }, orderBy: { name: "asc" }, take: CONTACTS },
    },
  });
  const contacts = rows
    .flatMap((a) => a.people.map((p) => ({ id: p.id, name: p.name, accountId: a.id })))
    .sort((x, y) => x.name.localeCompare(y.name))
    .slice(0, CONTACTS);
  return { me: actor.personId, accounts: rows.map(({ id, name }) => ({ id, name })), contacts };
}
