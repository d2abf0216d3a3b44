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
  /** Whose preference: omitted (and no email), the actor's own. */
  personId: z.uuid().optional(),
  /** Or the contact's email address (the CLI names contacts so). */
  email: z.string().trim().toLowerCase().max(320).optional(),
  emailUpdates: z.enum(["AUTO", "ALWAYS", "CHAT_ONLY"], { error: "Choose auto, always or chat only." }),
});
export type EmailUpdatesInput = z.input<typeof emailUpdatesSchema>;
/** Whose preference to read: the actor's own when neither is given. */
export const whoseSchema = emailUpdatesSchema.pick({ personId: true, email: true });

export interface EmailPreferenceView {
  personId: string;
  name: string;
  email: string;
  emailUpdates: EmailUpdates;
}

const personSelect = { id: true, kind: true, accountId: true, name: true, email: true, emailUpdates: true } as const;

export function createEmailPreferences(deps: CoreDeps) {
  const { prisma } = deps;

  const setFor = async (ctx: Ctx, personId: string, value: EmailUpdates, accountId: string | null) =>
    inTransaction(prisma, async (tx) => {
      const actor = await loadActor(tx, ctx.actor);
      await tx.person.update({ where: { id: personId }, data: { emailUpdates: value } });
      await recordAudit(tx, { accountId: accountId ?? undefined, actor, action: "person.email_updates", changes: { personId, emailUpdates: value }, source: ctx.source, at: deps.clock.now() });
    });

  /**
   * The contact whose preference is meant, checked: the actor's own, or (staff and the
   * operator) anyone's by id or address. Someone else's is "no such contact" to a
   * customer, so addresses cannot be probed.
   */
  const whose = async (ctx: Ctx, input: { personId?: string; email?: string }) => {
    const actor = await loadActor(prisma, ctx.actor);
    const own = "personId" in actor ? actor.personId : undefined;
    const person = input.personId
      ? await prisma.person.findUnique({ where: { id: input.personId }, select: personSelect })
      : input.email
        ? await prisma.person.findFirst({ where: { email: { equals: input.email, mode: "insensitive" } }, select: personSelect })
        : own
          ? await prisma.person.findUnique({ where: { id: own }, select: personSelect })
          : null;
    if (!input.personId && !input.email && !own) throw new CaseError("VALIDATION", { field: "personId", message: "Name the contact whose email preference to set." });
    const mine = person !== null && person.id === own;
    if (!mine && !isVendorSide(actor)) throw new CaseError(person ? "FORBIDDEN" : "NOT_FOUND", { field: "personId", message: "You may set only your own email preference." });
    if (mine && person.kind !== "CONTACT") throw new CaseError("VALIDATION", { field: "personId", message: "Email updates are a customer contact's choice; support staff follow cases in chat." });
    if (!person || person.kind !== "CONTACT") throw new CaseError("NOT_FOUND", { field: "personId", message: input.email ? `No contact has the address ${input.email}.` : "No such contact." });
    return person;
  };

  return {
    /** Sets a contact's preference: their own, or anyone's for staff and the operator. */
    set: async (ctx: Ctx, raw: EmailUpdatesInput): Promise<EmailPreferenceView> => {
      const input = parseInput(emailUpdatesSchema, raw);
      const person = await whose(ctx, input);
      await setFor(ctx, person.id, input.emailUpdates, person.accountId);
      return { personId: person.id, name: person.name, email: person.email, emailUpdates: input.emailUpdates };
    },

    /** A contact's preference: one's own, or anyone's for staff and the operator. */
    get: async (ctx: Ctx, raw: z.input<typeof whoseSchema> = {}): Promise<EmailPreferenceView> => {
      const person = await whose(ctx, parseInput(whoseSchema, raw));
      return { personId: person.id, name: person.name, email: person.email, emailUpdates: person.emailUpdates };
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
