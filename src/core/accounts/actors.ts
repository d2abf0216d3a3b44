import { randomUUID } from "node:crypto";
import { Prisma, type AccountType, type PersonKind, type PrismaClient } from "../../generated/prisma/client.ts";
import { recordAudit } from "../audit.ts";
import { LinkFirst } from "../db/link-first.ts";
import type { Tx } from "../db/tx.ts";
import { CaseError } from "../errors.ts";
import { isTimeZone } from "../time-zone.ts";
import { tenantsCovering } from "../workspaces/grid.ts";
import type { OwnWorkspaces } from "../workspaces/own-workspaces.ts";
import type { AccountPlace, Actor } from "./policy.ts";

/**
 * Who is acting, loaded fresh from the database on every call: adapters pass only a
 * person id they resolved, or the platform identity they verified (a signed Slack
 * request's team and user, a Teams token's tenant and user), never a role or an
 * account from the client.
 */
export type ChatRef = { platform: "slack" | "teams"; tenantId: string; userId: string };

export type ActorRef =
  | { personId: string }
  | { operator: true }
  | { system: true }
  /**
   * A verified chat identity. It is resolved with the person and their account's place
   * in the same statement, so a chat request spends one round trip on who is asking.
   * `link` (made by core.directory.chatActor) links a first-time user by the email
   * their platform reports; it runs only when no identity is linked yet.
   */
  | { chat: ChatRef; link?: (db: PrismaClient | Tx) => Promise<{ personId: string }> };

/** An account with what the permission check needs (its family), for loadPlace. */
const accountWithFamily = {
  select: { id: true, type: true, parentId: true, children: { select: { id: true } }, parent: { select: { children: { select: { id: true } } } } },
} satisfies { select: Prisma.AccountSelect };
type AccountWithFamily = Prisma.AccountGetPayload<typeof accountWithFamily>;

/**
 * One row: the person and their account's family, as the permission check needs them.
 * Hand-written rather than a Prisma include: this statement runs on every chat request,
 * and the include's JSON-building query cost three times the client CPU (1.05 vs
 * 0.33 ms per call; wall 1.5 vs 1.1 ms; PostgreSQL 15, `npm run bench:hot-reads`).
 */
type PersonRow = {
  id: string;
  kind: PersonKind;
  name: string;
  active: boolean;
  partnerId: string | null;
  phone: string | null;
  accountId: string | null;
  accountType: AccountType | null;
  parentId: string | null;
  childIds: string[] | null;
  siblingIds: string[] | null;
  /** The reader's own zone (their chat identity's), else their account's: customer promises are told in it. */
  timeZone: string | null;
};

const PERSON_COLUMNS = Prisma.sql`
  p."id"::text AS "id", p."kind"::text AS "kind", p."name", p."active", p."partnerId"::text AS "partnerId", p."phone",
  a."id"::text AS "accountId", a."type"::text AS "accountType", a."parentId"::text AS "parentId",
  CASE WHEN a."type" = 'PARENT' THEN ARRAY(SELECT c."id"::text FROM "Account" c WHERE c."parentId" = a."id" ORDER BY c."id") END AS "childIds",
  CASE WHEN a."type" = 'SUB' THEN ARRAY(SELECT s."id"::text FROM "Account" s WHERE s."parentId" = a."parentId" AND s."id" <> a."id" ORDER BY s."id") END AS "siblingIds"`;

/** The zone columns: the chat identity's when the actor came by one, else the account's. */
const accountZone = Prisma.sql`a."timeZone" AS "timeZone"`;
const identityZone = Prisma.sql`coalesce(ci."timeZone", a."timeZone") AS "timeZone"`;

function toActor(person: PersonRow | undefined): Actor {
  if (!person || !person.active) throw new CaseError("UNKNOWN_USER");
  switch (person.kind) {
    case "ENGINEER":
    case "MANAGER":
      return { kind: "staff", personId: person.id, name: person.name, role: person.kind };
    case "PARTNER_STAFF":
      if (!person.partnerId) throw new CaseError("UNKNOWN_USER");
      return { kind: "partner", personId: person.id, name: person.name, partnerId: person.partnerId };
    case "CONTACT": {
      if (!person.accountId || !person.accountType) throw new CaseError("UNKNOWN_USER");
      const place: AccountPlace = { accountId: person.accountId, type: person.accountType, parentId: person.parentId, childIds: person.childIds ?? [], siblingIds: person.siblingIds ?? [] };
      return { kind: "contact", personId: person.id, name: person.name, place, phone: person.phone, timeZone: person.timeZone };
    }
  }
}

function toPlace(account: AccountWithFamily): AccountPlace {
  return {
    accountId: account.id,
    type: account.type,
    parentId: account.parentId,
    childIds: account.type === "PARENT" ? account.children.map((c) => c.id) : [],
    siblingIds: account.type === "SUB" && account.parent ? account.parent.children.map((c) => c.id).filter((id) => id !== account.id) : [],
  };
}

