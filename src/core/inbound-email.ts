import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { InboundEmailOutcome } from "../generated/prisma/client.ts";
import { loadActor } from "./accounts/actors.ts";
import { isVendorSide } from "./accounts/policy.ts";
import type { Attachments, NewAttachment } from "./attachments/attachments.ts";
import { heldFileKey } from "./attachments/storage.ts";
import { recordAudit } from "./audit.ts";
import { addComment } from "./cases/comments.ts";
import { inTransaction, type Tx } from "./db/tx.ts";
import { enqueueNotification } from "./notify/outbox.ts";
import { formatCaseNumber } from "./cases/presenter.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { CaseError } from "./errors.ts";
import { parseInput } from "./validation.ts";

/**
 * An emailed reply to a case, as the mail layer (src/email) hands it over after
 * verifying the reply address's token and reading the message: it becomes a comment by
 * the person the address was issued to, through the same addComment as a chat reply
 * (so the same rules: Pending -> In Progress, reopen within the window, refused after),
 * or it is held for staff, or dropped as automatic. Each message is stored once, by its
 * Message-ID: a relay that delivers twice makes one comment and one record.
 */
export const inboundEmailSchema = z.object({
  messageId: z.string().min(1).max(998),
  caseNumber: z.number().int().min(1),
  /** Whom the reply address was issued to. For a CC address: the sender's address when it matched the token, else null. */
  recipient: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("person"), personId: z.uuid() }),
    z.object({ kind: z.literal("cc"), address: z.string().max(320).toLowerCase().nullable() }),
  ]),
  /** The From address, lower case. */
  from: z.string().trim().max(320).toLowerCase(),
  subject: z.string().max(998),
  /** The reply's own text (quotes and signature stripped, HTML made text). */
  body: z.string().max(30_000),
  /** Set when the message is automatic (an auto-reply, a bounce): why. It is never a comment. */
  automatic: z.string().max(300).nullable(),
});
export type InboundEmailInput = z.input<typeof inboundEmailSchema>;

export interface InboundEmailResult {
  outcome: InboundEmailOutcome;
  /** Why it was held, dropped or refused. */
  reason: string | null;
  commentId: string | null;
  /** False when this Message-ID had been received before: nothing was done again. */
  firstDelivery: boolean;
  /** For a refused reply: what to tell the sender (the offer of a new linked case). */
  answer: string | null;
}

export interface HeldEmail {
  id: string;
  caseNumber: string | null;
  fromAddress: string;
  subject: string;
  body: string;
  reason: string | null;
  /** `kept`: its bytes are stored with the held email, so releasing it attaches the file (false: too big to keep). */
  attachments: { name: string; contentType: string; size: number; kept?: boolean }[];
  receivedAt: Date;
  /** The person the reply address was sent to (or the contact of the CC address), whom a release writes the comment as by default. */
  claimed: { personId: string; name: string; email: string } | null;
}

/** Staff's decision on a held email: release it as a comment (by the contact it claimed, or by a chosen person), or discard it. */
export const heldEmailIdSchema = z.uuid({ error: "That is no held email's id." });
export const releaseHeldSchema = z.object({
  id: heldEmailIdSchema,
  /** Whom the comment is written as; default: the person the reply address was sent to. */
  personId: z.uuid().optional(),
  /** Or that person's email address. */
  email: z.string().trim().toLowerCase().max(320).optional(),
});
export type ReleaseHeldInput = z.input<typeof releaseHeldSchema>;

export interface HeldDecision {
  id: string;
  caseNumber: string | null;
  outcome: "COMMENTED" | "DROPPED";
  commentId: string | null;
  /** Who the comment was written as (release only). */
  author: { personId: string; name: string } | null;
  /** Files that could not be attached, in the sender's words. */
  problems: string[];
}

/** The key a comment made from this message carries (Comment.externalId is at most 300 characters). */
function commentKey(messageId: string): string {
  return messageId.length <= 300 ? messageId : `sha256:${createHash("sha256").update(messageId).digest("hex")}`;
}

/** Errors that mean "this person may not write this reply here", not "try again later". */
const REFUSALS = new Set(["NOT_FOUND", "FORBIDDEN", "UNKNOWN_USER", "INVALID_STATE", "VALIDATION", "SEAT_LIMIT"]);

