import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../db/tx.ts";
import { CaseError } from "../errors.ts";
import type { AccountPlace, Actor } from "./policy.ts";

/**
 * Who is acting, loaded fresh from the database on every call: adapters pass only a
 * person id they resolved from a verified platform identity, never a role or an
 * account from the client.
 */
export type ActorRef = { personId: string } | { operator: true } | { system: true };

export async function loadActor(db: PrismaClient | Tx, ref: ActorRef): Promise<Actor> {
  if ("operator" in ref) return { kind: "operator" };
  if ("system" in ref) return { kind: "system" };
  const person = await db.person.findUnique({ where: { id: ref.personId } });
  if (!person || !person.active) throw new CaseError("UNKNOWN_USER");
  switch (person.kind) {
    case "ENGINEER":
    case "MANAGER":
      return { kind: "staff", personId: person.id, name: person.name, role: person.kind };
    case "PARTNER_STAFF":
      if (!person.partnerId) throw new CaseError("UNKNOWN_USER");
      return { kind: "partner", personId: person.id, name: person.name, partnerId: person.partnerId };
    case "CONTACT": {
      if (!person.accountId) throw new CaseError("UNKNOWN_USER");
      return { kind: "contact", personId: person.id, name: person.name, place: await loadPlace(db, person.accountId) };
    }
  }
}

export async function loadPlace(db: PrismaClient | Tx, accountId: string): Promise<AccountPlace> {
  const account = await db.account.findUnique({
    where: { id: accountId },
    select: { id: true, type: true, parentId: true, children: { select: { id: true } } },
  });
  if (!account) throw new CaseError("NOT_FOUND", { field: "accountId" });
  let siblingIds: string[] = [];
  if (account.type === "SUB" && account.parentId) {
    const siblings = await db.account.findMany({
      where: { parentId: account.parentId, id: { not: account.id } },
      select: { id: true },
    });
    siblingIds = siblings.map((s) => s.id);
  }
  return {
    accountId: account.id,
    type: account.type,
    parentId: account.parentId,
    childIds: account.type === "PARENT" ? account.children.map((c) => c.id) : [],
    siblingIds,
  };
}
