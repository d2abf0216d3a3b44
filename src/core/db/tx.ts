import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { CaseError } from "../errors.ts";

export type Tx = Prisma.TransactionClient;

/**
 * Runs fn in one interactive transaction: a change, its audit entry and the
 * notifications it causes commit together or not at all. PGlite serialises
 * transactions, so the wait for a turn is allowed to be long.
 */
export async function inTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, { maxWait: 15_000, timeout: 30_000 });
}

/**
 * Locks the case row until the transaction ends, so concurrent changes to one case
 * (a close racing a customer reply) run one after the other, each on fresh state.
 */
export async function lockCase(tx: Tx, caseId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new CaseError("NOT_FOUND");
}

export async function lockAccount(tx: Tx, accountId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Account" WHERE id = ${accountId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new CaseError("NOT_FOUND", { field: "accountId" });
}

/** Prisma's code for a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