export function createInboundEmail(deps: CoreDeps, attachments: Attachments) {
  const { prisma } = deps;

  const record = async (
    input: z.infer<typeof inboundEmailSchema>,
    caseId: string | null,
    outcome: InboundEmailOutcome,
    reason: string | null,
    files: NewAttachment[],
    commentId: string | null = null,
  ): Promise<boolean> => {
    const id = randomUUID();
    // A held reply's files are kept with it (store keys held:<id>:<n>), so staff who
    // release it attach them; files over the size limit are listed, not kept.
    const keep = outcome === "HELD" ? files.map((f) => f.content.length > 0 && f.content.length <= attachments.limits.maxBytes) : files.map(() => false);
    for (const [n, file] of files.entries()) if (keep[n]) await attachments.store.put(heldFileKey(id, n), file.content);
    const now = deps.clock.now();
    const count = await inTransaction(prisma, async (tx) => {
      const { count } = await tx.inboundEmail.createMany({
        skipDuplicates: true,
        data: [
          {
            id,
            messageId: input.messageId,
            caseId,
            tokenPersonId: input.recipient.kind === "person" ? input.recipient.personId : null,
            tokenAddress: input.recipient.kind === "cc" ? input.recipient.address : null,
            fromAddress: input.from,
            subject: input.subject,
            body: input.body,
            attachments: files.map((f, n) => ({ name: f.name, contentType: f.contentType ?? "application/octet-stream", size: f.content.length, ...(outcome === "HELD" ? { kept: keep[n] } : {}) })),
            outcome,
            reason,
            commentId,
            receivedAt: now,
          },
        ],
      });
      // A reply held for the first time: staff are told in the triage channel, in the same transaction.
      if (count === 1 && outcome === "HELD") await announceHeld(tx, id, input, caseId, reason, now);
      return count;
    });
    // Delivered twice at once: the other delivery's row won; these bytes are nobody's.
    if (count === 0) for (const [n] of files.entries()) if (keep[n]) await attachments.store.remove(heldFileKey(id, n));
    return count === 1;
  };

  /** The triage channel's card of a held reply (outbox event email.held): whom a release would write it as. */
  const announceHeld = async (tx: Tx, id: string, input: z.infer<typeof inboundEmailSchema>, caseId: string | null, reason: string | null, at: Date) => {
    const kase = caseId ? await tx.case.findUnique({ where: { id: caseId }, select: { number: true } }) : null;
    const claimedBy =
      input.recipient.kind === "person"
        ? await tx.person.findUnique({ where: { id: input.recipient.personId }, select: { name: true, email: true } })
        : await tx.person.findFirst({ where: { email: { equals: input.recipient.address ?? input.from, mode: "insensitive" }, kind: "CONTACT" }, select: { name: true, email: true } });
    await enqueueNotification(tx, {
      caseId: null,
      event: "email.held",
      payload: { heldId: id, caseNumber: kase ? formatCaseNumber(kase.number) : null, from: input.from, subject: input.subject.slice(0, 300), reason, claimed: claimedBy ? `${claimedBy.name} <${claimedBy.email}>` : null },
      at,
    });
  };

  const result = (outcome: InboundEmailOutcome, reason: string | null, firstDelivery: boolean, extra: Partial<InboundEmailResult> = {}): InboundEmailResult => ({
    outcome,
    reason,
    commentId: null,
    firstDelivery,
    answer: null,
    ...extra,
  });

  /** Who may write this reply, or why nobody may (then it is held). */
  const author = async (input: z.infer<typeof inboundEmailSchema>, kase: { cc: string[] }): Promise<{ personId: string } | { held: string }> => {
    if (input.recipient.kind === "person") {
      const person = await prisma.person.findUnique({ where: { id: input.recipient.personId }, select: { email: true, active: true } });
      if (!person || !person.active) return { held: "The reply address belongs to a person who is no longer active." };
      if (person.email.toLowerCase() !== input.from) return { held: `Sent from ${input.from}, not from the address of the person this reply address was sent to.` };
      return { personId: input.recipient.personId };
    }
    const address = input.recipient.address;
    if (!address) return { held: `Sent from ${input.from}, not from the CC address this reply address was sent to.` };
    if (!kase.cc.some((cc) => cc.toLowerCase() === address)) return { held: `${address} is no longer copied on the case.` };
    const contact = await prisma.person.findUnique({ where: { email: address }, select: { id: true, kind: true, active: true } });
    if (!contact || contact.kind !== "CONTACT" || !contact.active) {
      return { held: `${address} is copied on the case but is no contact of a customer account, so the reply is not written as anyone's comment.` };
    }
    return { personId: contact.id };
  };

  return {
    /**
     * Takes one emailed reply. Throws only for failures worth a retry (the database):
     * the SMTP listener then answers 451 and the relay delivers it again later.
     */
    receive: async (raw: InboundEmailInput, files: NewAttachment[] = []): Promise<InboundEmailResult> => {
      const input = parseInput(inboundEmailSchema, raw);
      const seen = await prisma.inboundEmail.findUnique({ where: { messageId: input.messageId }, select: { outcome: true, reason: true, commentId: true } });
      if (seen) return result(seen.outcome, seen.reason, false, { commentId: seen.commentId });

      if (input.automatic) {
        return result("DROPPED", input.automatic, await record(input, null, "DROPPED", input.automatic, files));
      }
      const kase = await prisma.case.findUnique({ where: { number: input.caseNumber }, select: { id: true, cc: true } });
      if (!kase) {
        const reason = `No case ${formatCaseNumber(input.caseNumber)}.`;
        return result("HELD", reason, await record(input, null, "HELD", reason, files));
      }
      const who = await author(input, kase);
      if ("held" in who) return result("HELD", who.held, await record(input, kase.id, "HELD", who.held, files));
      const body = input.body.trim() || (files.length ? `(sent ${files.length === 1 ? "a file" : `${files.length} files`} by email)` : "");
      if (!body) {
        const reason = "The reply was empty once the quoted email was taken off.";
        return result("DROPPED", reason, await record(input, kase.id, "DROPPED", reason, files));
      }

      const ctx: Ctx = { actor: who, source: "email" };
      let commentId: string;
      let created: boolean;
      try {
        const made = await addComment(deps, ctx, kase.id, { body, externalId: commentKey(input.messageId) });
        commentId = made.comment.id;
        created = made.created;
      } catch (error) {
        if (!(error instanceof CaseError)) throw error;
        if (error.code === "REOPEN_WINDOW_PASSED") {
          const first = await record(input, kase.id, "REFUSED", error.message, files);
          return result("REFUSED", error.message, first, { answer: first ? error.message : null });
        }
        if (REFUSALS.has(error.code)) {
          return result("HELD", error.message, await record(input, kase.id, "HELD", error.message, files));
        }
        throw error;
      }

      // Files ride on the comment. A redelivery after a crash between the comment and its
      // files finds the comment made (created: false) and attaches what is missing.
      const problems: string[] = [];
      const already = created ? 0 : await prisma.attachment.count({ where: { commentId } });
      if (files.length && already === 0) {
        for (const file of files) {
          try {
            await attachments.add(ctx, kase.id, [file], { commentId });
          } catch (error) {
            if (!(error instanceof CaseError) || !REFUSALS.has(error.code)) throw error;
            problems.push(error.message);
          }
        }
      }
      const reason = problems.length ? `Files not kept: ${problems.join(" ")}` : null;
      const first = await record(input, kase.id, "COMMENTED", reason, files, commentId);
      return result("COMMENTED", reason, first, { commentId });
    },

    /** Replies held for staff (a sender who did not match, a CC address that is no contact), newest first. Staff and the operator only. */
    held: async (ctx: Ctx, options: { limit?: number } = {}): Promise<HeldEmail[]> => {
      await staffOnly(ctx);
      const rows = await prisma.inboundEmail.findMany({
        where: { outcome: "HELD" },
        orderBy: [{ receivedAt: "desc" }, { id: "asc" }],
        take: Math.min(Math.max(options.limit ?? 50, 1), 200),
        select: heldSelect,
      });
      const claimed = await claimedPeople(rows);
      return rows.map((row) => toHeld(row, claimed));
    },

    /** One held email (staff and the operator only). */
    heldOne: async (ctx: Ctx, id: string): Promise<HeldEmail> => {
      await staffOnly(ctx);
      const row = await findHeld(id);
      return toHeld(row, await claimedPeople([row]));
    },

    /**
     * Staff release a held reply: it becomes a comment on its case, written as the contact
     * the reply address was sent to (or the person staff choose), through the same
     * addComment as any reply, so that person's rights and the case's rules apply (a case
     * closed past its reopen window refuses it). Its kept files are attached. Audited as
     * staff's decision. Releasing twice makes one comment.
     */
    release: async (ctx: Ctx, raw: ReleaseHeldInput): Promise<HeldDecision> => {
      const input = parseInput(releaseHeldSchema, raw);
      const actor = await staffOnly(ctx);
      const row = await findHeld(input.id);
      if (!row.case) throw new CaseError("VALIDATION", { field: "id", message: "That email names no case, so it cannot become a comment; discard it, or file a case for the sender." });
      const authorId = await chooseAuthor(row, input);
      const author = await prisma.person.findUnique({ where: { id: authorId }, select: { name: true } });
      const files = await heldFiles(row);
      const body = row.body.trim() || (files.length ? `(sent ${files.length === 1 ? "a file" : `${files.length} files`} by email)` : "");
      if (!body) throw new CaseError("VALIDATION", { field: "id", message: "That email is empty once the quoted text is taken off; discard it." });
      const as: Ctx = { actor: { personId: authorId }, source: "email" };
      const made = await addComment(deps, as, row.case.id, { body, externalId: commentKey(row.messageId) });
      const problems: string[] = [];
      if (made.created) {
        for (const file of files) {
          try {
            await attachments.add(as, row.case.id, [file], { commentId: made.comment.id });
          } catch (error) {
            if (!(error instanceof CaseError) || !REFUSALS.has(error.code)) throw error;
            problems.push(error.message);
          }
        }
      }
      const reason = `Released by ${actorName(actor)} as ${author?.name ?? "the chosen person"}.${problems.length ? ` Files not kept: ${problems.join(" ")}` : ""}`;
      await inTransaction(prisma, async (tx) => {
        const { count } = await tx.inboundEmail.updateMany({ where: { id: row.id, outcome: "HELD" }, data: { outcome: "COMMENTED", commentId: made.comment.id, reason } });
        if (count === 1) {
          await recordAudit(tx, { caseId: row.case!.id, accountId: row.case!.accountId, actor, action: "email.held_released", changes: { inboundEmailId: row.id, from: row.fromAddress, authorId, commentId: made.comment.id }, source: ctx.source, at: deps.clock.now() });
        }
      });
      await forgetHeldFiles(row);
      return { id: row.id, caseNumber: formatCaseNumber(row.case.number), outcome: "COMMENTED", commentId: made.comment.id, author: { personId: authorId, name: author?.name ?? "" }, problems };
    },

    /** Staff discard a held reply: it stays on record (dropped, with who discarded it), never becomes a comment; its kept files go. Audited. */
    discard: async (ctx: Ctx, id: string): Promise<HeldDecision> => {
      const actor = await staffOnly(ctx);
      const row = await findHeld(parseInput(heldEmailIdSchema, id, { field: "id" }));
      await inTransaction(prisma, async (tx) => {
        const { count } = await tx.inboundEmail.updateMany({ where: { id: row.id, outcome: "HELD" }, data: { outcome: "DROPPED", reason: `Discarded by ${actorName(actor)}. Held because: ${row.reason ?? "no reason recorded"}`.slice(0, 2000) } });
        if (count === 0) throw new CaseError("INVALID_STATE", { field: "id", message: "That email is no longer held: someone released or discarded it a moment ago." });
        await recordAudit(tx, { caseId: row.case?.id, accountId: row.case?.accountId, actor, action: "email.held_discarded", changes: { inboundEmailId: row.id, from: row.fromAddress, subject: row.subject }, source: ctx.source, at: deps.clock.now() });
      });
      await forgetHeldFiles(row);
      return { id: row.id, caseNumber: row.case ? formatCaseNumber(row.case.number) : null, outcome: "DROPPED", commentId: null, author: null, problems: [] };
    },
  };

  async function staffOnly(ctx: Ctx) {
    const actor = await loadActor(prisma, ctx.actor);
    if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff and the operator may see and decide on held email." });
    return actor;
  }

  async function findHeld(rawId: string) {
    const id = parseInput(heldEmailIdSchema, rawId, { field: "id" });
    const row = await prisma.inboundEmail.findUnique({ where: { id }, select: heldSelect });
    if (!row) throw new CaseError("NOT_FOUND", { field: "id", message: "No held email with that id." });
    if (row.outcome !== "HELD") throw new CaseError("INVALID_STATE", { field: "id", message: row.outcome === "COMMENTED" ? "That email was released already: it is a comment on its case." : "That email is no longer held (discarded, or dropped as automatic)." });
    return row;
  }

  /** The person the reply address named, or the contact whose address the CC token or the sender is. */
  async function claimedPeople(rows: HeldRow[]): Promise<Map<string, { personId: string; name: string; email: string }>> {
    const ids = [...new Set(rows.flatMap((r) => (r.tokenPersonId ? [r.tokenPersonId] : [])))];
    const addresses = [...new Set(rows.flatMap((r) => (r.tokenPersonId ? [] : [r.tokenAddress ?? r.fromAddress])))];
    const people = await prisma.person.findMany({
      where: { OR: [{ id: { in: ids } }, { email: { in: addresses, mode: "insensitive" }, kind: "CONTACT" }] },
      select: { id: true, name: true, email: true },
    });
    const byRow = new Map<string, { personId: string; name: string; email: string }>();
    for (const r of rows) {
      const p = r.tokenPersonId ? people.find((x) => x.id === r.tokenPersonId) : people.find((x) => x.email.toLowerCase() === (r.tokenAddress ?? r.fromAddress));
      if (p) byRow.set(r.id, { personId: p.id, name: p.name, email: p.email });
    }
    return byRow;
  }

  async function chooseAuthor(row: HeldRow, input: z.infer<typeof releaseHeldSchema>): Promise<string> {
    if (input.personId) return input.personId;
    if (input.email) {
      const person = await prisma.person.findFirst({ where: { email: { equals: input.email, mode: "insensitive" } }, select: { id: true } });
      if (!person) throw new CaseError("NOT_FOUND", { field: "email", message: `No person has the address ${input.email}.` });
      return person.id;
    }
    const claimed = (await claimedPeople([row])).get(row.id);
    if (!claimed) throw new CaseError("VALIDATION", { field: "person", message: "The email claims nobody carebot knows: choose the person to write it as." });
    return claimed.personId;
  }

  async function heldFiles(row: HeldRow): Promise<NewAttachment[]> {
    const list = row.attachments as HeldEmail["attachments"];
    const files: NewAttachment[] = [];
    for (const [n, meta] of list.entries()) {
      if (!meta.kept) continue;
      const content = await attachments.store.get(heldFileKey(row.id, n));
      if (content) files.push({ name: meta.name, contentType: meta.contentType, content });
    }
    return files;
  }

  async function forgetHeldFiles(row: HeldRow): Promise<void> {
    const list = row.attachments as HeldEmail["attachments"];
    for (const [n, meta] of list.entries()) if (meta.kept) await attachments.store.remove(heldFileKey(row.id, n));
  }
}

