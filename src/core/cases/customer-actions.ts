import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit, diff } from "../audit.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import { clocksAfter } from "../sla/case-clocks.ts";
import { parseInput } from "../validation.ts";
import { changeCase, type CaseChange } from "./case-access.ts";
import { readCaseView } from "./case-reader.ts";
import { acknowledgementFor, managementAttentionWarning, MANAGEMENT_ATTENTION } from "./escalation-policy.ts";
import { isOpen, type Status } from "./lifecycle.ts";
import { formatCaseNumber, type CaseView } from "./presenter.ts";
import { ccProblem, editDetailsSchema, escalateSchema, type CaseRef, type EscalateInput } from "./schemas.ts";
import { applyTransition } from "./transitions.ts";

export interface EscalationResult {
  case: CaseView;
  escalationId: string;
  /** When the customer hears next: "Immediately", "Within the upcoming hours", … */
  acknowledgement: string;
  /** Routed to management (Requesting Management Attention) rather than the on-call engineers. */
  toManagement: boolean;
  /** Shown to the customer, e.g. Management Attention without an earlier escalation. */
  warning: string | null;
}

export interface EscalationContext {
  number: string;
  priorEscalations: number;
  /** What the form shows beside the Management Attention reason when there is no earlier escalation. */
  managementWarning: string | null;
  descriptionMax: number;
}

function requireOpen(row: { status: Status; number: number }): void {
  if (!isOpen(row.status)) {
    throw new CaseError("INVALID_STATE", { message: `Case ${formatCaseNumber(row.number)} is closed; reply to reopen it first.` });
  }
}

/**
 * The answer to a redelivered escalation: the one it made, with the warning as it was
 * given then (counting only the escalations made before it; the case's row lock orders
 * them, and one made in the same millisecond counts as later).
 */
async function answerAgain(deps: CoreDeps, { tx, actor, row, now }: CaseChange, key: { escalatedById: string; idempotencyKey: string | undefined }): Promise<EscalationResult> {
  const seen = await tx.escalation.findUnique({
    where: { caseId_escalatedById_idempotencyKey: { caseId: row.id, escalatedById: key.escalatedById, idempotencyKey: key.idempotencyKey ?? "" } },
  });
  // Nothing was inserted and nothing holds the key: the only other conflict is a random id's, which does not happen.
  if (!seen) throw new CaseError("CONFLICT");
  const before = await tx.escalation.count({ where: { caseId: row.id, createdAt: { lt: seen.createdAt } } });
  return {
    case: await readCaseView(tx, actor, row.id, now, deps.catalog),
    escalationId: seen.id,
    acknowledgement: seen.acknowledgement,
    toManagement: seen.toManagement,
    warning: managementAttentionWarning(seen.reason, before),
  };
}

