import { randomUUID } from "node:crypto";
import { loadActor } from "../accounts/actors.ts";
import { canOnCase, isVendorSide, type Actor } from "../accounts/policy.ts";
import { recordAudit } from "../audit.ts";
import { findProduct } from "../catalog.ts";
import { inTransaction, isUniqueViolation, type Tx } from "../db/tx.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { enqueueNotification, type OutboxBell } from "../notify/outbox.ts";
import { clocksAtFiling } from "../sla/case-clocks.ts";
import { parseInput } from "../validation.ts";
import { assertCan, resolveCaseId } from "./case-access.ts";
import { presentCase, readCaseView, readFullCase } from "./case-reader.ts";
import { formatCaseNumber, type CaseView } from "./presenter.ts";
import { ccProblem, fileCaseSchema, type FileCaseInput } from "./schemas.ts";
import { originForCase } from "../workspaces/channel-bindings.ts";

export interface FileCaseResult {
  case: CaseView;
  /** False when the same idempotency key had already made this case. */
  created: boolean;
}

/**
 * Files a case. The idempotency key makes a repeated submission (a double click, a
 * platform retry, ten tabs at once) return the one case it made. The case.filed
 * notification commits with the case; `bell` is rung after the commit so an
 * in-process delivery worker posts its cards at once.
 */
export async function fileCase(deps: CoreDeps, ctx: Ctx, raw: FileCaseInput, bell?: OutboxBell): Promise<FileCaseResult> {
  const input = parseInput(fileCaseSchema, raw);
  const ccProblemFound = ccProblem(input.cc, deps.catalog.maxCc);
  if (ccProblemFound) throw new CaseError("VALIDATION", ccProblemFound);
  const product = findProduct(deps.catalog, input.product);
  if (!product) throw new CaseError("VALIDATION", { field: "product", message: "Choose a product from the list." });
  if (!product.features.some((f) => f.key === input.feature)) {
    throw new CaseError("VALIDATION", { field: "feature", message: `Choose a feature of ${product.name}.` });
  }
  // Who files is loaded before the transaction opens: a first-time chat user's email
  // lookup at their platform must not hold a transaction while it waits.
  const actor = await loadActor(deps.prisma, ctx.actor);
  if (actor.kind !== "contact" && actor.kind !== "staff") {
    throw new CaseError("FORBIDDEN", { message: "Only customer contacts and support staff file cases." });
  }
  try {
    const result = await inTransaction(deps.prisma, (tx) => fileInTransaction(deps, ctx, actor, tx, input));
    if (result.created) bell?.ring();
    return result;
  } catch (error) {
    // A submission with the same key was filed before (a double click, a platform retry,
    // ten tabs at once): the unique key refused this one, so answer with that case.
    if (isUniqueViolation(error)) {
      const existing = await findByKey(deps, actor, input.idempotencyKey);
      if (existing) return existing;
    }
    throw error;
  }
}

/** The case a filer already made with this idempotency key: one statement. */
async function findByKey(deps: CoreDeps, actor: Filer, key: string): Promise<FileCaseResult | null> {
  const row = await readFullCase(deps.prisma, { createdById_idempotencyKey: { createdById: actor.personId, idempotencyKey: key } });
  return row ? { case: presentCase(actor, row, deps.clock.now(), deps.catalog), created: false } : null;
}

type Filer = Extract<Actor, { kind: "contact" | "staff" }>;

