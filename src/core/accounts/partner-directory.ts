import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAudit } from "../audit.ts";
import { isUniqueViolation } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { loadActor } from "./actors.ts";
import { assertAdmin, directoryContext, emailTaken } from "./directory-rules.ts";
import { createPartnerSchema, createPartnerStaffSchema } from "./schemas.ts";

/** Certified partners and their staff, to whom cases are handed. */
export function createPartnerDirectory(deps: CoreDeps) {
  const { tx, now } = directoryContext(deps);
  return {
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

    listPartners: (ctx: Ctx) =>
      tx(async (db) => {
        const actor = await loadActor(db, ctx.actor);
        if (actor.kind !== "staff" && actor.kind !== "operator") throw new CaseError("FORBIDDEN");
        return db.partner.findMany({ orderBy: { name: "asc" } });
      }),
  };
}

export type PartnerDirectory = ReturnType<typeof createPartnerDirectory>;