export function createCustomerActions(deps: CoreDeps) {
  return {
    /** The customer suggests closing; staff then close it. */
    recommendClose: (ctx: Ctx, ref: CaseRef, raw: { note?: string } = {}) =>
      changeCase(deps, ctx, ref, "edit", async (change) => {
        const { note } = parseInput(z.object({ note: z.string().trim().max(2_000).optional() }), raw);
        requireOpen(change.row);
        if (change.row.recommendedCloseAt) {
          throw new CaseError("INVALID_STATE", { message: "Closing this case was already recommended; support will close it." });
        }
        await applyTransition(change, ctx.source, {
          action: "case.recommend_close",
          data: { recommendedCloseAt: change.now },
          changes: { recommendedCloseAt: change.now.toISOString() },
          event: "case.recommend_close",
          payload: { note: note ?? null, by: "name" in change.actor ? change.actor.name : "" },
        });
        if (note) {
          await change.tx.comment.create({
            data: {
              id: randomUUID(),
              caseId: change.row.id,
              authorId: "personId" in change.actor ? change.actor.personId : null,
              body: `Recommended to close: ${note}`,
              visibility: "PUBLIC",
              source: ctx.source,
              createdAt: change.now,
            },
          });
        }
        return readCaseView(change.tx, change.actor, change.row.id, change.now, deps.catalog);
      }),

    /** What the escalation form needs to show: the earlier escalations and the Management Attention warning. */
    escalationContext: (ctx: Ctx, ref: CaseRef): Promise<EscalationContext> =>
      changeCase(deps, ctx, ref, "edit", async ({ tx, row }) => {
        const priorEscalations = await tx.escalation.count({ where: { caseId: row.id } });
        return {
          number: formatCaseNumber(row.number),
          priorEscalations,
          managementWarning: managementAttentionWarning(MANAGEMENT_ATTENTION, priorEscalations),
          descriptionMax: deps.catalog.escalationDescriptionMax,
        };
      }),

    escalate: (ctx: Ctx, ref: CaseRef, raw: EscalateInput): Promise<EscalationResult> =>
      changeCase(deps, ctx, ref, "edit", async (change) => {
        const input = parseInput(escalateSchema, raw);
        if (input.description.length > deps.catalog.escalationDescriptionMax) {
          throw new CaseError("VALIDATION", {
            field: "description",
            message: `Keep the description to ${deps.catalog.escalationDescriptionMax} characters.`,
          });
        }
        const { tx, actor, row, now } = change;
        if (!("personId" in actor)) throw new CaseError("FORBIDDEN", { message: "Escalations are made by people." });
        const prior = await tx.escalation.count({ where: { caseId: row.id } });
        const toManagement = input.reason === MANAGEMENT_ATTENTION;
        const acknowledgement = acknowledgementFor(deps.catalog, row.severity);
        const escalationId = randomUUID();
        // Stored first, in one statement that also tells a redelivered submission (same person, case and
        // key) from a new one: a repeat inserts nothing, changes nothing and answers as the first did, even
        // if the case was closed in between. A refusal below rolls the insert back with the transaction.
        const { count } = await tx.escalation.createMany({
          data: [
            {
              id: escalationId,
              caseId: row.id,
              reason: input.reason,
              description: input.description,
              escalatedById: actor.personId,
              acknowledgement,
              toManagement,
              idempotencyKey: input.idempotencyKey ?? null,
              createdAt: now,
            },
          ],
          skipDuplicates: true,
        });
        if (count === 0) return answerAgain(deps, change, { escalatedById: actor.personId, idempotencyKey: input.idempotencyKey });
        requireOpen(row);
        await recordAudit(tx, {
          caseId: row.id,
          accountId: row.accountId,
          actor,
          action: "case.escalated",
          changes: { escalationId, reason: input.reason, toManagement },
          source: ctx.source,
          at: now,
        });
        await enqueueNotification(tx, {
          caseId: row.id,
          event: "case.escalated",
          payload: {
            number: formatCaseNumber(row.number),
            subject: row.subject,
            escalationId,
            reason: input.reason,
            reasonLabel: deps.catalog.escalationReasons[input.reason].label,
            description: input.description,
            severity: row.severity,
            acknowledgement,
            route: toManagement ? "management" : "on-call",
            by: actor.name,
          },
          at: now,
        });
        // The acknowledgement's promise becomes the next update's due time, in the same UPDATE.
        const clocks = clocksAfter(deps.catalog, row, { kind: "escalated", management: toManagement }, now);
        await tx.case.update({ where: { id: row.id }, data: { updatedAt: now, ...clocks } });
        return {
          case: await readCaseView(tx, actor, row.id, now, deps.catalog),
          escalationId,
          acknowledgement,
          toManagement,
          warning: managementAttentionWarning(input.reason, prior),
        };
      }),

    /** Edits what the customer may change after filing; subject, severity and product stay as filed (staff review them). */
    editDetails: (ctx: Ctx, ref: CaseRef, raw: z.input<typeof editDetailsSchema>) =>
      changeCase(deps, ctx, ref, "edit", async (change) => {
        const input = parseInput(editDetailsSchema, raw);
        const ccProblemFound = ccProblem(input.cc, deps.catalog.maxCc);
        if (ccProblemFound) throw new CaseError("VALIDATION", ccProblemFound);
        const { tx, actor, row, now } = change;
        requireOpen(row);
        if (input.contactId) {
          const contact = await tx.person.findUnique({ where: { id: input.contactId } });
          if (!contact || contact.kind !== "CONTACT" || !contact.active || contact.accountId !== row.accountId) {
            throw new CaseError("VALIDATION", { field: "contactId", message: "Choose an active contact of the case's account." });
          }
        }
        const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
        const changes = diff(row as unknown as Record<string, unknown>, patch);
        if (Object.keys(changes).length === 0) return readCaseView(tx, actor, row.id, now, deps.catalog);
        await applyTransition(change, ctx.source, {
          action: "case.edited",
          data: patch,
          changes,
        });
        return readCaseView(tx, actor, row.id, now, deps.catalog);
      }),
  };
}

export type CustomerActions = ReturnType<typeof createCustomerActions>;
