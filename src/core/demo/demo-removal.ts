import type { PrismaClient } from "../db/connect.ts";
import { inTransaction } from "../db/tx.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import type { Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { removeCaseFiles } from "../attachments/retention.ts";

/**
 * `demo remove`, for go-live: the demo data (demo-data.ts) leaves the database in one
 * transaction. What is demo:
 * - accounts marked `demo` (Account.demo, set when the demo loads) and their sub-accounts;
 * - their cases, with everything hanging on them (comments, escalations, threads,
 *   service-level alerts, notifications and their receipts);
 * - people whose email is at a `.example` domain (reserved for examples, RFC 2606, so
 *   never a real person) who belong to a demo account or to no account (the demo staff
 *   and partner staff), with their chat links and recent views;
 * - the demo partner (CaptionCo, whose staff are all such people) and the two demo
 *   publications.
 * A demo person someone's real case still names (as owner, contact, author) is kept but
 * deactivated, and reported. The audit trail is append-only and keeps its entries; the
 * removal itself is recorded there. Sample knowledge articles stay until the vendor
 * imports their own (`knowledge import DIR` retires the rest).
 */
export const DEMO_PUBLICATION_TITLES = ["October release: resumable uploads and faster captions", "RCA: playback outage of 14 September"];
const DEMO_PARTNER = "CaptionCo";
const EXAMPLE_EMAIL = /@([a-z0-9-]+\.)*example$/i;

export interface DemoRemoval {
  accounts: number;
  cases: number;
  people: number;
  partners: number;
  publications: number;
  /** Demo people kept (deactivated) because a real case names them. */
  kept: { name: string; email: string }[];
}

export async function removeDemoData(prisma: PrismaClient, clock: Clock, ctx: Ctx): Promise<DemoRemoval> {
  if (!("operator" in ctx.actor)) throw new CaseError("FORBIDDEN", { message: "Only an operator (the CLI) removes the demo data." });
  const actor = { kind: "operator" as const };
  return inTransaction(prisma, async (tx) => {
    const marked = await tx.account.findMany({ where: { demo: true }, select: { id: true } });
    const subs = await tx.account.findMany({ where: { parentId: { in: marked.map((a) => a.id) }, demo: false }, select: { id: true } });
    const accountIds = [...marked, ...subs].map((a) => a.id);
    const caseIds = (await tx.case.findMany({ where: { accountId: { in: accountIds } }, select: { id: true } })).map((c) => c.id);

    const candidates = await tx.person.findMany({
      where: { OR: [{ accountId: { in: accountIds } }, { accountId: null }] },
      select: { id: true, name: true, email: true, accountId: true, partnerId: true },
    });
    const demoPeople = candidates.filter((p) => EXAMPLE_EMAIL.test(p.email));
    const demoIds = demoPeople.map((p) => p.id);
    // A real case that names a demo person (someone tried the demo engineer on a real case) keeps them.
    const notDemoCase = { caseId: { notIn: caseIds } };
    const named = new Set<string>();
    for (const c of await tx.case.findMany({
      where: { id: { notIn: caseIds }, OR: [{ ownerId: { in: demoIds } }, { contactId: { in: demoIds } }, { createdById: { in: demoIds } }] },
      select: { ownerId: true, contactId: true, createdById: true },
    })) {
      for (const id of [c.ownerId, c.contactId, c.createdById]) if (id) named.add(id);
    }
    for (const c of await tx.comment.findMany({ where: { authorId: { in: demoIds }, ...notDemoCase }, select: { authorId: true } })) named.add(c.authorId!);
    for (const e of await tx.escalation.findMany({ where: { escalatedById: { in: demoIds }, ...notDemoCase }, select: { escalatedById: true } })) named.add(e.escalatedById);
    const kept = demoPeople.filter((p) => named.has(p.id) || (p.accountId !== null && !accountIds.includes(p.accountId)));
    const removable = demoIds.filter((id) => !kept.some((k) => k.id === id));

    // The cases and what hangs on them.
    const notifications = (await tx.notification.findMany({ where: { caseId: { in: caseIds } }, select: { id: true } })).map((n) => n.id);
    await tx.deliveryReceipt.deleteMany({ where: { notificationId: { in: notifications } } });
    await tx.notification.deleteMany({ where: { id: { in: notifications } } });
    await tx.caseThread.deleteMany({ where: { caseId: { in: caseIds } } });
    await removeCaseFiles(tx, caseIds);
    await tx.comment.deleteMany({ where: { caseId: { in: caseIds } } });
    await tx.escalation.deleteMany({ where: { caseId: { in: caseIds } } });
    await tx.slaAlert.deleteMany({ where: { caseId: { in: caseIds } } });
    // Links between cases first: a demo case may be another's duplicate or continuation.
    await tx.case.updateMany({ where: { OR: [{ duplicateOfId: { in: caseIds } }, { linkedFromId: { in: caseIds } }] }, data: { duplicateOfId: null, linkedFromId: null } });
    const cases = await tx.case.deleteMany({ where: { id: { in: caseIds } } });

    // The people, then the accounts (sub-accounts before parents) and the partner.
    const entityIds = [...caseIds, ...accountIds, ...removable];
    await tx.recentView.deleteMany({ where: { OR: [{ personId: { in: removable } }, { entityId: { in: entityIds } }] } });
    await tx.knowledgeAnswer.updateMany({ where: { personId: { in: removable } }, data: { personId: null } });
    await tx.chatIdentity.deleteMany({ where: { personId: { in: removable } } });
    const people = await tx.person.deleteMany({ where: { id: { in: removable } } });
    await tx.person.updateMany({ where: { id: { in: kept.map((k) => k.id) } }, data: { active: false } });
    await tx.account.deleteMany({ where: { id: { in: accountIds }, parentId: { not: null } } });
    await tx.account.deleteMany({ where: { id: { in: accountIds } } });
    const partner = await tx.partner.findUnique({ where: { name: DEMO_PARTNER }, select: { id: true, people: { select: { id: true } }, cases: { select: { id: true }, take: 1 } } });
    const partners = partner && partner.people.length === 0 && partner.cases.length === 0 ? await tx.partner.deleteMany({ where: { id: partner.id } }) : { count: 0 };
    const publications = await tx.publication.deleteMany({ where: { title: { in: DEMO_PUBLICATION_TITLES }, publishedBy: "00000000-0000-0000-0000-000000000000" } });

    const result: DemoRemoval = {
      accounts: accountIds.length,
      cases: cases.count,
      people: people.count,
      partners: partners.count,
      publications: publications.count,
      kept: kept.map(({ name, email }) => ({ name, email })),
    };
    await recordAudit(tx, { actor, action: "demo.removed", changes: { ...result, kept: result.kept.map((k) => k.email) }, source: ctx.source, at: clock.now() });
    return result;
  });
}
