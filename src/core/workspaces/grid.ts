import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../db/tx.ts";

/**
 * The tenants whose links cover a chat user's workspace: the workspace itself, and for
 * a Slack workspace in an Enterprise Grid org, the org (its E… id) too, as a signed
 * request showed it (SlackGridWorkspace, noted by the Slack adapter's authorize). A link
 * on the org thereby covers the users of every workspace of the org, and only of those.
 */
export async function tenantsCovering(db: PrismaClient | Tx, ref: { platform: "slack" | "teams"; tenantId: string }): Promise<string[]> {
  if (ref.platform !== "slack") return [ref.tenantId];
  const grid = await db.slackGridWorkspace.findUnique({ where: { teamId: ref.tenantId }, select: { enterpriseId: true } });
  return grid ? [ref.tenantId, grid.enterpriseId] : [ref.tenantId];
}
