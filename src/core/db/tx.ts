import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { LinkFirst } from "./link-first.ts";
import { CaseError } from "../errors.ts";

export type Tx = Prisma.TransactionClient;

/**
 * Runs fn in one interactive transaction: a change, its audit entry and the
 * notifications it causes commit together or not at all. PGlite serialises
 * transactions, so the wait for a turn is allowed to be long.
 */
export async function inTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await prisma.$transaction(fn, { maxWait: 15_000, timeout: 30_000 });
  } catch (error) {
    // A first-time chat user met inside the transaction: link them outside any
    // transaction (it waits on their chat platform), then run the whole thing again.
    if (!(error instanceof LinkFirst)) throw error;
    await error.link(prisma);
    return prisma.$transaction(fn, { maxWait: 15_000, timeout: 30_000 });
  }
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

/**
 * A unique-constraint violation. Through @prisma/adapter-pg it arrives as Prisma's
 * P2002; pglite-prisma-adapter 0.6 passes PostgreSQL's own error through instead
 * (a DriverAdapterError whose cause has SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { code?: unknown }).code === "P2002") return true;
  const cause = (error as { cause?: { kind?: unknown; code?: unknown } }).cause;
  return cause?.kind === "postgres" && cause.code === "23505";
}

/**
 * Runs queries one after another. A transaction holds one connection, and pg
 * deprecates overlapping queries on one client (pg 9 refuses them), so no
 * Promise.all inside a transaction.
 */
export async function inOrder<T extends unknown[]>(...steps: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const results: unknown[] = [];
  for (const step of steps) results.push(await step());
  return results as T;
}
