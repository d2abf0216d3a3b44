import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAudit } from "../audit.ts";
import { recordRecent } from "../cases/queries.ts";
import { inTransaction, isUniqueViolation, lockAccount, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { visibleAccounts } from "../search.ts";
import { parseInput } from "../validation.ts";
import { linkChatIdentityByEmail, loadActor } from "./actors.ts";
import { canOnAccount, type Actor } from "./policy.ts";
import {
  contactActiveSchema,
  createAccountSchema,
  createContactSchema,
  createPartnerSchema,
  createPartnerStaffSchema,
  createStaffSchema,
  editAccountSchema,
  idSchema,
  linkIdentitySchema,
  resolveChatUserSchema,
} from "./schemas.ts";

export interface AccountView {
  id: string;
  name: string;
  type: "STANDARD" | "PARENT" | "SUB";
  parent: { id: string; name: string } | null;
  subAccounts: { id: string; name: string }[];
  seatLimit: number;
  seatsUsed: number;
  csmName: string;
  csmEmail: string | null;
  contacts: { id: string; name: string; email: string; phone: string | null; active: boolean }[];
}

function assertAdmin(actor: Actor, what: string): void {
  // Staff administer customers and partners; only managers (and the operator) add staff.
  const allowed = actor.kind === "operator" || (actor.kind === "staff" && (what !== "staff" || actor.role === "MANAGER"));
  if (!allowed) {
    throw new CaseError("FORBIDDEN", { message: `Only support staff or the operator may create ${what}.` });
  }
}

/** An id that is not even a uuid names nothing: not found, rather than a failed query. */
function existingId(id: unknown, field: string): string {
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) throw new CaseError("NOT_FOUND", { field });
  return parsed.data;
}

function emailTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new CaseError("VALIDATION", { field: "email", message: "Someone with that email address already exists." });
  throw error;
}

/** Seats are held by active contacts; a new or reactivated contact needs a free one. */
async function assertSeatFree(tx: Tx, accountId: string): Promise<void> {
  await lockAccount(tx, accountId);
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { seatLimit: true, csmName: true } });
  const used = await tx.person.count({ where: { accountId, kind: "CONTACT", active: true } });
  if (used >= account.seatLimit) {
    throw new CaseError("SEAT_LIMIT", {
      field: "accountId",
      message: `This account uses all ${account.seatLimit} seats of its service package. Ask your Customer Success Manager (${account.csmName}) for more seats.`,
    });
  }
}