const heldSelect = {
  id: true,
  messageId: true,
  outcome: true,
  tokenPersonId: true,
  tokenAddress: true,
  fromAddress: true,
  subject: true,
  body: true,
  reason: true,
  attachments: true,
  receivedAt: true,
  case: { select: { id: true, number: true, accountId: true } },
} as const;
type HeldRow = {
  id: string;
  messageId: string;
  outcome: InboundEmailOutcome;
  tokenPersonId: string | null;
  tokenAddress: string | null;
  fromAddress: string;
  subject: string;
  body: string;
  reason: string | null;
  attachments: unknown;
  receivedAt: Date;
  case: { id: string; number: number; accountId: string } | null;
};

function toHeld(row: HeldRow, claimed: Map<string, { personId: string; name: string; email: string }>): HeldEmail {
  return {
    id: row.id,
    caseNumber: row.case ? formatCaseNumber(row.case.number) : null,
    fromAddress: row.fromAddress,
    subject: row.subject,
    body: row.body,
    reason: row.reason,
    attachments: row.attachments as HeldEmail["attachments"],
    receivedAt: row.receivedAt,
    claimed: claimed.get(row.id) ?? null,
  };
}

function actorName(actor: Awaited<ReturnType<typeof loadActor>>): string {
  return "name" in actor && typeof actor.name === "string" ? actor.name : "the operator";
}

export type InboundEmail = ReturnType<typeof createInboundEmail>;
