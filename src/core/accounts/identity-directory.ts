import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAudit } from "../audit.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { ownWorkspaces } from "../workspaces/own-workspaces.ts";
import { linkChatIdentityByEmail, loadActor, type ChatRef } from "./actors.ts";
import { isTimeZone } from "../time-zone.ts";
import { assertAdmin, directoryContext } from "./directory-rules.ts";
import { linkIdentitySchema, resolveChatUserSchema } from "./schemas.ts";

/** Chat identities (a Slack or Teams user) linked to people. */
export function createIdentityDirectory(deps: CoreDeps) {
  const { tx, now } = directoryContext(deps);
  return {
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
        return linkChatIdentityByEmail(db, ref, email, now(), ownWorkspaces(deps));
      }),

    /**
     * A chat user's platform reports a new time zone (Slack's signed `user_change`):
     * kept on their identity so their promises are told in it. An identity nobody linked
     * is left alone (nothing is created for a stranger); an unknown zone is ignored.
     */
    noteChatTimeZone: async (ref: ChatRef, timeZone: string): Promise<boolean> => {
      if (!isTimeZone(timeZone)) return false;
      const changed = await deps.prisma.chatIdentity.updateMany({ where: { platform: ref.platform, tenantId: ref.tenantId, userId: ref.userId }, data: { timeZone } });
      return changed.count > 0;
    },
  };
}

export type IdentityDirectory = ReturnType<typeof createIdentityDirectory>;
