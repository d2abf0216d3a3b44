import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Logger } from "../../logger.ts";
import { parseNotificationBody, type ClaimedNotification } from "./events.ts";

/**
 * The outbox's delivery side. Workers claim due notifications with
 * FOR UPDATE SKIP LOCKED (several workers on one PostgreSQL never take the same row),
 * lease them for a while (a crashed worker's claim simply expires), deliver, and
 * record each destination's receipt, so a retry skips what already went out.
 */
export type { ClaimedNotification };

/**
 * Claims due notifications, oldest first, each parsed once against its event's schema
 * and told whether its case is demo data (read in the same statement). A payload that
 * does not parse can never be delivered: it is DEAD at once, with the reason, for the
 * operator (a bug to fix, not a thing to retry), and the rest of the batch goes on.
 */
export async function claimNotifications(prisma: PrismaClient, options: { now: Date; limit: number; leaseMs: number; logger: Logger }): Promise<ClaimedNotification[]> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const claimed = await prisma.$queryRaw<{ id: string; demo: boolean | null }[]>`
    UPDATE "Notification" n SET "availableAt" = ${leaseUntil}, "attempts" = n."attempts" + 1
    WHERE n.id IN (
      SELECT id FROM "Notification"
      WHERE status = 'PENDING' AND "availableAt" <= ${options.now}
      ORDER BY "createdAt", id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING n.id, (SELECT a.demo FROM "Case" c JOIN "Account" a ON a.id = c."accountId" WHERE c.id = n."caseId") AS demo`;
  if (claimed.length === 0) return [];
  const demo = new Map(claimed.map((r) => [r.id, r.demo === true]));
  const rows = await prisma.notification.findMany({ where: { id: { in: claimed.map((r) => r.id) } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const parsed: ClaimedNotification[] = [];
  for (const row of rows) {
    let body;
    try {
      body = parseNotificationBody(row.event, row.payload);
    } catch (error) {
      const reason = `malformed ${row.event} payload: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000);
      options.logger.error({ notificationId: row.id, event: row.event, err: error }, "outbox notification cannot be read: DEAD at once");
      await prisma.notification.update({ where: { id: row.id }, data: { status: "DEAD", lastError: reason } });
      continue;
    }
    parsed.push({ ...body, id: row.id, caseId: row.caseId, attempts: row.attempts, createdAt: row.createdAt, demo: demo.get(row.id) ?? false });
  }
  return parsed;
}

export async function markDelivered(prisma: PrismaClient, id: string, now: Date): Promise<void> {
  await prisma.notification.update({ where: { id }, data: { status: "DELIVERED", deliveredAt: now, lastError: null } });
}

/** Schedules another attempt, or gives up (DEAD) after maxAttempts. */
export async function markFailed(prisma: PrismaClient, row: Pick<ClaimedNotification, "id" | "attempts">, options: { error: string; retryAt: Date; maxAttempts: number }): Promise<"retry" | "dead"> {
  const dead = row.attempts >= options.maxAttempts;
  await prisma.notification.update({
    where: { id: row.id },
    data: { status: dead ? "DEAD" : "PENDING", availableAt: options.retryAt, lastError: options.error.slice(0, 1000) },
  });
  return dead ? "dead" : "retry";
}

/**
 * Puts a claimed notification back for later without counting the attempt: it waits
 * behind an earlier notification of the same case that failed, so a thread never hears
 * a later change before an earlier one.
 */
export async function deferNotification(prisma: PrismaClient, id: string, until: Date): Promise<void> {
  await prisma.notification.update({ where: { id }, data: { availableAt: until, attempts: { decrement: 1 } } });
}

/** Delivers to one destination once: skips it when a receipt exists, records one after `send` succeeds. */
export async function deliverOnce(
  prisma: PrismaClient,
  notificationId: string,
  target: string,
  now: () => Date,
  send: () => Promise<string | undefined>,
): Promise<{ status: "sent" | "already"; externalId: string | null }> {
  const seen = await prisma.deliveryReceipt.findUnique({ where: { notificationId_target: { notificationId, target } } });
  if (seen) return { status: "already", externalId: seen.externalId };
  const externalId = (await send()) ?? null;
  await prisma.deliveryReceipt.create({ data: { notificationId, target, externalId, deliveredAt: now() } });
  return { status: "sent", externalId };
}

/** The outbox as the operator sees it. "failed" = still pending after a failed attempt. */
export async function listNotifications(prisma: PrismaClient, options: { status: "pending" | "failed" | "dead" | "delivered"; limit: number }) {
  const where =
    options.status === "failed"
      ? { status: "PENDING" as const, attempts: { gt: 0 }, lastError: { not: null } }
      : { status: options.status.toUpperCase() as "PENDING" | "DEAD" | "DELIVERED" };
  const [total, rows] = [await prisma.notification.count({ where }), await prisma.notification.findMany({ where, orderBy: { createdAt: "asc" }, take: options.limit })];
  return { total, rows };
}

/** Puts notifications back in line: one by id, or every dead one. Attempts start again from zero. */
export async function retryNotifications(prisma: PrismaClient, options: { id?: string; dead?: boolean; now: Date }): Promise<number> {
  const where = options.id ? { id: options.id, status: { in: ["DEAD" as const, "PENDING" as const] } } : { status: "DEAD" as const };
  if (!options.id && !options.dead) return 0;
  const result = await prisma.notification.updateMany({ where, data: { status: "PENDING", attempts: 0, availableAt: options.now } });
  return result.count;
}