async function fileInTransaction(
  deps: CoreDeps,
  ctx: Ctx,
  actor: Filer,
  tx: Tx,
  input: ReturnType<typeof fileCaseSchema.parse>,
): Promise<FileCaseResult> {
  const now = deps.clock.now();
  // The idempotency key is checked by the database's unique key on insert (see fileCase),
  // not by a read first: the usual filing is a new one, and a read would cost it a round trip.
  if (!canOnCase(actor, "create", { accountId: input.accountId, partnerId: null })) {
    throw new CaseError("VALIDATION", { field: "accountId", message: "Choose an account you may file cases for." });
  }
  // A customer's reach comes from their own account rows; staff may name any account, so it must exist.
  if (actor.kind === "staff" && !(await tx.account.findUnique({ where: { id: input.accountId }, select: { id: true } }))) {
    throw new CaseError("VALIDATION", { field: "accountId", message: "Choose an account you may file cases for." });
  }
  const account = { id: input.accountId };

  const contactId = input.contactId ?? (actor.kind === "contact" ? actor.personId : undefined);
  if (!contactId) throw new CaseError("VALIDATION", { field: "contactId", message: "Choose the customer contact for this case." });
  // The filer may be the contact even when filing for a sub-account of theirs (and was loaded a moment ago);
  // anyone else must be an active contact of the case's account.
  const isFiler = contactId === actor.personId && actor.kind === "contact";
  const contact = isFiler ? { id: actor.personId, phone: actor.phone ?? null } : await tx.person.findUnique({ where: { id: contactId }, select: { id: true, kind: true, active: true, accountId: true, phone: true } });
  if (!contact || (!isFiler && !("kind" in contact && contact.kind === "CONTACT" && contact.active && contact.accountId === account.id))) {
    throw new CaseError("VALIDATION", { field: "contactId", message: "Choose an active contact of the case's account." });
  }

  let linkedFromId: string | null = null;
  if (input.linkedFromCase !== undefined) {
    linkedFromId = await resolveCaseId(tx, input.linkedFromCase, "linkedFromCase");
    const linked = await tx.case.findUniqueOrThrow({ where: { id: linkedFromId }, select: { accountId: true, partnerId: true } });
    assertCan(actor, "view", linked);
  }

  const id = randomUUID();
  const created = await tx.case.create({
    data: {
      id,
      accountId: account.id,
      caseType: input.caseType,
      severity: input.severity,
      subject: input.subject,
      description: input.description,
      product: input.product,
      feature: input.feature,
      pid: input.pid ?? null,
      exampleUrl: input.exampleUrl ?? null,
      stepsToReproduce: input.stepsToReproduce ?? null,
      credentialsSealed: input.credentials ? deps.vault.seal(id, input.credentials) : null,
      contactId: contact.id,
      phone: input.phone ?? contact.phone ?? null,
      cc: input.cc,
      status: "NEW",
      statusChangedAt: now,
      linkedFromId,
      createdById: actor.personId,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
      updatedAt: now,
      // The first-response clock starts with the case, in the same INSERT.
      ...clocksAtFiling(deps.catalog, { accountId: account.id, caseType: input.caseType, severity: input.severity }, now),
    },
    select: { id: true, number: true },
  });

  await recordAudit(tx, {
    caseId: id,
    accountId: account.id,
    actor,
    action: "case.filed",
    changes: {
      number: formatCaseNumber(created.number),
      severity: input.severity,
      caseType: input.caseType,
      onBehalfOf: contact.id !== actor.personId ? contact.id : undefined,
      credentials: input.credentials ? "set" : undefined,
      linkedFrom: linkedFromId ?? undefined,
    },
    source: ctx.source,
    at: now,
  });
  await enqueueNotification(tx, {
    caseId: id,
    event: "case.filed",
    // The origin rides with the case in this transaction: the card it asks for is owed once the case exists, whatever crashes next.
    // A channel bound to another account than the case's is left out: the card goes to the filer's DM instead.
    payload: { number: formatCaseNumber(created.number), subject: input.subject, severity: input.severity, by: isVendorSide(actor) ? "staff" : "customer", origin: (await originForCase(tx, input.origin, account.id)) ?? null },
    at: now,
  });
  deps.logger.info({ caseId: id, number: created.number, source: ctx.source }, "case filed");
  return { case: await readCaseView(tx, actor, id, now, deps.catalog), created: true };
}
