import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "../audit.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { clocksAfter } from "../sla/case-clocks.ts";
import { parseInput } from "../validation.ts";
import { changeCase, resolveCaseId, type CaseChange } from "./case-access.ts";
import { readCaseView } from "./case-reader.ts";
import { isOpen, staffMaySetStatus } from "./lifecycle.ts";
import { formatCaseNumber, type CaseView } from "./presenter.ts";
import { closeSchema, severityChangeSchema, severitySchema, type CaseRef, type CloseInput } from "./schemas.ts";
import { applyTransition, statusData } from "./transitions.ts";
import type { LoginCredentials } from "../crypto/credentials.ts";
import { inTransaction } from "../db/tx.ts";
import { loadActor } from "../accounts/actors.ts";
import { isVendorSide } from "../accounts/policy.ts";
import { askOnClose } from "../satisfaction/survey.ts";

/**
 * What support engineers and managers do on a case. Every call re-checks that the
 * actor is staff; nothing from a card's payload is trusted.
 */
type StaffChange<T> = (change: CaseChange) => Promise<T>;

function staffChange<T>(deps: CoreDeps, ctx: Ctx, ref: CaseRef, fn: StaffChange<T>, requireOpen = true): Promise<CaseView> {
  return changeCase(deps, ctx, ref, "staff", async (change) => {
    if (requireOpen && !isOpen(change.row.status)) {
      throw new CaseError("INVALID_STATE", { message: `Case ${formatCaseNumber(change.row.number)} is closed.` });
    }
    await fn(change);
    return readCaseView(change.tx, change.actor, change.row.id, change.now, deps.catalog);
  });
}

async function systemComment(change: CaseChange, source: Ctx["source"], body: string): Promise<string> {
  const id = randomUUID();
  await change.tx.comment.create({
    data: {
      id,
      caseId: change.row.id,
      authorId: "personId" in change.actor ? change.actor.personId : null,
      body,
      visibility: "PUBLIC",
      source,
      createdAt: change.now,
    },
  });
  return id;
}

