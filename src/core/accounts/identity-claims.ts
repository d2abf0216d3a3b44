import { randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { recordAudit } from "../audit.ts";
import { inTransaction, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError, toCaseError } from "../errors.ts";
import { enqueueNotification, type OutboxBell } from "../notify/outbox.ts";
import { parseInput } from "../validation.ts";
import { bindingOf, type ChannelBindingView } from "../workspaces/channel-bindings.ts";
import { loadActor, type ChatRef } from "./actors.ts";
import type { Actor } from "./policy.ts";

/**
 * Who a chat user is, when their email cannot say (issue 13, Slack Connect): Slack
 * shares no address for them, or their own workspace is not linked to the account (an
 * admin of any workspace can give a user any address, so it is not trusted there). In a
 * channel bound to an account they are never just refused: they are told how to confirm
 * who they are, as a contact of THAT account only.
 *
 * - `verify you@company.com`: when the address is a contact's of the channel's account
 *   (or its sub-accounts), a 6-digit code goes to that address on file through the
 *   outbox (event identity.code, src/email/identity-code.ts). The code is random, stored
 *   only sealed with the credentials key (the outbox row carries the claim's id alone),
 *   works once, for the chat user who asked and no one else, within 30 minutes and 5
 *   tries. `verify 123456` then links the chat identity to the contact. The answer is the
 *   same whether or not the address is on file, so nobody learns who the contacts are.
 * - `verify Full Name`: no address they can read. Support staff get a card in the triage
 *   channel (event identity.approval_requested) with Approve and Decline; approving links
 *   the identity to the one contact of the account with that name.
 */
export const CODE_MINUTES = 30;
const MAX_TRIES = 5;
/** A new code to one contact at most this often, whoever asks (nobody floods a mailbox). */
const RESEND_GAP_MS = 2 * 60_000;
/** Codes to one contact a day, whoever asks: with 5 tries each, guessing stays hopeless (25 in 10^6 a day). */
const DAILY_CODES_PER_CONTACT = 5;
/** Claims one chat user may start per hour. */
const HOURLY_LIMIT = 6;
const STAFF_REQUEST_DAYS = 7;

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/;
const CODE = /^\d{6}$/;
const verifySchema = z.object({ channelId: z.string().trim().min(1).max(300), text: z.string().max(500).default("") });
const claimIdSchema = z.uuid({ error: "That request is not available any more." });

export type VerifyAnswer = { kind: "linked" | "code_sent" | "staff_asked" | "known" | "offer"; title: string; text: string };

/** The chat identity a request comes from; only chat users confirm who they are this way. */
function chatRefOf(ctx: Ctx): ChatRef {
  if (!("chat" in ctx.actor)) throw new CaseError("VALIDATION", { message: "Confirming who you are is for Slack and Teams users, in their customer's support channel." });
  return ctx.actor.chat;
}

const codeContext = (claimId: string) => `identity-claim:${claimId}`;
const how = (platform: ChatRef["platform"]) => (platform === "slack" ? "/case verify" : "verify");

/** The contacts a channel bound to `accountId` may confirm as: the account's and its sub-accounts'. */
const family = (accountId: string): Prisma.PersonWhereInput => ({ kind: "CONTACT", active: true, OR: [{ accountId }, { account: { parentId: accountId } }] });

export function createIdentityClaims(deps: CoreDeps, bell?: OutboxBell) {
  const prisma = deps.prisma;
  const tx = <T>(fn: (db: Tx) => Promise<T>) => inTransaction(prisma, fn);
  const now = () => deps.clock.now();

  /** What a user the channel does not know yet is told to do (never a bare refusal). */
  async function offerText(binding: ChannelBindingView, platform: ChatRef["platform"], email: string | undefined): Promise<string> {
    const verify = how(platform);
    const onFile = email ? await prisma.person.findFirst({ where: { email: email.trim().toLowerCase(), ...family(binding.accountId) }, select: { email: true } }) : null;
    return [
      `carebot does not know you yet. This channel is ${binding.accountName}'s support channel: confirm you are a contact of ${binding.accountName} and carebot works for you here.`,
      onFile
        ? `Type ${verify} ${onFile.email} and a one-time code is emailed to that address, which is on file for you.`
        : `Type ${verify} followed by your email address on file at ${binding.accountName} (for example ${verify} you@company.com): a one-time code is emailed there.`,
      `Then type ${verify} and the code. No address on file you can read? Type ${verify} followed by your full name, and support staff are asked to approve you.`,
    ].join("\n\n");
  }

  async function pendingFor(db: Tx | typeof prisma, ref: ChatRef) {
    return db.identityClaim.findMany({ where: { platform: ref.platform, tenantId: ref.tenantId, userId: ref.userId, status: "PENDING", expiresAt: { gt: now() } }, orderBy: { createdAt: "desc" }, take: 5 });
  }

  async function assertUnderLimit(ref: ChatRef): Promise<void> {
    const recent = await prisma.identityClaim.count({ where: { platform: ref.platform, tenantId: ref.tenantId, userId: ref.userId, createdAt: { gt: new Date(now().getTime() - 3_600_000) } } });
    if (recent >= HOURLY_LIMIT) throw new CaseError("VALIDATION", { message: "You asked several times within the hour: wait a while, then try again, or ask support staff." });
  }

  /** Links the identity to the contact, once; the claim must still be pending (single use). */
  async function link(db: Tx, claim: { id: string; platform: ChatRef["platform"]; tenantId: string; userId: string; channelId: string; accountId: string }, personId: string, how: "code" | "staff", actor: Actor) {
    const at = now();
    const decidedById = "personId" in actor ? actor.personId : null;
    // Only while the channel still belongs to the account the request was made for.
    const binding = await bindingOf(db, { platform: claim.platform, channelId: claim.channelId });
    if (binding?.accountId !== claim.accountId) throw new CaseError("VALIDATION", { message: "The channel this was asked in is no longer that account's support channel: nothing was linked." });
    const spent = await db.identityClaim.updateMany({ where: { id: claim.id, status: "PENDING" }, data: { status: "CONFIRMED", decidedAt: at, decidedById } });
    if (spent.count !== 1) throw new CaseError("CONFLICT", { message: "That request was already decided." });
    const person = await db.person.findFirst({ where: { id: personId, ...family(claim.accountId) }, select: { id: true, name: true, accountId: true } });
    if (!person) throw new CaseError("VALIDATION", { message: "That contact is no longer an active contact of the account." });
    await db.$executeRaw`
      INSERT INTO "ChatIdentity" ("id", "platform", "tenantId", "userId", "personId", "createdAt")
      VALUES (${randomUUID()}::uuid, ${claim.platform}::"Platform", ${claim.tenantId}, ${claim.userId}, ${person.id}::uuid, ${at})
      ON CONFLICT DO NOTHING`;
    await recordAudit(db, { accountId: person.accountId ?? undefined, actor, action: how === "code" ? "identity.linked_by_code" : "identity.linked_by_staff", changes: { personId: person.id, platform: claim.platform, tenantId: claim.tenantId, userId: claim.userId, claimId: claim.id }, source: claim.platform, at });
    return person;
  }

  async function confirmCode(ref: ChatRef, code: string): Promise<VerifyAnswer> {
    const pending = (await pendingFor(prisma, ref)).filter((c) => c.kind === "EMAIL" && c.codeSealed && c.personId);
    const given = Buffer.from(code);
    const match = pending.find((c) => {
      const sealed = Buffer.from(deps.vault.openText(codeContext(c.id), c.codeSealed!));
      return sealed.length === given.length && timingSafeEqual(sealed, given);
    });
    if (!match) {
      // Each wrong code costs every pending claim of this user a try; the fifth spends it.
      for (const c of pending) {
        await prisma.identityClaim.updateMany({ where: { id: c.id, status: "PENDING" }, data: { attempts: { increment: 1 } } });
        await prisma.identityClaim.updateMany({ where: { id: c.id, status: "PENDING", attempts: { gte: MAX_TRIES } }, data: { status: "SPENT" } });
      }
      throw new CaseError("VALIDATION", { message: `That code is not right, or it expired (codes work for ${CODE_MINUTES} minutes). Type ${how(ref.platform)} with your address again for a new one.` });
    }
    const person = await tx((db) => link(db, match, match.personId!, "code", { kind: "system" }));
    return { kind: "linked", title: `Welcome, ${person.name}`, text: "You are confirmed as a contact of this channel's account: /case, the message shortcut and replies in case threads now work for you." };
  }

  async function sendCode(ref: ChatRef, binding: ChannelBindingView, address: string): Promise<VerifyAnswer> {
    const email = address.toLowerCase();
    const answer: VerifyAnswer = {
      kind: "code_sent",
      title: "Check your email",
      text: `If ${email} is on file for a contact of ${binding.accountName}, a 6-digit code is on its way to it. Type ${how(ref.platform)} and the code here within ${CODE_MINUTES} minutes; it works once.`,
    };
    await assertUnderLimit(ref);
    const contact = await prisma.person.findFirst({ where: { email, ...family(binding.accountId) }, select: { id: true } });
    if (!contact) return answer;
    const at = now();
    const recent = await prisma.identityClaim.findMany({ where: { personId: contact.id, kind: "EMAIL", createdAt: { gt: new Date(at.getTime() - 86_400_000) } }, select: { createdAt: true } });
    if (recent.length >= DAILY_CODES_PER_CONTACT || recent.some((c) => c.createdAt.getTime() > at.getTime() - RESEND_GAP_MS)) return answer;
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await tx(async (db) => {
      await db.identityClaim.create({
        data: {
          id, platform: ref.platform, tenantId: ref.tenantId, userId: ref.userId, channelId: binding.channelId, accountId: binding.accountId, personId: contact.id,
          kind: "EMAIL", status: "PENDING", codeSealed: deps.vault.sealText(codeContext(id), code), expiresAt: new Date(at.getTime() + CODE_MINUTES * 60_000), createdAt: at,
        },
      });
      await enqueueNotification(db, { caseId: null, event: "identity.code", payload: { claimId: id }, at });
    });
    bell?.ring();
    return answer;
  }

  async function askStaff(ref: ChatRef, binding: ChannelBindingView, name: string): Promise<VerifyAnswer> {
    const asked: VerifyAnswer = { kind: "staff_asked", title: "Support staff were asked", text: `Support staff were asked to confirm you as a contact of ${binding.accountName}. Once they approve, carebot works for you here.` };
    if ((await pendingFor(prisma, ref)).some((c) => c.kind === "STAFF")) return asked;
    await assertUnderLimit(ref);
    const matches = await prisma.person.findMany({ where: { name: { equals: name, mode: "insensitive" }, ...family(binding.accountId) }, select: { id: true, name: true }, take: 2 });
    const contact = matches.length === 1 ? matches[0]! : null;
    const at = now();
    const id = randomUUID();
    await tx(async (db) => {
      await db.identityClaim.create({
        data: {
          id, platform: ref.platform, tenantId: ref.tenantId, userId: ref.userId, channelId: binding.channelId, accountId: binding.accountId, personId: contact?.id ?? null,
          kind: "STAFF", status: "PENDING", note: name, expiresAt: new Date(at.getTime() + STAFF_REQUEST_DAYS * 86_400_000), createdAt: at,
        },
      });
      await enqueueNotification(db, {
        caseId: null,
        event: "identity.approval_requested",
        payload: { claimId: id, platform: ref.platform, tenantId: ref.tenantId, userId: ref.userId, channelId: binding.channelId, account: binding.accountName, typed: name, contact: contact?.name ?? null },
        at,
      });
    });
    bell?.ring();
    return asked;
  }

  /** Staff decide a request: loads it, checks who decides. */
  async function deciding(db: Tx, ctx: Ctx, rawId: string) {
    const actor = await loadActor(db, ctx.actor);
    if (actor.kind !== "staff" && actor.kind !== "operator") throw new CaseError("FORBIDDEN", { message: "Only support staff approve who a chat user is." });
    const id = parseInput(claimIdSchema, rawId);
    const claim = await db.identityClaim.findUnique({ where: { id } });
    if (!claim || claim.kind !== "STAFF") throw new CaseError("NOT_FOUND", { message: "That request is not available any more." });
    if (claim.status !== "PENDING") throw new CaseError("CONFLICT", { message: `That request was already ${claim.status === "CONFIRMED" ? "approved" : "declined"}.` });
    if (claim.expiresAt <= now()) throw new CaseError("VALIDATION", { message: "That request expired: the user can ask again." });
    return { actor, claim };
  }

  return {
    /**
     * The refusal of a user the channel does not know: in a bound channel, what to do
     * instead (verify); anywhere else the refusal as it was. `email` is what the platform
     * reports for them, if anything (asked only here, after linking failed).
     */
    async explain(error: unknown, ref: ChatRef, channelId: string, email: () => Promise<string | undefined>): Promise<unknown> {
      const failure = toCaseError(error);
      if (failure.code !== "UNKNOWN_USER") return error;
      const binding = await bindingOf(prisma, { platform: ref.platform, channelId });
      if (!binding) return error;
      let reported: string | undefined;
      try {
        reported = await email();
      } catch {
        // The platform could not say: the offer names no address.
      }
      return new CaseError("UNKNOWN_USER", { message: await offerText(binding, ref.platform, reported), details: { offer: true }, cause: error });
    },

    /** `verify …` typed in a bound channel: an address (a code is emailed), a code (the identity is linked), or a name (staff are asked). */
    async verify(ctx: Ctx, raw: z.input<typeof verifySchema>): Promise<VerifyAnswer> {
      const ref = chatRefOf(ctx);
      const input = parseInput(verifySchema, raw);
      // Someone carebot knows (or links by their email now) needs no claim.
      const known = await loadActor(prisma, ctx.actor).catch((error: unknown) => {
        if (toCaseError(error).code === "UNKNOWN_USER") return null;
        throw error;
      });
      if (known) return { kind: "known", title: "You are known already", text: `carebot knows you as ${"name" in known ? known.name : "support"}. Ask support staff if that is not you.` };
      const binding = await bindingOf(prisma, { platform: ref.platform, channelId: input.channelId });
      if (!binding) throw new CaseError("VALIDATION", { message: "Confirming who you are works in a customer's support channel (one connected to their account): type it there." });
      const typed = input.text.trim().replace(/^<mailto:[^|>]+\|([^>]+)>$/, "$1");
      if (CODE.test(typed)) return confirmCode(ref, typed);
      if (EMAIL.test(typed)) return sendCode(ref, binding, typed);
      if (!typed) return { kind: "offer", title: "Confirm who you are", text: await offerText(binding, ref.platform, undefined) };
      return askStaff(ref, binding, typed.slice(0, 200));
    },

    /** Staff approve a request: the identity is linked to the contact it names. */
    approve: (ctx: Ctx, claimId: string) =>
      tx(async (db) => {
        const { actor, claim } = await deciding(db, ctx, claimId);
        if (!claim.personId) {
          throw new CaseError("VALIDATION", { message: `No single active contact of the account is named "${claim.note ?? ""}": add them as a contact (npm run cli -- contact create …), then ask them to verify again; or decline.` });
        }
        const person = await link(db, claim, claim.personId, "staff", actor);
        return { contact: person.name, userId: claim.userId };
      }),

    decline: (ctx: Ctx, claimId: string) =>
      tx(async (db) => {
        const { actor, claim } = await deciding(db, ctx, claimId);
        const at = now();
        await db.identityClaim.update({ where: { id: claim.id }, data: { status: "DECLINED", decidedAt: at, decidedById: "personId" in actor ? actor.personId : null } });
        await recordAudit(db, { accountId: claim.accountId, actor, action: "identity.claim_declined", changes: { platform: claim.platform, tenantId: claim.tenantId, userId: claim.userId, claimId: claim.id }, source: ctx.source, at });
        return { userId: claim.userId };
      }),

    /**
     * For the email delivery only: the code of a pending claim and the contact's address
     * on file, opened when the mail is written (the outbox row holds only the claim id).
     * Null once the claim is used, spent or expired: nothing to send.
     */
    async codeToSend(claimId: string): Promise<{ to: string; name: string; code: string; account: string; minutes: number } | null> {
      const claim = await prisma.identityClaim.findUnique({ where: { id: claimId } });
      if (!claim || claim.kind !== "EMAIL" || claim.status !== "PENDING" || !claim.personId || !claim.codeSealed || claim.expiresAt <= now()) return null;
      const [person, account] = await Promise.all([
        prisma.person.findUnique({ where: { id: claim.personId }, select: { email: true, name: true } }),
        prisma.account.findUnique({ where: { id: claim.accountId }, select: { name: true } }),
      ]);
      if (!person || !account) return null;
      return { to: person.email, name: person.name, code: deps.vault.openText(codeContext(claim.id), claim.codeSealed), account: account.name, minutes: CODE_MINUTES };
    },
  };
}

export type IdentityClaims = ReturnType<typeof createIdentityClaims>;
