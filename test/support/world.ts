import { afterAll, beforeAll } from "vitest";
import type { Core, Ctx } from "../../src/core/index.ts";
import type { FileCaseInput } from "../../src/core/cases/schemas.ts";
import { startTestCore, type TestCore } from "./test-core.ts";

/**
 * A small customer world for stories: a university (parent) with two departments
 * (sub-accounts), a standalone company (standard), another customer, staff, and a
 * certified partner.
 */
export const operator: Ctx = { actor: { operator: true }, source: "cli" };

export function as(personId: string, source: Ctx["source"] = "slack"): Ctx {
  return { actor: { personId }, source };
}

export async function buildWorld(core: Core) {
  const d = core.directory;
  const university = await d.createAccount(operator, { name: "Northwind University", type: "PARENT", seatLimit: 10, csmName: "Casey Morgan" });
  const physics = await d.createAccount(operator, { name: "Physics Department", type: "SUB", parentId: university.id, seatLimit: 5, csmName: "Casey Morgan" });
  const history = await d.createAccount(operator, { name: "History Department", type: "SUB", parentId: university.id, seatLimit: 5, csmName: "Casey Morgan" });
  const acme = await d.createAccount(operator, { name: "Acme Media", type: "STANDARD", seatLimit: 3, csmName: "Robin Lee" });
  const globex = await d.createAccount(operator, { name: "Globex Corp", type: "STANDARD", seatLimit: 3, csmName: "Robin Lee" });

  const contact = (accountId: string, name: string, email: string) => d.createContact(operator, { accountId, name, email });
  const people = {
    provost: await contact(university.id, "Pat Provost", "pat@northwind.edu"),
    physicist: await contact(physics.id, "Marie Physic", "marie@physics.northwind.edu"),
    physicist2: await contact(physics.id, "Niels Physic", "niels@physics.northwind.edu"),
    historian: await contact(history.id, "Herodotus Hist", "hero@history.northwind.edu"),
    acmeUser: await contact(acme.id, "Ada Acme", "ada@acme.test"),
    acmeUser2: await contact(acme.id, "Alan Acme", "alan@acme.test"),
    globexUser: await contact(globex.id, "Gail Globex", "gail@globex.test"),
    engineer: await d.createStaff(operator, { name: "Eve Engineer", email: "eve@vendor.test", role: "ENGINEER" }),
    manager: await d.createStaff(operator, { name: "Max Manager", email: "max@vendor.test", role: "MANAGER" }),
  };
  const partner = await d.createPartner(operator, { name: "CaptionCo", supportChannel: "slack:CPARTNER" });
  const otherPartner = await d.createPartner(operator, { name: "StreamWorks" });
  const partnerAgent = await d.createPartnerStaff(operator, { partnerId: partner.id, name: "Pia Partner", email: "pia@captionco.test" });
  const otherPartnerAgent = await d.createPartnerStaff(operator, { partnerId: otherPartner.id, name: "Sam Stream", email: "sam@streamworks.test" });
  return {
    accounts: { university, physics, history, acme, globex },
    people: { ...people, partnerAgent, otherPartnerAgent },
    partners: { partner, otherPartner },
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

let keyCounter = 0;
/** A valid filing for the account; override any field. */
export function filing(accountId: string, overrides: Partial<FileCaseInput> = {}): FileCaseInput {
  keyCounter += 1;
  return {
    idempotencyKey: `test-key-${Date.now()}-${keyCounter}`,
    accountId,
    caseType: "TECHNICAL_ISSUE",
    severity: "S3",
    subject: "Captions missing on lecture recordings",
    description: "Since Monday, machine captions are not generated for new lecture uploads. Entry 1_abc123.",
    product: "captions",
    feature: "machine",
    cc: [],
    ...overrides,
  };
}

/**
 * A real core on a fresh database with the customer world built, for one describe
 * block: started before its tests, closed after them. Read it as `s.t` and `s.w`.
 */
export function useWorld(options: Parameters<typeof startTestCore>[0] = {}): { t: TestCore; w: World } {
  const s = {} as { t: TestCore; w: World };
  beforeAll(async () => {
    s.t = await startTestCore(options);
    s.w = await buildWorld(s.t.core);
  });
  afterAll(() => s.t?.close());
  return s;
}
