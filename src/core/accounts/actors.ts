import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { recordAudit } from "../audit.ts";
import type { Tx } from "../db/tx.ts";
import { CaseError } from "../errors.ts";
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

/** The person with everything the permission check needs: one statement (relationJoins). */
const personWithPlace = {
  account: {
    select: { id: true, type: true, parentId: true, children: { select: { id: true } }, parent: { select: { children: { select: { id: true } } } } },
  },
} satisfies Prisma.PersonInclude;
type PersonWithPlace = Prisma.PersonGetPayload<{ include: typeof personWithPlace }>;

function toActor(person: PersonWithPlace | null): Actor {
  if (!person || !person.active) throw new CaseError("UNKNOWN_USER");
  switch (person.kind) {
    case "ENGINEER":
    case "MANAGER":
      return { kind: "staff", personId: person.id, name: person.name, role: person.kind };
    case "PARTNER_STAFF":
      if (!person.partnerId) throw new CaseError("UNKNOWN_USER");
      return { kind: "partner", personId: person.id, name: person.name, partnerId: person.partnerId };
    case "CONTACT": {
      if (!person.account) throw new CaseError("UNKNOWN_USER");
      return { kind: "contact", personId: person.id, name: person.name, place: toPlace(person.account), phone: person.phone };
    }
  }
}

function toPlace(account: NonNullable<PersonWithPlace["account"]>): AccountPlace {
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
    const identity = await db.chatIdentity.findUnique({
      where: { platform_tenantId_userId: { platform: ref.chat.platform, tenantId: ref.chat.tenantId, userId: ref.chat.userId } },
      include: { person: { include: personWithPlace } },
    });
    if (identity) return toActor(identity.person);
    if (!ref.link) throw new CaseError("UNKNOWN_USER");
    // Linking asks the chat platform (Slack users.info, the Teams roster): never while a
    // transaction holds a connection (on the embedded database, its only one). Inside
    // one, inTransaction links first and runs the transaction again.
    if (isTransaction(db)) throw new LinkFirst(ref.link);
    return loadActor(db, await ref.link(db));
  }
  return toActor(await db.person.findUnique({ where: { id: ref.personId }, include: personWithPlace }));
}

/** Thrown inside a transaction that met a first-time chat user: link them, then run it again. */
export class LinkFirst extends Error {
  constructor(readonly link: (db: PrismaClient) => Promise<{ personId: string }>) {
    super("a first-time chat user must be linked before this transaction");
  }
}

/** An interactive transaction's client has no $transaction of its own. */
function isTransaction(db: PrismaClient | Tx): db is Tx {
  return typeof (db as { $transaction?: unknown }).$transaction !== "function";
}

export async function loadPlace(db: PrismaClient | Tx, accountId: string): Promise<AccountPlace> {
  const account = await db.account.findUnique({ where: { id: accountId }, select: personWithPlace.account.select });
  if (!account) throw new CaseError("NOT_FOUND", { field: "accountId" });
  return toPlace(account);
}

/**
 * Links a first-time chat user to the contact with the email their platform reports.
 * Concurrent first requests of one user all succeed: the insert ignores a row another
 * request made a moment earlier, and the identity is read back either way.
 */
export async function linkChatIdentityByEmail(db: PrismaClient | Tx, ref: ChatRef, rawEmail: string | undefined, at: Date): Promise<{ personId: string }> {
  const email = rawEmail?.trim().toLowerCase();
  const person = email ? await db.person.findUnique({ where: { email } }) : null;
  if (!person || person.kind !== "CONTACT" || !person.active) throw new CaseError("UNKNOWN_USER");
  const inserted = await db.$executeRaw`
    INSERT INTO "ChatIdentity" ("id", "platform", "tenantId", "userId", "personId", "createdAt")
    VALUES (${randomUUID()}::uuid, ${ref.platform}::"Platform", ${ref.tenantId}, ${ref.userId}, ${person.id}::uuid, ${at})
    ON CONFLICT DO NOTHING`;
  if (inserted === 1) {
    await recordAudit(db as Tx, { accountId: person.accountId ?? undefined, actor: { kind: "system" }, action: "identity.linked_by_email", changes: { personId: person.id, platform: ref.platform, userId: ref.userId }, source: ref.platform, at });
    return { personId: person.id };
  }
  const existing = await db.chatIdentity.findUnique({ where: { platform_tenantId_userId: ref }, select: { personId: true } });
  if (!existing) throw new CaseError("UNKNOWN_USER");
  return existing;
}