export function createDirectory(deps: CoreDeps) {
  const tx = <T>(fn: (tx: Tx) => Promise<T>) => inTransaction(deps.prisma, fn);
  const now = () => deps.clock.now();

  return {
    createAccount: (ctx: Ctx, raw: z.input<typeof createAccountSchema>) =>
      tx(async (db) => {
        const input = parseInput(createAccountSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "accounts");
        if (input.parentId) {
          const parent = await db.account.findUnique({ where: { id: input.parentId } });
          if (!parent || parent.type !== "PARENT") {
            throw new CaseError("VALIDATION", { field: "parentId", message: "The parent must be an account of type parent." });
          }
        }
        const at = now();
        const account = await db.account.create({
          data: { id: randomUUID(), ...input, parentId: input.parentId ?? null, csmEmail: input.csmEmail ?? null, createdAt: at, updatedAt: at },
        });
        await recordAudit(db, { accountId: account.id, actor, action: "account.created", changes: { name: account.name, type: account.type }, source: ctx.source, at });
        return account;
      }),

    createContact: (ctx: Ctx, raw: z.input<typeof createContactSchema>) =>
      tx(async (db) => {
        const input = parseInput(createContactSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "contacts");
        await assertSeatFree(db, input.accountId);
        const at = now();
        const person = await db.person
          .create({ data: { id: randomUUID(), kind: "CONTACT", name: input.name, email: input.email, phone: input.phone ?? null, accountId: input.accountId, createdAt: at } })
          .catch(emailTaken);
        await recordAudit(db, { accountId: input.accountId, actor, action: "contact.created", changes: { personId: person.id }, source: ctx.source, at });
        return person;
      }),

    setContactActive: (ctx: Ctx, raw: z.input<typeof contactActiveSchema>) =>
      tx(async (db) => {
        const input = parseInput(contactActiveSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "contacts");
        const person = await db.person.findUnique({ where: { id: input.personId } });
        if (!person || person.kind !== "CONTACT" || !person.accountId) throw new CaseError("NOT_FOUND", { field: "personId" });
        if (input.active && !person.active) await assertSeatFree(db, person.accountId);
        const at = now();
        const updated = await db.person.update({ where: { id: person.id }, data: { active: input.active } });
        await recordAudit(db, { accountId: person.accountId, actor, action: "contact.active", changes: { personId: person.id, active: [person.active, input.active] }, source: ctx.source, at });
        return updated;
      }),

    createStaff: (ctx: Ctx, raw: z.input<typeof createStaffSchema>) =>
      tx(async (db) => {
        const input = parseInput(createStaffSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "staff");
        const at = now();
        const person = await db.person
          .create({ data: { id: randomUUID(), kind: input.role, name: input.name, email: input.email, createdAt: at } })
          .catch(emailTaken);
        await recordAudit(db, { actor, action: "staff.created", changes: { personId: person.id, role: input.role }, source: ctx.source, at });
        return person;
      }),

    createPartner: (ctx: Ctx, raw: z.input<typeof createPartnerSchema>) =>
      tx(async (db) => {
        const input = parseInput(createPartnerSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "partners");
        const at = now();
        const partner = await db.partner
          .create({ data: { id: randomUUID(), name: input.name, supportChannel: input.supportChannel ?? null, createdAt: at } })
          .catch((error: unknown) => {
            if (isUniqueViolation(error)) throw new CaseError("VALIDATION", { field: "name", message: "A partner with that name already exists." });
            throw error;
          });
        await recordAudit(db, { actor, action: "partner.created", changes: { partnerId: partner.id }, source: ctx.source, at });
        return partner;
      }),

    createPartnerStaff: (ctx: Ctx, raw: z.input<typeof createPartnerStaffSchema>) =>
      tx(async (db) => {
        const input = parseInput(createPartnerStaffSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "partner staff");
        if (!(await db.partner.findUnique({ where: { id: input.partnerId } }))) throw new CaseError("NOT_FOUND", { field: "partnerId" });
        const at = now();
        const person = await db.person
          .create({ data: { id: randomUUID(), kind: "PARTNER_STAFF", name: input.name, email: input.email, partnerId: input.partnerId, createdAt: at } })
          .catch(emailTaken);
        await recordAudit(db, { actor, action: "partner_staff.created", changes: { personId: person.id }, source: ctx.source, at });
        return person;
      }),

    linkIdentity: (ctx: Ctx, raw: z.input<typeof linkIdentitySchema>) =>
      tx(async (db) => {
        const input = parseInput(linkIdentitySchema, raw);
        const actor = await loadActor(db, ctx.actor);
        assertAdmin(actor, "chat identities");
        const person = await db.person.findUnique({ where: { id: input.personId } });
        if (!person) throw new CaseError("NOT_FOUND", { field: "personId" });
        const at = now();
        const identity = await db.chatIdentity.upsert({
          where: { platform_tenantId_userId: { platform: input.platform, tenantId: input.tenantId, userId: input.userId } },
          create: { id: randomUUID(), ...input, createdAt: at },
          update: { personId: input.personId },
        });
        await recordAudit(db, { accountId: person.accountId ?? undefined, actor, action: "identity.linked", changes: { personId: person.id, platform: input.platform, userId: input.userId }, source: ctx.source, at });
        return identity;
      }),

    /**
     * Who a chat user is: by linked identity, or (contacts only) by the email the
     * platform reports, which then links the identity. Staff and partner staff must be
     * linked explicitly, so an email alone never grants vendor rights.
     */
    resolveChatUser: (raw: z.input<typeof resolveChatUserSchema>) =>
      tx(async (db): Promise<{ personId: string }> => {
        const { email, ...ref } = parseInput(resolveChatUserSchema, raw);
        const identity = await db.chatIdentity.findUnique({
          where: { platform_tenantId_userId: ref },
          select: { personId: true, person: { select: { active: true } } },
        });
        if (identity) {
          if (!identity.person.active) throw new CaseError("UNKNOWN_USER");
          return { personId: identity.personId };
        }
        // A new user's first requests often arrive together: the link tolerates the
        // others' insert (ON CONFLICT DO NOTHING, then read) instead of failing on it.
        return linkChatIdentityByEmail(db, ref, email, now());
      }),

    getAccount: (ctx: Ctx, rawId: string): Promise<AccountView> =>
      tx(async (db) => {
        const accountId = existingId(rawId, "accountId");
        const actor = await loadActor(db, ctx.actor);
        if (!canOnAccount(actor, "view", accountId)) throw new CaseError("NOT_FOUND", { field: "accountId" });
        const account = await db.account.findUnique({
          where: { id: accountId },
          include: {
            parent: { select: { id: true, name: true } },
            children: { select: { id: true, name: true }, orderBy: { name: "asc" } },
            people: { where: { kind: "CONTACT" }, orderBy: { name: "asc" } },
          },
        });
        if (!account) throw new CaseError("NOT_FOUND", { field: "accountId" });
        await recordRecent(db, actor, "ACCOUNT", account.id, now());
        return {
          id: account.id,
          name: account.name,
          type: account.type,
          parent: account.parent,
          subAccounts: account.children,
          seatLimit: account.seatLimit,
          seatsUsed: account.people.filter((p) => p.active).length,
          csmName: account.csmName,
          csmEmail: account.csmEmail,
          contacts: account.people.map((p) => ({ id: p.id, name: p.name, email: p.email, phone: p.phone, active: p.active })),
        };
      }),

    editAccount: (ctx: Ctx, rawId: string, raw: z.input<typeof editAccountSchema>) =>
      tx(async (db) => {
        const accountId = existingId(rawId, "accountId");
        const input = parseInput(editAccountSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        if (!canOnAccount(actor, "view", accountId)) throw new CaseError("NOT_FOUND", { field: "accountId" });
        if (!canOnAccount(actor, "edit", accountId)) throw new CaseError("FORBIDDEN");
        await lockAccount(db, accountId);
        const before = await db.account.findUniqueOrThrow({ where: { id: accountId } });
        const at = now();
        const account = await db.account.update({ where: { id: accountId }, data: { name: input.name, updatedAt: at } });
        await recordAudit(db, { accountId, actor, action: "account.edited", changes: { name: [before.name, input.name] }, source: ctx.source, at });
        return account;
      }),

    /** Accounts the actor may see; for customers, the ones they may file cases for come first. */
    listAccounts: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        return db.account.findMany({ where: visibleAccounts(actor), orderBy: { name: "asc" }, take: 500 });
      }),

    /** The acting person: name and kind, for greetings. */
    me: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        return "personId" in actor ? { id: actor.personId, name: actor.name, kind: actor.kind } : { id: null, name: "Operator", kind: actor.kind };
      }),

    getContact: (ctx: Ctx, rawId: string) =>
      tx(async (db) => {
        const personId = existingId(rawId, "personId");
        const actor = await loadActor(db, ctx.actor);
        const person = await db.person.findUnique({ where: { id: personId }, include: { account: { select: { id: true, name: true } } } });
        if (!person || person.kind !== "CONTACT" || !person.accountId || !canOnAccount(actor, "view", person.accountId)) {
          throw new CaseError("NOT_FOUND", { field: "personId" });
        }
        await recordRecent(db, actor, "CONTACT", person.id, now());
        return { id: person.id, name: person.name, email: person.email, phone: person.phone, active: person.active, account: person.account };
      }),

    listPartners: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        if (actor.kind !== "staff" && actor.kind !== "operator") throw new CaseError("FORBIDDEN");
        return db.partner.findMany({ orderBy: { name: "asc" } });
      }),

    listStaff: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        if (actor.kind !== "staff" && actor.kind !== "operator") throw new CaseError("FORBIDDEN");
        return db.person.findMany({ where: { kind: { in: ["ENGINEER", "MANAGER"] }, active: true }, orderBy: { name: "asc" } });
      }),
  };
}

export type Directory = ReturnType<typeof createDirectory>;