export async function loadActor(db: PrismaClient | Tx, ref: ActorRef): Promise<Actor> {
  if ("operator" in ref) return { kind: "operator" };
  if ("system" in ref) return { kind: "system" };
  if ("chat" in ref) {
    const [person] = await db.$queryRaw<PersonRow[]>`
      SELECT ${PERSON_COLUMNS}, ${identityZone}
      FROM "ChatIdentity" ci JOIN "Person" p ON p."id" = ci."personId" LEFT JOIN "Account" a ON a."id" = p."accountId"
      WHERE ci."platform" = ${ref.chat.platform}::"Platform" AND ci."tenantId" = ${ref.chat.tenantId} AND ci."userId" = ${ref.chat.userId}`;
    if (person) return toActor(person);
    if (!ref.link) throw new CaseError("UNKNOWN_USER");
    // Linking asks the chat platform (Slack users.info, the Teams roster): never while a
    // transaction holds a connection (on the embedded database, its only one). Inside
    // one, inTransaction links first and runs the transaction again.
    if (isTransaction(db)) throw new LinkFirst(ref.link);
    await ref.link(db);
    // Read back through the identity just linked, so the actor carries its time zone.
    return loadActor(db, { chat: ref.chat });
  }
  if (!UUID.test(ref.personId)) throw new CaseError("UNKNOWN_USER");
  const [person] = await db.$queryRaw<PersonRow[]>`
    SELECT ${PERSON_COLUMNS}, ${accountZone}
    FROM "Person" p LEFT JOIN "Account" a ON a."id" = p."accountId"
    WHERE p."id" = ${ref.personId}::uuid`;
  return toActor(person);
}

/** A person id that is no UUID names nobody (and must not reach a ::uuid cast as an error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export { LinkFirst };

/** An interactive transaction's client has no $transaction of its own. */
function isTransaction(db: PrismaClient | Tx): db is Tx {
  return typeof (db as { $transaction?: unknown }).$transaction !== "function";
}

export async function loadPlace(db: PrismaClient | Tx, accountId: string): Promise<AccountPlace> {
  const account = await db.account.findUnique({ where: { id: accountId }, ...accountWithFamily });
  if (!account) throw new CaseError("NOT_FOUND", { field: "accountId" });
  return toPlace(account);
}

/** The accounts a workspace or tenant is linked to (WorkspaceLink). */
async function linkedAccounts(db: PrismaClient | Tx, ref: ChatRef): Promise<string[]> {
  // A Slack workspace in an Enterprise Grid org is covered by a link on the org too (workspaces/grid.ts).
  const links = await db.workspaceLink.findMany({ where: { platform: ref.platform, tenantId: { in: await tenantsCovering(db, ref) } }, select: { accountId: true } });
  return links.map((l) => l.accountId);
}

/** What a user of a workspace no customer account is linked to is told: why, and who can change it. */
export function workspaceNotLinked(platform: ChatRef["platform"]): string {
  const where = platform === "slack" ? "Your Slack workspace" : "Your Microsoft Teams organisation";
  return `${where} is not linked to a customer account yet, so carebot cannot show you any cases. Ask your Customer Success Manager or the vendor's support team to link it; then message carebot again.`;
}

/**
 * Links a first-time chat user to the contact with the email their platform reports,
 * when their workspace is the vendor's own or is linked to the contact's account (or its
 * parent).
 * Concurrent first requests of one user all succeed: the insert ignores a row another
 * request made a moment earlier, and the identity is read back either way.
 */
/** What a chat platform reports about a first-time user: their email, and their time zone when it tells one. */
export type ChatProfile = { email?: string; timeZone?: string };

export async function linkChatIdentityByEmail(db: PrismaClient | Tx, ref: ChatRef, reported: string | ChatProfile | undefined, at: Date, own: OwnWorkspaces): Promise<{ personId: string }> {
  const profile: ChatProfile = typeof reported === "string" ? { email: reported } : (reported ?? {});
  const rawEmail = profile.email;
  const timeZone = profile.timeZone && isTimeZone(profile.timeZone) ? profile.timeZone : null;
  // Outside the vendor's own workspaces, an email is trusted only for the accounts the
  // user's workspace is linked to (an admin of any workspace can give a user any address).
  // Asked before the email, so an unlinked workspace learns nothing about who exists.
  const linked = own.includes(ref) ? undefined : await linkedAccounts(db, ref);
  if (linked?.length === 0) throw new CaseError("UNKNOWN_USER", { message: workspaceNotLinked(ref.platform), details: { notLinked: true } });
  const email = rawEmail?.trim().toLowerCase();
  const person = email ? await db.person.findUnique({ where: { email }, include: { account: { select: { parentId: true } } } }) : null;
  if (!person || person.kind !== "CONTACT" || !person.active) throw new CaseError("UNKNOWN_USER");
  // A link to a parent account covers its sub-accounts' contacts too.
  if (linked && !linked.some((id) => id === person.accountId || id === person.account?.parentId)) throw new CaseError("UNKNOWN_USER");
  const inserted = await db.$executeRaw`
    INSERT INTO "ChatIdentity" ("id", "platform", "tenantId", "userId", "personId", "timeZone", "createdAt")
    VALUES (${randomUUID()}::uuid, ${ref.platform}::"Platform", ${ref.tenantId}, ${ref.userId}, ${person.id}::uuid, ${timeZone}, ${at})
    ON CONFLICT DO NOTHING`;
  if (inserted === 1) {
    await recordAudit(db as Tx, { accountId: person.accountId ?? undefined, actor: { kind: "system" }, action: "identity.linked_by_email", changes: { personId: person.id, platform: ref.platform, userId: ref.userId }, source: ref.platform, at });
    return { personId: person.id };
  }
  const existing = await db.chatIdentity.findUnique({ where: { platform_tenantId_userId: ref }, select: { personId: true } });
  if (!existing) throw new CaseError("UNKNOWN_USER");
  return existing;
}
