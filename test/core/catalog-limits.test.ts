import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG, loadCatalog } from "../../src/core/catalog.ts";
import { CaseError } from "../../src/core/errors.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * The catalog's documented limits are the limits users meet: a vendor who allows ten CC
 * addresses, or longer escalation descriptions, gets them (before, the case service kept
 * 5 and 250 whatever the catalog said), and a vendor who allows fewer is held to fewer.
 */
async function refusal(promise: Promise<unknown>): Promise<CaseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaseError);
  return error as CaseError;
}

const addresses = (n: number) => Array.from({ length: n }, (_, i) => `person${i}@partner.test`);

function catalogFile(body: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "carebot-limits-")), "catalog.json");
  writeFileSync(file, JSON.stringify(body));
  return file;
}

describe("a catalog that allows more: ten CC addresses and 1,000-character escalations", () => {
  const s = useWorld({ catalog: loadCatalog(catalogFile({ maxCc: 10, escalationDescriptionMax: 1000 })) });

  it("files a case copying ten people, and refuses the eleventh with the catalog's number", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const filed = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { cc: addresses(10) }));
    expect(filed.case.cc).toHaveLength(10);
    const tooMany = await refusal(s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { cc: addresses(11) })));
    expect(tooMany.code).toBe("VALIDATION");
    expect(tooMany.fieldErrors.cc).toBe("Copy at most 10 email addresses.");
  });

  it("takes an escalation description above 250 characters, up to the catalog's 1,000", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const filed = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id));
    const escalated = await s.t.core.cases.escalate(ada, filed.case.number, { reason: "CASE_UPDATE_NEEDED", description: "x".repeat(900) });
    const stored = await s.t.db.prisma.escalation.findUniqueOrThrow({ where: { id: escalated.escalationId } });
    expect(stored.description).toHaveLength(900);
    const tooLong = await refusal(s.t.core.cases.escalate(ada, filed.case.number, { reason: "CASE_UPDATE_NEEDED", description: "y".repeat(1001) }));
    expect(tooLong.fieldErrors.description).toBe("Keep the description to 1000 characters.");
  });
});

describe("a catalog that allows fewer: two CC addresses", () => {
  const s = useWorld({ catalog: { ...DEFAULT_CATALOG, maxCc: 2 } });

  it("refuses a third address when filing and when the customer edits the case", async () => {
    const ada = as(s.w.people.acmeUser.id);
    const refused = await refusal(s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { cc: addresses(3) })));
    expect(refused.fieldErrors.cc).toBe("Copy at most 2 email addresses.");
    const filed = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { cc: addresses(2) }));
    const edit = await refusal(s.t.core.cases.editDetails(ada, filed.case.number, { cc: addresses(3) }));
    expect(edit.fieldErrors.cc).toBe("Copy at most 2 email addresses.");
  });
});

describe("the catalog's own bounds", () => {
  it("refuses a maxCc above 20 or an escalation limit above 3,000, naming the key", () => {
    for (const body of [{ maxCc: 21 }, { escalationDescriptionMax: 3001 }]) {
      let error: unknown;
      try {
        loadCatalog(catalogFile(body));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CaseError);
      expect((error as CaseError).message).toContain(Object.keys(body)[0]);
    }
  });
});