export function createStaffActions(deps: CoreDeps) {
  const statusInput = z.object({
    status: z.enum(["IN_PROGRESS", "PENDING"], { error: "Choose In Progress or Pending Your Response." }),
  });

  return {
    /** Takes the case: the actor becomes its owner; a New case moves to In Progress. */
    take: (ctx: Ctx, ref: CaseRef) =>
      staffChange(deps, ctx, ref, async (change) => {
        const { actor, row, now } = change;
        if (!("personId" in actor)) throw new CaseError("FORBIDDEN", { message: "Only a staff member can take a case." });
        const toProgress = row.status === "NEW";
        await applyTransition(change, ctx.source, {
          action: "case.taken",
          data: { owner: { connect: { id: actor.personId } }, ...(toProgress ? statusData("IN_PROGRESS", now) : {}) },
          changes: { ownerId: [row.ownerId, actor.personId], ...(toProgress ? { status: [row.status, "IN_PROGRESS"] } : {}) },
          event: "case.assigned",
          payload: { owner: actor.kind === "staff" ? actor.name : "", status: toProgress ? "IN_PROGRESS" : row.status },
        });
      }),

    assign: (ctx: Ctx, ref: CaseRef, raw: { engineerId: string }) =>
      staffChange(deps, ctx, ref, async (change) => {
        const { engineerId } = parseInput(z.object({ engineerId: z.uuid({ error: "Choose an engineer." }) }), raw);
        const engineer = await change.tx.person.findUnique({ where: { id: engineerId } });
        if (!engineer || !engineer.active || (engineer.kind !== "ENGINEER" && engineer.kind !== "MANAGER")) {
          throw new CaseError("VALIDATION", { field: "engineerId", message: "Choose an active support engineer." });
        }
        await applyTransition(change, ctx.source, {
          action: "case.assigned",
          data: { owner: { connect: { id: engineer.id } } },
          changes: { ownerId: [change.row.ownerId, engineer.id] },
          event: "case.assigned",
          payload: { owner: engineer.name },
        });
      }),

    setStatus: (ctx: Ctx, ref: CaseRef, raw: { status: string }) =>
      staffChange(deps, ctx, ref, async (change) => {
        const { status } = parseInput(statusInput, raw);
        if (!staffMaySetStatus(change.row.status, status)) {
          throw new CaseError("INVALID_STATE", { field: "status", message: "The case already has that status." });
        }
        await applyTransition(change, ctx.source, {
          action: "case.status",
          data: { ...statusData(status, change.now), ...clocksAfter(deps.catalog, change.row, { kind: "status", to: status }, change.now) },
          changes: { status: [change.row.status, status] },
          event: status === "PENDING" ? "case.pending" : "case.status_changed",
          payload: { from: change.row.status, to: status },
        });
      }),

    /** Severity after review; the reason is posted on the case for the customer to see. */
    changeSeverity: (ctx: Ctx, ref: CaseRef, raw: { severity: string; reason: string }) =>
      staffChange(deps, ctx, ref, async (change) => {
        const input = parseInput(severityChangeSchema, raw);
        if (input.severity === change.row.severity) {
          throw new CaseError("VALIDATION", { field: "severity", message: "The case already has that severity." });
        }
        const commentId = await systemComment(
          change,
          ctx.source,
          `Severity changed from ${change.row.severity} to ${input.severity}: ${input.reason}`,
        );
        await applyTransition(change, ctx.source, {
          action: "case.severity",
          data: { severity: input.severity, ...clocksAfter(deps.catalog, change.row, { kind: "severity", to: input.severity }, change.now) },
          changes: { severity: [change.row.severity, input.severity], reason: input.reason, commentId },
          event: "case.severity_changed",
          payload: { from: change.row.severity, to: input.severity, reason: input.reason, commentId },
        });
      }),

    /** Internal priority; null returns it to "same as severity". */
    setPriority: (ctx: Ctx, ref: CaseRef, raw: { priority: string | null }) =>
      staffChange(deps, ctx, ref, async (change) => {
        const { priority } = parseInput(z.object({ priority: severitySchema.nullable() }), raw);
        await applyTransition(change, ctx.source, {
          action: "case.priority",
          data: { priority },
          changes: { priority: [change.row.priority, priority] },
        });
      }),

    /** Answers the customer and waits for them: Pending Your Response, and the clock starts. */
    askCustomer: (ctx: Ctx, ref: CaseRef, raw: { body: string }) =>
      staffChange(deps, ctx, ref, async (change) => {
        const { body } = parseInput(
          z.object({ body: z.string({ error: "Write what you need from the customer." }).trim().min(1, "Write what you need from the customer.").max(30_000, "Keep it to at most 30,000 characters.") }),
          raw,
        );
        const commentId = await systemComment(change, ctx.source, body);
        await applyTransition(change, ctx.source, {
          action: "case.pending",
          // A public answer: the first response is made, and nothing is owed while the customer is asked.
          data: { ...statusData("PENDING", change.now), ...clocksAfter(deps.catalog, change.row, { kind: "reply", by: "staff", status: "PENDING" }, change.now) },
          changes: { status: [change.row.status, "PENDING"], commentId },
          event: "case.pending",
          payload: { commentId, from: change.row.status, to: "PENDING", author: "name" in change.actor ? change.actor.name : "Support" },
        });
      }),

    close: (ctx: Ctx, ref: CaseRef, raw: CloseInput) =>
      staffChange(deps, ctx, ref, async (change) => {
        const input = parseInput(closeSchema, raw);
        let duplicateOfId: string | null = null;
        if (input.reason === "DUPLICATE" && input.duplicateOf !== undefined) {
          duplicateOfId = await resolveCaseId(change.tx, input.duplicateOf, "duplicateOf");
          if (duplicateOfId === change.row.id) {
            throw new CaseError("VALIDATION", { field: "duplicateOf", message: "A case cannot duplicate itself." });
          }
        }
        await applyTransition(change, ctx.source, {
          action: "case.closed",
          data: {
            ...statusData("CLOSED", change.now),
            ...clocksAfter(deps.catalog, change.row, { kind: "status", to: "CLOSED" }, change.now),
            closedAt: change.now,
            closeReason: input.reason,
            closeNote: input.note ?? null,
            duplicateOf: duplicateOfId ? { connect: { id: duplicateOfId } } : { disconnect: true },
          },
          changes: { status: [change.row.status, "CLOSED"], closeReason: input.reason, duplicateOfId },
          event: "case.closed",
          payload: { reason: input.reason, reasonLabel: deps.catalog.closeReasons[input.reason].label, note: input.note ?? null },
        });
        // After the closing notice (the outbox keeps a case's order): the contact is asked to rate the support, once.
        await askOnClose(change.tx, change.row, input.reason, change.now);
      }),

    handToPartner: (ctx: Ctx, ref: CaseRef, raw: { partnerId: string; note?: string }) =>
      staffChange(deps, ctx, ref, async (change) => {
        const input = parseInput(
          z.object({ partnerId: z.uuid({ error: "Choose a partner." }), note: z.string().max(5_000).optional() }),
          raw,
        );
        const partner = await change.tx.partner.findUnique({ where: { id: input.partnerId } });
        if (!partner) throw new CaseError("VALIDATION", { field: "partnerId", message: "Choose a certified partner from the list." });
        await applyTransition(change, ctx.source, {
          action: "case.partner_handoff",
          data: { partner: { connect: { id: partner.id } } },
          changes: { partnerId: [change.row.partnerId, partner.id] },
          event: "case.partner_handoff",
          payload: { partnerId: partner.id, partner: partner.name, channel: partner.supportChannel, note: input.note ?? null },
        });
      }),

    /** Staff only, and audited: the test login a customer left for reproducing the issue. */
    revealCredentials: (ctx: Ctx, ref: CaseRef): Promise<LoginCredentials | null> =>
      changeCase(deps, ctx, ref, "staff", async ({ tx, actor, row, now }) => {
        if (!row.credentialsSealed) return null;
        await recordAudit(tx, { caseId: row.id, accountId: row.accountId, actor, action: "case.credentials_viewed", source: ctx.source, at: now });
        return deps.vault.open(row.id, row.credentialsSealed);
      }),

    /** Support feedback on an escalation: written by staff only. */
    setEscalationFeedback: (ctx: Ctx, raw: { escalationId: string; feedback: string }) =>
      inTransaction(deps.prisma, async (tx) => {
        const input = parseInput(
          z.object({ escalationId: z.uuid(), feedback: z.string().trim().min(1, "Write the feedback.").max(5_000) }),
          raw,
        );
        const actor = await loadActor(tx, ctx.actor);
        if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff write support feedback." });
        const escalation = await tx.escalation.findUnique({ where: { id: input.escalationId }, include: { case: true } });
        if (!escalation) throw new CaseError("NOT_FOUND", { field: "escalationId" });
        await tx.escalation.update({ where: { id: escalation.id }, data: { supportFeedback: input.feedback } });
        const now = deps.clock.now();
        await recordAudit(tx, {
          caseId: escalation.caseId,
          accountId: escalation.case.accountId,
          actor,
          action: "escalation.feedback",
          changes: { escalationId: escalation.id },
          source: ctx.source,
          at: now,
        });
        return readCaseView(tx, actor, escalation.caseId, now, deps.catalog);
      }),
  };
}

export type StaffActions = ReturnType<typeof createStaffActions>;
