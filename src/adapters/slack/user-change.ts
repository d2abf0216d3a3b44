import type { App } from "@slack/bolt";
import { z } from "zod";
import type { Core } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";

/**
 * A user's profile changed (`user_change`, scope users:read): when it carries a time
 * zone, the core keeps it on that user's chat identity, so "next update by …" is told in
 * the zone they now live in. Linking reads the zone once (users.info); this keeps it
 * current without a Web API call on any request. The event is signed like every other
 * (receiver.ts); an identity carebot never linked is not created by it.
 * @link https://docs.slack.dev/reference/events/user_change
 */
const userChange = z.object({
  team_id: z.string().min(1).max(100).optional(),
  event: z.object({
    user: z.object({ id: z.string().min(1).max(100), team_id: z.string().min(1).max(100).optional(), tz: z.string().max(64).optional() }),
  }),
});

export function registerUserChange(app: InstanceType<typeof App>, core: Core, logger: Logger): void {
  app.event("user_change", async ({ body }) => {
    const parsed = userChange.safeParse(body);
    if (!parsed.success) return logger.warn("slack: a user_change event without a user was ignored");
    const { user } = parsed.data.event;
    // The user's own workspace (a Slack Connect guest's differs from the envelope's).
    const tenantId = user.team_id ?? parsed.data.team_id;
    if (!tenantId || !user.tz) return;
    await core.directory.noteChatTimeZone({ platform: "slack", tenantId, userId: user.id }, user.tz);
  });
}
