import type { Core } from "../index.ts";
import type { Ctx } from "../deps.ts";
import { readArticles, SAMPLE_ARTICLES_DIR } from "../knowledge/article-files.ts";

/**
 * Demo data for a first look: a university (parent) with two departments
 * (sub-accounts), a standalone media company (standard), their contacts, two
 * engineers and a manager, a certified partner, and cases in every status.
 * Returns false (and changes nothing) when the database already holds accounts.
 */
const operator: Ctx = { actor: { operator: true }, source: "cli" };

export const DEMO_PEOPLE = {
  parentUser: "dana@northwind.example",
  subUser: "sam@physics.northwind.example",
  siblingUser: "hana@history.northwind.example",
  standardUser: "ada@acme-media.example",
  engineer: "eve@carebot-vendor.example",
  manager: "max@carebot-vendor.example",
  partnerStaff: "pia@captionco.example",
} as const;

export async function loadDemoData(core: Core, hasAccounts: () => Promise<boolean>): Promise<boolean> {
  if (await hasAccounts()) return false;
  const d = core.directory;
  const university = await d.createAccount(operator, { name: "Northwind University", type: "PARENT", seatLimit: 20, csmName: "Casey Morgan", csmEmail: "casey@carebot-vendor.example" });
  const physics = await d.createAccount(operator, { name: "Northwind Physics Department", type: "SUB", parentId: university.id, seatLimit: 5, csmName: "Casey Morgan" });
  const history = await d.createAccount(operator, { name: "Northwind History Department", type: "SUB", parentId: university.id, seatLimit: 5, csmName: "Casey Morgan" });
  const acme = await d.createAccount(operator, { name: "Acme Media", type: "STANDARD", seatLimit: 5, csmName: "Robin Lee", csmEmail: "robin@carebot-vendor.example" });
  // Before any case is filed: the demo backlog must never reach a real channel or inbox, only the local playground.
  await d.markDemo(operator, [university.id, physics.id, history.id, acme.id]);

  const dana = await d.createContact(operator, { accountId: university.id, name: "Dana Whitfield", email: DEMO_PEOPLE.parentUser, phone: "+1 555 0101" });
  const sam = await d.createContact(operator, { accountId: physics.id, name: "Sam Okafor", email: DEMO_PEOPLE.subUser });
  const hana = await d.createContact(operator, { accountId: history.id, name: "Hana Sato", email: DEMO_PEOPLE.siblingUser });
  const ada = await d.createContact(operator, { accountId: acme.id, name: "Ada Lovelace", email: DEMO_PEOPLE.standardUser, phone: "+44 20 7946 0001" });
  await d.createContact(operator, { accountId: acme.id, name: "Grace Hopper", email: "grace@acme-media.example" });

  const eve = await d.createStaff(operator, { name: "Eve Martinez", email: DEMO_PEOPLE.engineer, role: "ENGINEER" });
  await d.createStaff(operator, { name: "Raj Patel", email: "raj@carebot-vendor.example", role: "ENGINEER" });
  const max = await d.createStaff(operator, { name: "Max Brenner", email: DEMO_PEOPLE.manager, role: "MANAGER" });
  const captionCo = await d.createPartner(operator, { name: "CaptionCo", supportChannel: "slack:C0PARTNER1" });
  await d.createPartnerStaff(operator, { partnerId: captionCo.id, name: "Pia Laurent", email: DEMO_PEOPLE.partnerStaff });

  const as = (personId: string): Ctx => ({ actor: { personId }, source: "cli" });
  const key = (n: string) => `demo-${n}`;

  // NEW: just filed.
  await core.cases.file(as(sam.id), {
    idempotencyKey: key("new"), accountId: physics.id, caseType: "TECHNICAL_ISSUE", severity: "S3",
    subject: "Lecture capture uploads stay in 'processing'",
    description: "Since this morning, uploads from the lecture hall capture devices stay in processing. Entry IDs 1_a8x2k3, 1_b7y3l4. Worked fine last week; no changes on our side.",
    product: "ingest", feature: "transcoding", pid: "2310441", cc: ["av-team@physics.northwind.example"],
  });

  // IN_PROGRESS: taken by an engineer, with an escalation.
  const live = await core.cases.file(as(dana.id), {
    idempotencyKey: key("in-progress"), accountId: university.id, caseType: "TECHNICAL_ISSUE", severity: "S2",
    subject: "Commencement webcast stutters for remote viewers",
    description: "Remote viewers report buffering every 30 seconds on the commencement rehearsal stream. About 200 viewers affected. The ceremony is on Saturday.",
    product: "live", feature: "webcast", exampleUrl: "https://video.northwind.example/live/commencement",
    credentials: { username: "kms-demo-tester", password: "demo-only-password" },
  });
  await core.cases.take(as(eve.id), live.case.number);
  await core.cases.comment(as(eve.id), live.case.number, { body: "We can reproduce the buffering from two regions and are checking the ingest point." });
  await core.cases.escalate(as(dana.id), live.case.number, { reason: "PRIORITY_FOR_CUSTOMER_ORGANIZATION", description: "The ceremony is on Saturday; we need a fix or a workaround by Thursday." });

  // PENDING: waiting for the customer.
  const pending = await core.cases.file(as(ada.id), {
    idempotencyKey: key("pending"), accountId: acme.id, caseType: "HOW_TO", severity: "S4",
    subject: "How do we restrict a category to signed-in users?",
    description: "We want the 'Internal town halls' category visible only to signed-in employees.",
    product: "management-console", feature: "access-control",
  });
  await core.cases.take(as(eve.id), pending.case.number);
  await core.cases.askCustomer(as(eve.id), pending.case.number, { body: "Do you sign users in through SSO or with portal accounts? The steps differ." });

  // Handed to a partner.
  const partnerCase = await core.cases.file(as(hana.id), {
    idempotencyKey: key("partner"), accountId: history.id, caseType: "TECHNICAL_ISSUE", severity: "S3",
    subject: "Professional captions ordered two weeks ago not delivered",
    description: "Three caption orders from 2 weeks ago are still 'pending' in the REACH dashboard.",
    product: "captions", feature: "professional",
  });
  await core.cases.take(as(eve.id), partnerCase.case.number);
  await core.cases.handToPartner(as(eve.id), partnerCase.case.number, { partnerId: captionCo.id, note: "Orders are stuck at the caption vendor." });

  // CLOSED: resolved.
  const closed = await core.cases.file(as(ada.id), {
    idempotencyKey: key("closed"), accountId: acme.id, caseType: "FEATURE_REQUEST", severity: "S4",
    subject: "Add playback speed 0.75x to the player",
    description: "Our language-learning customers would like a 0.75x speed option.",
    product: "player", feature: "plugins",
  });
  await core.cases.close(as(max.id), closed.case.number, { reason: "SOLUTION_PROVIDED", note: "Available through the playback-rates plugin setting." });

  await core.knowledge.import(operator, readArticles(SAMPLE_ARTICLES_DIR));
  await core.publications.publish(operator, { kind: "PRODUCT_UPDATE", title: "October release: resumable uploads and faster captions", body: "Uploads now resume after a dropped connection, and machine captions arrive about twice as fast." });
  await core.publications.publish(operator, { kind: "RCA", severity: "S1", title: "RCA: playback outage of 14 September", body: "Between 09:12 and 09:47 UTC a configuration change to the delivery network stopped playback for all viewers. The change was rolled back; changes to the delivery network now go out region by region." });
  return true;
}
