import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAudit } from "../audit.ts";
import { recordRecent } from "../cases/queries.ts";
import { lockAccount } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { visibleAccounts } from "../search.ts";
import { parseInput } from "../validation.ts";
import { loadActor } from "./actors.ts";
import { assertAdmin, directoryContext, existingId } from "./directory-rules.ts";
import { canOnAccount } from "./policy.ts";
import { accountTimeZoneSchema, createAccountSchema, editAccountSchema, idSchema } from "./schemas.ts";

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

/** Customer accounts: created and edited by staff, seen by those the permission matrix allows. */
export function createAccountDirectory(deps: CoreDeps) {
  const { tx, now } = directoryContext(deps);
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

    /**
     * Sets the zone the account's customer promises are told in when the reader's own is
     * unknown (a card posted to a shared thread, a contact who never said); null: the vendor's.
     */
    setAccountTimeZone: (ctx: Ctx, rawId: string, raw: z.input<typeof accountTimeZoneSchema>) =>
      tx(async (db) => {
        const accountId = existingId(rawId, "accountId");
        const { timeZone } = parseInput(accountTimeZoneSchema, raw);
        const actor = await loadActor(db, ctx.actor);
        if (!canOnAccount(actor, "view", accountId)) throw new CaseError("NOT_FOUND", { field: "accountId" });
        if (!canOnAccount(actor, "edit", accountId)) throw new CaseError("FORBIDDEN");
        const before = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { timeZone: true } });
        const at = now();
        const account = await db.account.update({ where: { id: accountId }, data: { timeZone, updatedAt: at } });
        await recordAudit(db, { accountId, actor, action: "account.time_zone", changes: { timeZone: [before.timeZone, timeZone] }, source: ctx.source, at });
        return account;
      }),

    /** Accounts the actor may see; for customers, the ones they may file cases for come first. */
    listAccounts: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        return db.account.findMany({ where: visibleAccounts(actor), orderBy: { name: "asc" }, take: 500 });
      }),

    /**
     * Marks accounts as demo data (the operator, when loading the demo): their cases'
     * notifications reach the local playground only, never a real channel or inbox.
     */
    markDemo: (ctx: Ctx, rawIds: string[]) =>
      tx(async (db) => {
        const ids = rawIds.map((id) => parseInput(idSchema, id));
        const actor = await loadActor(db, ctx.actor);
        if (actor.kind !== "operator") throw new CaseError("FORBIDDEN", { message: "Only the operator marks demo data." });
        const at = now();
        const { count } = await db.account.updateMany({ where: { id: { in: ids } }, data: { demo: true, updatedAt: at } });
        for (const accountId of ids) await recordAudit(db, { accountId, actor, action: "account.demo", changes: { demo: true }, source: ctx.source, at });
        return count;
      }),
  };
}

export type AccountDirectory = ReturnType<typeof createAccountDirectory>;
