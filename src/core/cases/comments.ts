import { randomUUID } from "node:crypto";
import { isVendorSide, type Actor } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import { clocksAfter } from "../sla/case-clocks.ts";
import { parseInput } from "../validation.ts";
import { changeCase, type CaseChange } from "./case-access.ts";
import { readCaseView } from "./case-reader.ts";
import { statusAfterCustomerReply } from "./lifecycle.ts";
import { commentInclude, formatCaseNumber, toCommentView, type CaseView, type CommentRow, type CommentView } from "./presenter.ts";
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
    const vendor = isVendorSide(actor);
    if (input.internal && !vendor) {
      throw new CaseError("FORBIDDEN", { field: "internal", message: "Only support staff can add internal notes." });
    }
    if (!vendor && actor.kind === "partner" && row.status === "CLOSED") throw new CaseError("INVALID_STATE");
    // Stored first, in one statement that also tells a redelivered platform message
    // (same source and external id) from a new one: a repeat inserts nothing and
    // changes nothing else.
    const data = {
      id: randomUUID(),
      caseId: row.id,
      authorId: "personId" in actor ? actor.personId : null,
      body: input.body,
      visibility: input.internal ? ("INTERNAL" as const) : ("PUBLIC" as const),
      source: ctx.source,
      externalId: input.externalId ?? null,
      createdAt: now,
    };
    const { count } = await tx.comment.createMany({ data: [data], skipDuplicates: true });
    if (count === 0) {
      const seen = await tx.comment.findUnique({ where: { source_externalId: { source: ctx.source, externalId: input.externalId ?? "" } }, include: commentInclude });
      if (!seen) throw new CaseError("CONFLICT");
      return { comment: toCommentView(seen), case: await readCaseView(tx, actor, row.id, now, deps.catalog), reopened: false, created: false };
    }
    const reopened = actor.kind === "contact" ? await applyCustomerReplyRules(deps, ctx, change) : false;
    const comment = toCommentView({ ...data, author: authorOf(actor) });
    // A public reply moves the service-level clocks (staff: the response is made; customer: an update is owed), in the same UPDATE.
    const statusAfter = actor.kind === "contact" ? (statusAfterCustomerReply(row, now, deps.catalog.timers) ?? row.status) : row.status;
    const clocks = input.internal ? {} : clocksAfter(deps.catalog, row, { kind: "reply", by: vendor ? "staff" : "customer", status: statusAfter }, now);
    await tx.case.update({ where: { id: row.id }, data: { updatedAt: now, ...clocks } });
    await recordAudit(tx, {
      caseId: row.id,
      accountId: row.accountId,
      actor,
      action: input.internal ? "case.internal_note" : "case.comment",
      changes: { commentId: data.id },
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
    return { comment, case: await readCaseView(tx, actor, row.id, now, deps.catalog), reopened, created: true };
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

/** The author of a comment the actor just wrote, as a stored comment would name them. */
function authorOf(actor: Actor): CommentRow["author"] {
  switch (actor.kind) {
    case "staff":
      return { id: actor.personId, name: actor.name, kind: actor.role };
    case "contact":
      return { id: actor.personId, name: actor.name, kind: "CONTACT" };
    case "partner":
      return { id: actor.personId, name: actor.name, kind: "PARTNER_STAFF" };
    default:
      return null;
  }
}
