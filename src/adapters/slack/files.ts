import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import type { SharedFile } from "../../core/attachments/attachments.ts";
import { sizeInWords } from "../../core/attachments/limits.ts";
import { CaseError, isRetryable, toCaseError } from "../../core/errors.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { DeliveryChannel } from "../../core/notify/delivery-port.ts";
import type { ClaimedNotification, NotificationPayload } from "../../core/notify/events.ts";
import type { Logger } from "../../logger.ts";
import { workspaceAuthorize } from "./authorize.ts";

/**
 * Files shared in Slack (in a case's thread, or in a form's file input) reach the case in
 * two steps. When the message or form is stored, the core records which files to fetch
 * (core.email.attachments.request: an outbox row in the case's transaction) and the
 * request is answered: Slack wants its ack within 3 seconds, and a download of a 10 MB
 * recording may take longer; the outbox row survives a crash and is retried with backoff,
 * so nothing shared is lost and nothing is fetched twice (the file's id keys it).
 * Then this delivery channel, run by every process that delivers, fetches each file
 * with the token of the workspace it was shared in (files.info, then the file's
 * url_private_download with `Authorization: Bearer`), only from SLACK_FILE_HOSTS
 * (files.slack.com), reading at most the size limit, and attaches it to the case as the
 * person who shared it. A file that cannot be attached (too large, a refused type, a
 * full case, deleted meanwhile) is told to that person, privately, and not retried.
 * @link https://docs.slack.dev/reference/methods/files.info
 * @link https://docs.slack.dev/messaging/working-with-files#authenticating
 */

/** A file as a message event or a submitted file input carries it (Slack Connect's may carry only the id). */
export const slackFileSchema = z.object({
  id: z.string().regex(/^F[A-Z0-9]{1,40}$/),
  name: z.string().max(1000).nullish(),
  size: z.number().int().min(0).nullish(),
});
export type SlackFile = z.infer<typeof slackFileSchema>;

/** The files of an event or a form's state; anything that is not a Slack file is left out. */
export function slackFilesOf(raw: unknown): SlackFile[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((f) => {
    const parsed = slackFileSchema.safeParse(f);
    return parsed.success ? [parsed.data] : [];
  });
}

/** A file input's value as the neutral form carries it (a JSON list of files), back to files. */
export function filesFromFormValue(value: string | undefined): SharedFile[] {
  if (!value) return [];
  try {
    return slackFilesOf(JSON.parse(value));
  } catch {
    // Not a list we wrote: no files, and the core checks everything else anyway.
    return [];
  }
}

const fileInfo = z.object({
  file: z.object({
    id: z.string(),
    name: z.string().nullish(),
    title: z.string().nullish(),
    mimetype: z.string().nullish(),
    size: z.number().nullish(),
    url_private_download: z.string().nullish(),
    url_private: z.string().nullish(),
  }),
});

/** A file that cannot be attached: told to the person who shared it, not retried. */
class Refused extends Error {}

/**
 * A download that retrying cannot mend (a link to a host we do not trust, Slack refusing
 * the token): not retried either, since the case's later notifications wait behind this
 * one in the outbox. The sender is told it could not be fetched; the operator reads why
 * in the log and on the outbox receipt.
 */
class Unfetchable extends Error {}

/** How many redirects a download may follow (each to a trusted host only). */
const MAX_REDIRECTS = 3;
/** A download that has not finished by then is abandoned and retried later. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** An entry of SLACK_FILE_HOSTS names a host on any port ("files.slack.com") or one port of it ("127.0.0.1:8443"). */
export function isTrustedHost(url: URL, trustedHosts: string[]): boolean {
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  const host = url.host.toLowerCase();
  const name = url.hostname.toLowerCase();
  return trustedHosts.some((entry) => entry === host || (!entry.includes(":") && entry === name));
}

/**
 * Fetches a file's bytes: only from a trusted host (each redirect checked again), with the
 * workspace's token, reading at most `maxBytes` while streaming (a larger file is refused
 * without being held whole in memory). Slack answers a token it refuses with its sign-in
 * page (200, text/html), which is no file: that is an error, retried, never attached.
 */
