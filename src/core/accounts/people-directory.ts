import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAudit } from "../audit.ts";
import { recordRecent } from "../cases/queries.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { loadActor } from "./actors.ts";
import { assertAdmin, assertSeatFree, directoryContext, emailTaken, existingId } from "./directory-rules.ts";
import { canOnAccount } from "./policy.ts";
import { contactActiveSchema, createContactSchema, createStaffSchema } from "./schemas.ts";

/** People: customers' contacts (who hold seats) and support staff. */
export function createPeopleDirectory(deps: CoreDeps) {
  const { tx, now } = directoryContext(deps);
  return {
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

    listStaff: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        if (actor.kind !== "staff" && actor.kind !== "operator") throw new CaseError("FORBIDDEN");
        return db.person.findMany({ where: { kind: { in: ["ENGINEER", "MANAGER"] }, active: true }, orderBy: { name: "asc" } });
      }),

    /** The acting person: name and kind, for greetings. */
    me: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        return "personId" in actor ? { id: actor.personId, name: actor.name, kind: actor.kind } : { id: null, name: "Operator", kind: actor.kind };
      }),
  };
}

export type PeopleDirectory = ReturnType<typeof createPeopleDirectory>;
