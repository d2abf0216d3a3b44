import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor } from "../accounts/policy.ts";
import type { Catalog } from "../catalog.ts";
import type { Tx } from "../db/tx.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { caseInclude, commentInclude, escalationInclude, toCaseView, type CaseView } from "./presenter.ts";
import { caseRefSchema, type CaseRef } from "./schemas.ts";

/** A case with everything its view shows: one statement (relationJoins), however many comments. */
const fullCaseInclude = {
  ...caseInclude,
  comments: { include: commentInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
  escalations: { include: escalationInclude, orderBy: { createdAt: "asc" } },
} satisfies Prisma.CaseInclude;
export type FullCaseRow = Prisma.CaseGetPayload<{ include: typeof fullCaseInclude }>;

/** The unique key of a case reference: its number ("00010001", 10001) or its id. */
export function caseWhere(ref: CaseRef, field = "case"): Prisma.CaseWhereUniqueInput {
  const parsed = parseInput(caseRefSchema, ref, { field });
  return typeof parsed === "number" || /^\d+$/.test(parsed) ? { number: Number(parsed) } : { id: parsed };
}

/** Reads a case with its comments and escalations, or null when there is none. */
export function readFullCase(db: PrismaClient | Tx, where: Prisma.CaseWhereUniqueInput): Promise<FullCaseRow | null> {
  return db.case.findUnique({ where, include: fullCaseInclude });
}

/** Presents a case read by readFullCase for the actor (permission already checked). */
export function presentCase(actor: Actor, row: FullCaseRow, now: Date, catalog: Catalog): CaseView {
  return toCaseView(actor, row, row.comments, row.escalations, now, catalog);
}

/** Reads a case with its comments and escalations and presents it for the actor (permission already checked). */
export async function readCaseView(db: PrismaClient | Tx, actor: Actor, caseId: string, now: Date, catalog: Catalog): Promise<CaseView> {
  const row = await readFullCase(db, { id: caseId });
  if (!row) throw new CaseError("NOT_FOUND");
  return presentCase(actor, row, now, catalog);
}
