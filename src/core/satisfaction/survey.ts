import { z } from "zod";
import { recordAudit } from "../audit.ts";
import { changeCase } from "../cases/case-access.ts";
import { formatCaseNumber } from "../cases/presenter.ts";
import { caseRefSchema } from "../cases/schemas.ts";
import type { Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import { parseInput } from "../validation.ts";

/**
 * Satisfaction on closing (issue 15). When staff close a case, its contact is asked once
 * to rate the support from 1 to 5, with an optional comment. Not for a duplicate (the
 * other case is the one worked on) nor for a case closed for no response (nobody
 * answered to be asked). The survey row is inserted in the closing transaction and the
 * notification enqueued only when this insert made it: a case reopened and closed again
 * is not asked twice, and racing closes ask once.
 *
 * Who may answer: the case's contact, and no one else (the spec: "the contact is asked").
 * Another customer of the same account is refused (FORBIDDEN); a customer of another
 * account is told the case does not exist, like everywhere else. A second answer replaces
 * the first (the latest counts, `answerCount` says how many there were): a customer who
 * pressed 3 by mistake can press 4, and the comment form after a press updates the same row.
 */
export const NO_SURVEY_REASONS: readonly string[] = ["DUPLICATE", "NO_RESPONSE"];

export interface ClosedCase {
  id: string;
  number: number;
  subject: string;
  contactId: string;
  ownerId: string | null;
  accountId: string;
  severity: "S1" | "S2" | "S3" | "S4";
}

/** In the closing transaction: claims the case's one survey and enqueues it; false when none is sent. */
export async function askOnClose(tx: Tx, c: ClosedCase, reason: string, now: Date): Promise<boolean> {
  if (NO_SURVEY_REASONS.includes(reason)) return false;
  const { count } = await tx.satisfactionSurvey.createMany({
    data: [{ caseId: c.id, contactId: c.contactId, engineerId: c.ownerId, accountId: c.accountId, severity: c.severity, askedAt: now }],
    skipDuplicates: true,
  });
  if (count === 0) return false;
  await enqueueNotification(tx, { caseId: c.id, event: "case.satisfaction_survey", payload: { number: formatCaseNumber(c.number), subject: c.subject }, at: now });
  return true;
}

export const scoreSchema = z.coerce
  .number({ error: "Choose a rating from 1 to 5." })
  .int("Choose a rating from 1 to 5.")
  .min(1, "Choose a rating from 1 to 5.")
  .max(5, "Choose a rating from 1 to 5.");

export const rateSchema = z.object({
  case: caseRefSchema,
  score: scoreSchema,
  /** Absent: a comment given earlier is kept (a press of another score does not erase it). */
  comment: z.string().trim().max(2_000, "Keep the comment to at most 2,000 characters.").optional(),
});
export type RateInput = z.input<typeof rateSchema>;

export interface Rating {
  number: string;
  score: number;
  comment: string | null;
  /** How many answers were given; more than 1 means this one replaced an earlier. */
  answers: number;
}

export async function rate(deps: CoreDeps, ctx: Ctx, raw: RateInput): Promise<Rating> {
  const input = parseInput(rateSchema, raw);
  // "view": a case the actor may not see is not found, as everywhere; then only its contact may answer.
  return changeCase(deps, ctx, input.case, "view", async ({ tx, actor, row, now }) => {
    const survey = await tx.satisfactionSurvey.findUnique({ where: { caseId: row.id } });
    if (!survey) throw new CaseError("INVALID_STATE", { message: `Case ${formatCaseNumber(row.number)} has no satisfaction survey to answer.` });
    if (actor.kind !== "contact" || actor.personId !== survey.contactId) {
      throw new CaseError("FORBIDDEN", { message: "Only the contact of the case can rate the support on it." });
    }
    const comment = input.comment === undefined ? survey.comment : input.comment || null;
    const updated = await tx.satisfactionSurvey.update({
      where: { caseId: row.id },
      data: { score: input.score, comment, answeredVia: ctx.source, answeredAt: now, answerCount: { increment: 1 } },
    });
    await recordAudit(tx, {
      caseId: row.id,
      accountId: row.accountId,
      actor,
      action: "case.satisfaction",
      changes: { score: [survey.score, input.score], comment: input.comment === undefined ? "kept" : "set" },
      source: ctx.source,
      at: now,
    });
    return { number: formatCaseNumber(row.number), score: input.score, comment, answers: updated.answerCount };
  });
}
