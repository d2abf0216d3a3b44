import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/core/db/connect.ts";
import { applyMigrations, readMigrations } from "../../src/core/db/migrate.ts";
import { openTestDatabase } from "../support/test-core.ts";

/**
 * A database from before service levels: after the upgrade its cases' first responses
 * are the first public staff or partner replies they already had (not internal notes,
 * not the customer's), so reports do not count the next reply as a late first response.
 */
describe("upgrading a database with cases to service levels", () => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openTestDatabase());
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it("takes each old case's first response from its first public reply by staff or a partner", async () => {
    const all = readMigrations();
    const before = all.findIndex((m) => m.name.endsWith("_service_levels"));
    await applyMigrations(db.migrationTarget, all.slice(0, before));
    const ids = { account: "10000000-0000-4000-8000-000000000001", contact: "10000000-0000-4000-8000-000000000002", engineer: "10000000-0000-4000-8000-000000000003", answered: "10000000-0000-4000-8000-000000000004", unanswered: "10000000-0000-4000-8000-000000000005" };
    const p = db.prisma;
    await p.$executeRawUnsafe(`INSERT INTO "Account" (id, name, type, "seatLimit", "csmName", "createdAt", "updatedAt") VALUES ('${ids.account}', 'Old Co', 'STANDARD', 3, 'Robin', now(), now())`);
    await p.$executeRawUnsafe(`INSERT INTO "Person" (id, kind, name, email, "accountId", "createdAt") VALUES ('${ids.contact}', 'CONTACT', 'Olga', 'olga@old.test', '${ids.account}', now()), ('${ids.engineer}', 'ENGINEER', 'Eve', 'eve@vendor.test', NULL, now())`);
    for (const id of [ids.answered, ids.unanswered]) {
      await p.$executeRawUnsafe(
        `INSERT INTO "Case" (id, "accountId", "caseType", severity, subject, description, product, feature, "contactId", cc, status, "statusChangedAt", "createdById", "createdAt", "updatedAt")
         VALUES ('${id}', '${ids.account}', 'TECHNICAL_ISSUE', 'S2', 'Old case', 'd', 'player', 'playback', '${ids.contact}', '{}', 'IN_PROGRESS', now(), '${ids.contact}', '2026-11-02T10:00:00Z', now())`,
      );
    }
    const comment = (n: number, caseId: string, author: string, visibility: string, at: string) =>
      p.$executeRawUnsafe(`INSERT INTO "Comment" (id, "caseId", "authorId", body, visibility, source, "createdAt") VALUES ('20000000-0000-4000-8000-00000000000${n}', '${caseId}', '${author}', 'x', '${visibility}', 'slack', '${at}')`);
    await comment(1, ids.answered, ids.contact, "PUBLIC", "2026-11-02T10:05:00Z");
    await comment(2, ids.answered, ids.engineer, "INTERNAL", "2026-11-02T10:10:00Z");
    await comment(3, ids.answered, ids.engineer, "PUBLIC", "2026-11-02T11:30:00Z");
    await comment(4, ids.answered, ids.engineer, "PUBLIC", "2026-11-03T09:00:00Z");
    await comment(5, ids.unanswered, ids.engineer, "INTERNAL", "2026-11-02T10:10:00Z");

    await applyMigrations(db.migrationTarget, all);
    const rows = await p.case.findMany({ select: { id: true, firstRespondedAt: true, firstResponseDueAt: true, slaCheckAt: true }, orderBy: { id: "asc" } });
    expect(rows).toEqual([
      { id: ids.answered, firstRespondedAt: new Date("2026-11-02T11:30:00Z"), firstResponseDueAt: null, slaCheckAt: null },
      { id: ids.unanswered, firstRespondedAt: null, firstResponseDueAt: null, slaCheckAt: null },
    ]);
  });
});
