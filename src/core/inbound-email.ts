import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { InboundEmailOutcome } from "../generated/prisma/client.ts";
import { loadActor } from "./accounts/actors.ts";
import { isVendorSide } from "./accounts/policy.ts";
import type { Attachments, NewAttachment } from "./attachments/attachments.ts";
import { addComment } from "./cases/comments.ts";
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
  attachments: { name: string; contentType: string; size: number }[];
  receivedAt: Date;
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
    const { count } = await prisma.inboundEmail.createMany({
      skipDuplicates: true,
      data: [
        {
          id: randomUUID(),
          messageId: input.messageId,
          caseId,
          tokenPersonId: input.recipient.kind === "person" ? input.recipient.personId : null,
          tokenAddress: input.recipient.kind === "cc" ? input.recipient.address : null,
          fromAddress: input.from,
          subject: input.subject,
          body: input.body,
          attachments: files.map((f) => ({ name: f.name, contentType: f.contentType ?? "application/octet-stream", size: f.content.length })),
          outcome,
          reason,
          commentId,
          receivedAt: deps.clock.now(),
        },
      ],
    });
    return count === 1;
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

    /** Replies held for staff (a sender who did not match, a CC address that is no contact), newest first. */
    held: async (ctx: Ctx, options: { limit?: number } = {}): Promise<HeldEmail[]> => {
      const actor = await loadActor(prisma, ctx.actor);
      if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN");
      const rows = await prisma.inboundEmail.findMany({
        where: { outcome: "HELD" },
        orderBy: { receivedAt: "desc" },
        take: Math.min(Math.max(options.limit ?? 50, 1), 200),
        select: { id: true, fromAddress: true, subject: true, body: true, reason: true, attachments: true, receivedAt: true, case: { select: { number: true } } },
      });
      return rows.map(({ case: kase, attachments: list, ...row }) => ({
        ...row,
        caseNumber: kase ? formatCaseNumber(kase.number) : null,
        attachments: list as HeldEmail["attachments"],
      }));
    },
  };
}

export type InboundEmail = ReturnType<typeof createInboundEmail>;
