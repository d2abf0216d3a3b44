import type { Core, Ctx } from "../core/index.ts";
import { table } from "./format.ts";

/**
 * `channels bind <channel-id> <account> [--team T…] [--platform slack|teams]`,
 * `channels unbind <channel-id>` and `channels list`: the operator's side of support
 * channels (issue 13, docs/slack.md "Slack Connect support channels"), the same as staff's
 * `/case connect <account>` and `/case disconnect` typed in the channel.
 */
export const CHANNELS_HELP = `  channels bind CHANNEL ACCOUNT [--team T] [--platform slack|teams]   a channel shared with a customer
                       becomes that account's support channel (ACCOUNT: its name or id)
  channels unbind CHANNEL [--platform slack|teams]
  channels list`;

export async function channelsCommand(core: Core, operator: Ctx, verb: string | undefined, positionals: string[], v: { platform?: string; team?: string }) {
  const platform = (v.platform ?? "slack") as "slack";
  const [channelId = "", ...account] = positionals;
  switch (verb) {
    case "bind": {
      const bound = await core.channels.bind(operator, { platform, tenantId: v.team ?? "", channelId, account: account.join(" ") });
      return { ...bound, text: `${bound.created ? "Bound" : "Already bound:"} ${platform} channel ${channelId} to ${bound.accountName}. Its cases filed there post their card there; no other account's case does.` };
    }
    case "unbind": {
      const gone = await core.channels.unbind(operator, { platform, channelId });
      return { ...gone, text: `Unbound ${platform} channel ${channelId} from ${gone.accountName}.` };
    }
    default: {
      const channels = await core.channels.list(operator);
      const rows = channels.map((c) => ({ platform: c.platform, channel: c.channelId, team: c.tenantId || "-", account: c.accountName, accountId: c.accountId, bound: c.boundAt.toISOString().slice(0, 16) + "Z" }));
      return { channels, text: rows.length ? table(rows, ["platform", "channel", "team", "account", "accountId", "bound"]) : "No channel is bound to an account yet." };
    }
  }
}
