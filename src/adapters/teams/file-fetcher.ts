import type { CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import * as cards from "../../cards/index.ts";
import type { Config } from "../../config.ts";
import type { NewAttachment } from "../../core/attachments/attachments.ts";
import { isRetryable, toCaseError } from "../../core/errors.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { DeliveryChannel } from "../../core/notify/delivery-port.ts";
import type { ClaimedNotification, NotificationPayload } from "../../core/notify/events.ts";
import type { Logger } from "../../logger.ts";
import { downloadFile, fileHostPolicy } from "./file-download.ts";
import { serviceUrlPolicy, serviceUrlProblem, type ServiceUrlPolicy } from "./service-url.ts";
import { attachment } from "./teams-cards.ts";

/**
 * Files a Teams user sent the bot in personal chat reach the case in two steps, as Slack's
 * do (src/adapters/slack/files.ts). The turn stores the message as a reply and records
 * the files to fetch (core.email.attachments.request: an outbox row), then Teams gets its
 * 200. This delivery channel, run by every process that delivers, then downloads each
 * file (file-download.ts: only from SharePoint/OneDrive or TEAMS_FILE_HOSTS, redirects
 * checked hop by hop, within the size limit; an inline image from the Bot Connector the
 * message came from, with the bot's token), attaches it to that reply as the sender, and
 * tells the sender the outcome in their personal chat. A process that stops between the
 * 200 and the download loses nothing: the row waits for the next worker. Each file is
 * attached under `teams:<id>` (OneDrive's uniqueId, or a digest of an inline image's
 * address), so a second fetch, a second server or the same file sent again attaches it once.
 */

/** A download the host failed (5xx, timeout) is tried again this many times in all before the sender is told. */
const DOWNLOAD_ATTEMPTS = 3;

/** Demo data may reach only this machine's connector (as delivery.ts). */
const LOCAL_ONLY: ServiceUrlPolicy = { local: true, extraHosts: new Set<string>() };

type Payload = NotificationPayload<"case.files_shared">;

export function createTeamsFileFetcher(options: { core: Core; adapter: CloudAdapter; botAppId: string; config: Config; logger: Logger }): DeliveryChannel {
  const { core, adapter, botAppId } = options;
  const hosts = fileHostPolicy(options.config);
  const serviceUrls = serviceUrlPolicy(options.config);
  const log = options.logger.child({ module: "teams/files" });

  /** Runs `fn` in the sender's personal chat (the reference its turn remembered), if the bot may send there. */
  async function inPersonalChat<T>(p: Payload, policy: ServiceUrlPolicy, fn: (turn: TurnContext) => Promise<T>): Promise<T | undefined> {
    const reference = (await core.threads.conversation("teams", { tenantId: p.from.tenantId, userId: p.from.userId })) as Partial<ConversationReference> | null;
    if (!reference || serviceUrlProblem(policy, reference.serviceUrl)) return undefined;
    let result: T | undefined;
    await adapter.continueConversationAsync(botAppId, reference, async (turn) => {
      result = await fn(turn);
    });
    return result;
  }

  async function tell(p: Payload, policy: ServiceUrlPolicy, card: cards.Card): Promise<void> {
    try {
      const sent = await inPersonalChat(p, policy, (turn) => turn.sendActivity({ attachments: [attachment(card)], summary: card.surface === "message" ? card.summary : undefined }));
      if (!sent) log.warn({ number: p.number }, "no personal chat to tell the sender about their files in");
    } catch (error) {
      // Telling is a courtesy: what was attached stays attached, and a retry would fetch again.
      log.warn({ err: error, number: p.number }, "could not tell the sender what became of their files");
    }
  }

  /**
   * The bot's own access token, for inline images on the Bot Connector: the one the
   * connector client of a proactive turn carries (none in local mode, whose connector asks for none).
   */
  async function botToken(p: Payload, policy: ServiceUrlPolicy): Promise<string | undefined> {
    return inPersonalChat(p, policy, async (turn) => {
      const client = turn.turnState.get(turn.adapter.ConnectorClientKey) as { credentials?: { appId?: string; getToken?: () => Promise<string> } } | undefined;
      const credentials = client?.credentials;
      return credentials?.appId && credentials.getToken ? credentials.getToken() : undefined;
    });
  }

  async function fetchAndAttach(n: Extract<ClaimedNotification, { event: "case.files_shared" }>): Promise<string> {
    const p = n.payload;
    const policy = n.demo ? LOCAL_ONLY : serviceUrls;
    const attachments = core.email.attachments;
    const maxBytes = attachments.limits.maxBytes;
    const tooLarge = `files may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`;
    // Inline images live on the Bot Connector the message came from (its serviceUrl, checked by the route and again here); only there does the bot's token go.
    const connector = p.serviceUrl && !serviceUrlProblem(policy, p.serviceUrl) ? originOf(p.serviceUrl) : undefined;
    const needsToken = p.files.some((f) => f.inline && connector !== undefined && originOf(f.url ?? undefined) === connector);
    const token = needsToken ? await botToken(p, policy) : undefined;

    const fetched: NewAttachment[] = [];
    const problems: string[] = [];
    for (const file of p.files) {
      const name = file.name || "file";
      if (!file.url) {
        problems.push(`${name}: Teams sent no address to fetch it from.`);
        continue;
      }
      const onConnector = Boolean(file.inline) && connector !== undefined && originOf(file.url) === connector;
      const got = await downloadFile(hosts, file.url, {
        maxBytes,
        tooLarge,
        authorization: onConnector && token ? `Bearer ${token}` : undefined,
        trusted: onConnector ? (hop) => originOf(hop) === connector : undefined,
      });
      if (got.ok) {
        fetched.push({ name, contentType: got.contentType ?? file.contentType ?? null, content: got.content, externalId: `teams:${file.id}` });
        continue;
      }
      // The host failed, not the file: the outbox tries the whole request again later (what was attached is attached once).
      if (got.retryable && n.attempts < DOWNLOAD_ATTEMPTS) throw new Error(`Teams file download failed, will retry: ${got.problem}`);
      problems.push(`${name}: ${got.problem}.`);
    }
    if (problems.length) log.warn({ number: p.number, refused: problems.length }, "teams files not attached");

    let added: string[] = [];
    if (fetched.length) {
      const ctx: Ctx = { actor: { chat: { platform: "teams", tenantId: p.from.tenantId, userId: p.from.userId } }, source: "teams" };
      try {
        added = (await attachments.add(ctx, p.number, fetched, p.commentId ? { commentId: p.commentId } : {})).map((f) => f.name);
      } catch (error) {
        const failure = toCaseError(error);
        if (failure.code === "UNEXPECTED" || isRetryable(failure.code)) throw error;
        problems.push(failure.message);
      }
    }
    const card = added.length
      ? cards.buildConfirmation(`Attached to case ${p.number}`, [added.join(", "), ...problems.map((x) => `Not attached: ${x}`)].join("\n"))
      : cards.buildNotice({ tone: "warning", title: `Not attached to case ${p.number}`, text: problems.join("\n") || "Nothing arrived." });
    await tell(p, policy, card);
    return `attached ${added.length}${problems.length ? `; refused ${problems.length}` : ""}`.slice(0, 500);
  }

  return {
    name: "teams-files",
    deliver: async (n: ClaimedNotification) => {
      if (n.event !== "case.files_shared" || n.payload.from.platform !== "teams") return;
      await core.outbox.once(n.id, "teams-files", () => fetchAndAttach(n));
    },
  };
}

function originOf(address: string | undefined): string | undefined {
  try {
    return address ? new URL(address).origin : undefined;
  } catch {
    return undefined;
  }
}
