import { z } from "zod";
import type { EmailUpdates } from "../generated/prisma/client.ts";
import { loadActor } from "./accounts/actors.ts";
import { isVendorSide } from "./accounts/policy.ts";
import { recordAudit } from "./audit.ts";
import { inTransaction } from "./db/tx.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { CaseError } from "./errors.ts";
import { parseInput } from "./validation.ts";

/**
 * Whether a contact is emailed case updates (issue 14): AUTO (the default) emails them
 * when no customer chat thread follows the case, ALWAYS emails them anyway, CHAT_ONLY
 * never (what an unsubscribe link sets). A contact sets their own; staff and the
 * operator may set anyone's. CC addresses are no people: an unsubscribe link sent to one
 * puts the address on the opt-out list instead.
 */
export const emailUpdatesSchema = z.object({
  /** Whose preference: omitted, the actor's own. */
  personId: z.uuid().optional(),
  emailUpdates: z.enum(["AUTO", "ALWAYS", "CHAT_ONLY"], { error: "Choose auto, always or chat only." }),
});
export type EmailUpdatesInput = z.input<typeof emailUpdatesSchema>;

export function createEmailPreferences(deps: CoreDeps) {
  const { prisma } = deps;

  const setFor = async (ctx: Ctx, personId: string, value: EmailUpdates, accountId: string | null) =>
    inTransaction(prisma, async (tx) => {
      const actor = await loadActor(tx, ctx.actor);
      await tx.person.update({ where: { id: personId }, data: { emailUpdates: value } });
      await recordAudit(tx, { accountId: accountId ?? undefined, actor, action: "person.email_updates", changes: { personId, emailUpdates: value }, source: ctx.source, at: deps.clock.now() });
    });

  return {
    /** Sets a contact's preference: their own, or anyone's for staff and the operator. */
    set: async (ctx: Ctx, raw: EmailUpdatesInput): Promise<{ personId: string; emailUpdates: EmailUpdates }> => {
      const input = parseInput(emailUpdatesSchema, raw);
      const actor = await loadActor(prisma, ctx.actor);
      const personId = input.personId ?? ("personId" in actor ? actor.personId : undefined);
      if (!personId) throw new CaseError("VALIDATION", { field: "personId", message: "Name the contact whose email preference to set." });
      if (!isVendorSide(actor) && !("personId" in actor && actor.personId === personId)) throw new CaseError("FORBIDDEN");
      const person = await prisma.person.findUnique({ where: { id: personId }, select: { kind: true, accountId: true } });
      if (!person || person.kind !== "CONTACT") throw new CaseError("NOT_FOUND", { field: "personId", message: "No such contact." });
      await setFor(ctx, personId, input.emailUpdates, person.accountId);
      return { personId, emailUpdates: input.emailUpdates };
    },

    /**
     * An unsubscribe link was followed (its token verified by the caller, src/email): the
     * contact's preference becomes CHAT_ONLY, or the CC address is opted out. Idempotent.
     */
    unsubscribe: async (who: { personId: string } | { address: string }): Promise<void> => {
      const system: Ctx = { actor: { system: true }, source: "email" };
      if ("personId" in who) {
        const person = await prisma.person.findUnique({ where: { id: who.personId }, select: { accountId: true, emailUpdates: true } });
        if (!person) throw new CaseError("NOT_FOUND");
        if (person.emailUpdates !== "CHAT_ONLY") await setFor(system, who.personId, "CHAT_ONLY", person.accountId);
        return;
      }
      await prisma.emailOptOut.createMany({ data: [{ address: who.address.toLowerCase(), createdAt: deps.clock.now() }], skipDuplicates: true });
    },

    /** For delivery: the contact's preference and which of the addresses opted out (lower case). */
    forDelivery: async (contactId: string, addresses: string[]): Promise<{ contact: EmailUpdates; optedOut: Set<string> }> => {
      const lower = addresses.map((a) => a.toLowerCase());
      const [person, out] = await Promise.all([
        prisma.person.findUnique({ where: { id: contactId }, select: { emailUpdates: true } }),
        lower.length ? prisma.emailOptOut.findMany({ where: { address: { in: lower } }, select: { address: true } }) : Promise.resolve([]),
      ]);
      return { contact: person?.emailUpdates ?? "AUTO", optedOut: new Set(out.map((o) => o.address)) };
    },
  };
}

export type EmailPreferences = ReturnType<typeof createEmailPreferences>;
