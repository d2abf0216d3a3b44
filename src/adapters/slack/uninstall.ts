import type { App } from "@slack/bolt";
import { z } from "zod";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";

/**
 * A workspace removed carebot (`app_uninstalled`) or revoked its bot token
 * (`tokens_revoked` naming a bot user): its installation is marked removed, so Bolt's
 * authorize no longer finds a token for it (installation-store.ts) and nothing is sent
 * with the dead token. The record and the workspace's account links stay: installing
 * again resumes. Revoked user tokens alone change nothing (carebot acts as its bot).
 * Both events are signed like every other (receiver.ts) and handled once per delivery.
 * @link https://docs.slack.dev/reference/events/app_uninstalled
 * @link https://docs.slack.dev/reference/events/tokens_revoked
 */
const envelope = z.object({
  team_id: z.string().min(1).max(100).optional(),
  enterprise_id: z.string().min(1).max(100).optional(),
  is_enterprise_install: z.boolean().optional(),
  event: z.object({ type: z.string(), tokens: z.object({ bot: z.array(z.string()).optional() }).optional() }),
});

export function registerUninstallEvents(app: InstanceType<typeof App>, core: Core, logger: Logger): void {
  const remove = async (raw: unknown, reason: "uninstalled" | "tokens_revoked") => {
    const body = envelope.safeParse(raw);
    if (!body.success) return logger.warn({ reason }, "slack: an uninstall event without a workspace was ignored");
    if (reason === "tokens_revoked" && !body.data.event.tokens?.bot?.length) return;
    const orgInstall = Boolean(body.data.is_enterprise_install && body.data.enterprise_id);
    if (!orgInstall && !body.data.team_id) return logger.warn({ reason }, "slack: an uninstall event without a workspace was ignored");
    const removed = await core.slackInstallations.remove({ teamId: orgInstall ? undefined : body.data.team_id, enterpriseId: body.data.enterprise_id, orgInstall }, reason);
    logger.info({ teamId: body.data.team_id, enterpriseId: body.data.enterprise_id, reason, removed }, "slack: installation removed");
  };
  app.event("app_uninstalled", async ({ body }) => remove(body, "uninstalled"));
  app.event("tokens_revoked", async ({ body }) => remove(body, "tokens_revoked"));
}