export async function downloadSlackFile(url: string, options: { token: string; maxBytes: number; trustedHosts: string[]; expectHtml?: boolean }): Promise<Buffer> {
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (!isTrustedHost(current, options.trustedHosts)) throw new Unfetchable(`Slack file link to an untrusted host (${current.host}): not followed`);
    const res = await fetch(current, { headers: { authorization: `Bearer ${options.token}` }, redirect: "manual", signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw new Error(`Slack answered a file download with ${res.status} and no location`);
      current = new URL(location, current);
      continue;
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new Error(`Slack answered a file download with ${res.status}`);
    }
    if (!options.expectHtml && (res.headers.get("content-type") ?? "").startsWith("text/html")) {
      await res.body.cancel();
      throw new Unfetchable("Slack answered a file download with a page, not the file (is the files:read scope granted?)");
    }
    const declared = Number(res.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await res.body.cancel();
      throw new Refused(`files may be at most ${sizeInWords(options.maxBytes)}`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > options.maxBytes) {
        // Leaving the loop cancels the stream: the rest is never read.
        throw new Refused(`files may be at most ${sizeInWords(options.maxBytes)}`);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
  throw new Error("Slack file download redirected too often");
}

/**
 * Files shared with a message in a case's thread: asks the core to fetch them for the
 * comment the message became. A file the core refuses at once (by its declared name or
 * size, or a full case) is told to the sender; the comment itself is stored either way.
 */
export async function shareThreadFiles(
  core: Core,
  ctx: Ctx,
  input: { number: string; commentId: string; teamId: string; userId: string; channel: string; threadTs: string; files: SlackFile[] },
): Promise<void> {
  if (input.files.length === 0) return;
  await core.email.attachments.request(ctx, input.number, {
    commentId: input.commentId,
    from: { platform: "slack", tenantId: input.teamId, userId: input.userId },
    files: input.files,
    thread: { channelId: input.channel, threadId: input.threadTs },
  });
}

/** The delivery channel that fetches shared Slack files (run before the Slack channel, which then redraws the cards with them). */
export function createSlackFileFetcher(options: { core: Core; client: WebClient; botToken?: string; vendorTeamId?: string; trustedHosts: string[]; logger: Logger }): DeliveryChannel {
  const { core, client } = options;
  const log = options.logger.child({ module: "slack/files" });
  // The lookup that answers Slack's requests (authorize.ts): the workspace's own bot token when installed with OAuth, else SLACK_BOT_TOKEN (or, with OAuth alone, the vendor's installation's).
  const authorize = workspaceAuthorize({ core, token: options.botToken, own: { teamId: options.vendorTeamId } });

  async function tokenOf(teamId: string): Promise<string | undefined> {
    try {
      return (await authorize({ teamId, enterpriseId: undefined, isEnterpriseInstall: false } as Parameters<typeof authorize>[0])).botToken;
    } catch (error) {
      if (error instanceof CaseError && error.code === "NOT_FOUND") return undefined; // removed from that workspace
      throw error;
    }
  }

  async function tell(token: string, p: NotificationPayload<"case.files_shared">, text: string): Promise<void> {
    const m = cards.renderSlackMessage(cards.buildNotice({ tone: "warning", title: `Not attached to case ${p.number}`, text }));
    try {
      if (p.thread) await client.chat.postEphemeral({ token, channel: p.thread.channelId, user: p.from.userId, thread_ts: p.thread.threadId, text: m.text, blocks: m.blocks });
      else await client.chat.postMessage({ token, channel: p.from.userId, text: m.text, blocks: m.blocks, mrkdwn: false });
    } catch (error) {
      // Telling is a courtesy: the refusal stands and is logged either way.
      log.warn({ err: error, number: p.number }, "could not tell the sender why a file was not attached");
    }
  }

  async function fetchOne(token: string, id: string, maxBytes: number) {
    let info;
    try {
      info = fileInfo.parse(await client.files.info({ token, file: id }));
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === "file_not_found" || code === "file_deleted") throw new Refused("A shared file was deleted before carebot could fetch it");
      throw error;
    }
    const f = info.file;
    const name = f.name ?? f.title ?? "file";
    if (typeof f.size === "number" && f.size > maxBytes) throw new Refused(`${name} is ${sizeInWords(f.size)}; files may be at most ${sizeInWords(maxBytes)}`);
    const url = f.url_private_download ?? f.url_private;
    if (!url) throw new Refused(`${name} cannot be downloaded from Slack`);
    const content = await downloadSlackFile(url, { token, maxBytes, trustedHosts: options.trustedHosts, expectHtml: /html/.test(f.mimetype ?? "") }).catch((error: unknown) => {
      throw error instanceof Refused ? new Refused(`${name}: ${error.message}`) : error;
    });
    return { name, contentType: f.mimetype ?? null, content, externalId: `slack:${id}` };
  }

  return {
    name: "slack-files",
    deliver: async (n: ClaimedNotification) => {
      if (n.event !== "case.files_shared" || n.payload.from.platform !== "slack") return;
      const p = n.payload;
      await core.outbox.once(n.id, "slack-files", async () => {
        const token = await tokenOf(p.from.tenantId);
        if (!token) {
          log.warn({ number: p.number, teamId: p.from.tenantId }, "files shared in a workspace carebot was removed from: not fetched");
          return "refused: workspace removed";
        }
        const ctx: Ctx = { actor: { chat: { platform: "slack", tenantId: p.from.tenantId, userId: p.from.userId } }, source: "slack" };
        const maxBytes = core.email.attachments.limits.maxBytes;
        try {
          const files = [];
          for (const f of p.files) files.push(await fetchOne(token, f.id, maxBytes));
          await core.email.attachments.add(ctx, p.number, files, p.commentId ? { commentId: p.commentId } : {});
          return `attached ${files.length}`;
        } catch (error) {
          if (error instanceof Refused) {
            await tell(token, p, `${error.message}.`);
            return `refused: ${error.message}`.slice(0, 500);
          }
          if (error instanceof Unfetchable) {
            log.warn({ number: p.number, teamId: p.from.tenantId, reason: error.message }, "shared file could not be fetched from Slack");
            await tell(token, p, `carebot could not fetch ${p.files.length === 1 ? "the file" : "the files"} from Slack. Please share ${p.files.length === 1 ? "it" : "them"} again, or send ${p.files.length === 1 ? "it" : "them"} by email.`);
            return `refused: ${error.message}`.slice(0, 500);
          }
          const failure = toCaseError(error);
          if (failure.code === "VALIDATION") {
            await tell(token, p, failure.message);
            return `refused: ${failure.message}`.slice(0, 500);
          }
          if (failure.code === "UNEXPECTED" || isRetryable(failure.code)) throw error;
          // No longer allowed to answer on the case (left the account, the case moved): nothing to attach it as.
          log.info({ number: p.number, code: failure.code }, "shared files not attached: the sender may not answer on the case now");
          return `refused: ${failure.code}`;
        }
      });
    },
  };
}
