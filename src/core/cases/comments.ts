import { randomUUID } from "node:crypto";
import { isVendorSide } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import { parseInput } from "../validation.ts";
import { changeCase, type CaseChange } from "./case-access.ts";
import { readCaseView } from "./case-reader.ts";
import { statusAfterCustomerReply } from "./lifecycle.ts";
import { commentInclude, formatCaseNumber, toCommentView, type CaseView, type CommentView } from "./presenter.ts";
import { commentSchema, type CaseRef, type CommentInput } from "./schemas.ts";

export interface CommentResult {
  comment: CommentView;
  case: CaseView;
  /** True when this reply reopened a closed case. */
  reopened: boolean;
  /** False when the same platform message had already been stored (a redelivery). */
  created: boolean;
}

/**
 * A reply on a case, from a customer, staff or partner staff. A customer's reply to
 * a Pending case moves it to In Progress; within the reopen window it reopens a
 * closed case; after it the reply is refused with the offer of a linked new case.
 */
export async function addComment(deps: CoreDeps, ctx: Ctx, ref: CaseRef, raw: CommentInput): Promise<CommentResult> {
  const input = parseInput(commentSchema, raw);
  return changeCase(deps, ctx, ref, "answer", async (change) => {
    const { tx, actor, row, now } = change;
    if (input.externalId) {
      const seen = await tx.comment.findUnique({
        where: { source_externalId: { source: ctx.source, externalId: input.externalId } },
        include: commentInclude,
      });
      if (seen) {
        return { comment: toCommentView(seen), case: await readCaseView(tx, actor, row.id, now, deps.catalog), reopened: false, created: false };
      }
    }
    const vendor = isVendorSide(actor);
    if (input.internal && !vendor) {
      throw new CaseError("FORBIDDEN", { field: "internal", message: "Only support staff can add internal notes." });
    }
    let reopened = false;
    if (!vendor) {
      if (actor.kind === "partner" && row.status === "CLOSED") throw new CaseError("INVALID_STATE");
      if (actor.kind === "contact") reopened = await applyCustomerReplyRules(deps, ctx, change);
    }
    const comment = await tx.comment.create({
      data: {
        id: randomUUID(),
        caseId: row.id,
        authorId: "personId" in actor ? actor.personId : null,
        body: input.body,
        visibility: input.internal ? "INTERNAL" : "PUBLIC",
        source: ctx.source,
        externalId: input.externalId ?? null,
        createdAt: now,
      },
      include: commentInclude,
    });
    await tx.case.update({ where: { id: row.id }, data: { updatedAt: now } });
    await recordAudit(tx, {
      caseId: row.id,
      accountId: row.accountId,
      actor,
      action: input.internal ? "case.internal_note" : "case.comment",
      changes: { commentId: comment.id },
      source: ctx.source,
      at: now,
    });
    await enqueueNotification(tx, {
      caseId: row.id,
      event: "case.comment",
      payload: {
        number: formatCaseNumber(row.number),
        subject: row.subject,
        commentId: comment.id,
        internal: input.internal,
        author: comment.author?.name ?? "Support",
        source: ctx.source,
        originThread: input.originThread ?? null,
      },
      at: now,
    });
    return { comment: toCommentView(comment), case: await readCaseView(tx, actor, row.id, now, deps.catalog), reopened, created: true };
  });
}

/** Moves the case as a customer's reply requires; returns true when it reopened the case. */
async function applyCustomerReplyRules(deps: CoreDeps, ctx: Ctx, { tx, actor, row, now }: CaseChange): Promise<boolean> {
  const next = statusAfterCustomerReply(row, now, deps.catalog.timers);
  if (next === null) {
    throw new CaseError("REOPEN_WINDOW_PASSED", {
      message: `Case ${formatCaseNumber(row.number)} was closed more than ${deps.catalog.timers.reopenWindowDays} days ago and can no longer be reopened. You can open a new case linked to it.`,
      details: { offer: "newLinkedCase", linkedFromCase: formatCaseNumber(row.number) },
    });
  }
  if (next === row.status) return false;
  const reopening = row.status === "CLOSED";
  await tx.case.update({
    where: { id: row.id },
    data: {
      status: next,
      statusChangedAt: now,
      reminderSentAt: null,
      ...(reopening ? { closedAt: null, closeReason: null, closeNote: null, duplicateOfId: null, recommendedCloseAt: null } : {}),
    },
  });
  await recordAudit(tx, {
    caseId: row.id,
    accountId: row.accountId,
    actor,
    action: reopening ? "case.reopened" : "case.status",
    changes: { status: [row.status, next] },
    source: ctx.source,
    at: now,
  });
  await enqueueNotification(tx, {
    caseId: row.id,
    event: reopening ? "case.reopened" : "case.status_changed",
    payload: { number: formatCaseNumber(row.number), subject: row.subject, from: row.status, to: next },
    at: now,
  });
  return reopening;
}
