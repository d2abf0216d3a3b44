import type { Notification, PrismaClient } from "../../generated/prisma/client.ts";

/**
 * The outbox's delivery side. Workers claim due notifications with
 * FOR UPDATE SKIP LOCKED (several workers on one PostgreSQL never take the same row),
 * lease them for a while (a crashed worker's claim simply expires), deliver, and
 * record each destination's receipt, so a retry skips what already went out.
 */
export type NotificationRow = Notification;

export async function claimNotifications(prisma: PrismaClient, options: { now: Date; limit: number; leaseMs: number }): Promise<NotificationRow[]> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const ids = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Notification" SET "availableAt" = ${leaseUntil}, "attempts" = "attempts" + 1
    WHERE id IN (
      SELECT id FROM "Notification"
      WHERE status = 'PENDING' AND "availableAt" <= ${options.now}
      ORDER BY "createdAt", id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  if (ids.length === 0) return [];
  return prisma.notification.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

export async function markDelivered(prisma: PrismaClient, id: string, now: Date): Promise<void> {
  await prisma.notification.update({ where: { id }, data: { status: "DELIVERED", deliveredAt: now, lastError: null } });
}

/** Schedules another attempt, or gives up (DEAD) after maxAttempts. */
export async function markFailed(prisma: PrismaClient, row: NotificationRow, options: { error: string; retryAt: Date; maxAttempts: number }): Promise<"retry" | "dead"> {
  const dead = row.attempts >= options.maxAttempts;
  await prisma.notification.update({
    where: { id: row.id },
    data: { status: dead ? "DEAD" : "PENDING", availableAt: options.retryAt, lastError: options.error.slice(0, 1000) },
  });
  return dead ? "dead" : "retry";
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
