import type { Actor } from "./accounts/policy.ts";
import type { Tx } from "./db/tx.ts";

export type SourceName = "slack" | "teams" | "cli" | "http" | "email" | "system";

/** A field's change as [before, after]. Secret fields are recorded as "set"/"purged", never their value. */
export type Changes = Record<string, unknown>;

export interface AuditInput {
  caseId?: string;
  accountId?: string;
  actor: Actor;
  action: string;
  changes?: Changes;
  source: SourceName;
  at: Date;
}

export function actorId(actor: Actor): string | null {
  return "personId" in actor ? actor.personId : null;
}

/**
 * Appends to the audit trail; the database refuses updates and deletes of it.
 * Hand-written: every write of the core records one, inside its transaction, and
 * Prisma's create spent more client CPU on it than the rest of a filing's inserts.
 */
export async function recordAudit(tx: Tx, entry: AuditInput): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "AuditEntry" ("caseId", "accountId", "actorId", "action", "changes", "source", "at")
    VALUES (${entry.caseId ?? null}::uuid, ${entry.accountId ?? null}::uuid, ${actorId(entry.actor)}::uuid, ${entry.action},
            ${JSON.stringify(entry.changes ?? {})}::jsonb, ${entry.source}::"Source", ${entry.at})`;
}

/** The fields that differ between two records, as { field: [before, after] }. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): Changes {
  const changes: Changes = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (JSON.stringify(old) !== JSON.stringify(value)) changes[key] = [old ?? null, value ?? null];
  }
  return changes;
}
