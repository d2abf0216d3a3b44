import type { Actor } from "../accounts/policy.ts";
import type { Catalog } from "../catalog.ts";
import type { Tx } from "../db/tx.ts";
import { caseInclude, commentInclude, escalationInclude, toCaseView, type CaseView } from "./presenter.ts";

/** Reads a case with its comments and escalations and presents it for the actor (permission already checked). */
export async function readCaseView(tx: Tx, actor: Actor, caseId: string, now: Date, catalog: Catalog): Promise<CaseView> {
  const row = await tx.case.findUniqueOrThrow({ where: { id: caseId }, include: caseInclude });
  const comments = await tx.comment.findMany({ where: { caseId }, include: commentInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const escalations = await tx.escalation.findMany({ where: { caseId }, include: escalationInclude, orderBy: { createdAt: "asc" } });
  return toCaseView(actor, row, comments, escalations, now, catalog);
}
