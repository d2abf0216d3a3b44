import { createHash } from "node:crypto";
import type { Activity, TurnContext } from "botbuilder";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { attachmentProblem } from "../../core/attachments/attachments.ts";
import { isRetryable, toCaseError } from "../../core/errors.ts";
import { reopenOffer } from "../../interactions/index.ts";
import { fileUrlProblem, type FileHostPolicy } from "./file-download.ts";
import { teamsCtx, teamsUser } from "./identity.ts";
import { attachment } from "./teams-cards.ts";
import type { TeamsDeps } from "./turn.ts";

/**
 * Files Teams users send the bot.
 *
 * Personal chat: Teams uploads the file to the sender's OneDrive and sends the bot a
 * `application/vnd.microsoft.teams.file.download.info` attachment whose
 * `content.downloadUrl` is a short-lived, pre-authenticated link to its bytes (only with
 * `supportsFiles: true` in the manifest). An image pasted into the message comes as an
 * `image/*` attachment whose `contentUrl` is on the Bot Connector and needs the bot's token.
 * Both are recorded with the reply and fetched after the turn by file-fetcher.ts
 * (file-download.ts: trusted hosts, byte limit), then attached to the case.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4
 *
 * Channels: the Teams bot APIs carry no file content there; what a channel message may
 * carry is a file's SharePoint address and name, recorded on the case as a link (its
 * content needs Graph permissions a customer admin grants, docs/teams.md).
 */

export const FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info";

const url = z.string().max(4_000);
const downloadInfoSchema = z
  .object({
    contentType: z.literal(FILE_DOWNLOAD_INFO),
    name: z.string().max(1_000).optional(),
    contentUrl: url.optional(),
    content: z.object({ downloadUrl: url, uniqueId: z.string().max(300).optional(), fileType: z.string().max(50).optional() }).loose(),
  })
  .loose();
const inlineImageSchema = z
  .object({ contentType: z.string().regex(/^image\//i), contentUrl: url, name: z.string().max(1_000).optional() })
  .loose();
/** A file reference in a channel message: a name and a SharePoint address (Graph's "reference" attachments look the same). */
const sharedFileSchema = z.object({ contentType: z.string(), name: z.string().min(1).max(1_000), contentUrl: url }).loose();

/** A file sent in personal chat, before it is fetched. */
export interface SentFile {
  /** Which file this is, the same however often it is sent: OneDrive's uniqueId, or a digest of an inline image's address. */
  id: string;
  name: string;
  address: string;
  contentType?: string;
  /** An inline image: on the Bot Connector, fetched with the bot's token. */
  inline: boolean;
}

/** A file's id for the outbox and for `teams:<id>` on the case: short ids as they are, anything else (an address) as a digest. */
function idOf(kind: "file" | "url", value: string): string {
  return kind === "file" && /^[A-Za-z0-9{}-]{1,100}$/.test(value) ? value.toLowerCase() : `${kind}-${createHash("sha256").update(value).digest("hex").slice(0, 40)}`;
}

/** The files of a personal-chat message: OneDrive uploads and inline images. */
export function sentFiles(activity: Pick<Activity, "attachments">): SentFile[] {
  const files: SentFile[] = [];
  for (const raw of activity.attachments ?? []) {
    const upload = downloadInfoSchema.safeParse(raw);
    if (upload.success) {
      const { name, content } = upload.data;
      files.push({
        id: content.uniqueId ? idOf("file", content.uniqueId) : idOf("url", content.downloadUrl),
        name: name || `${content.uniqueId ?? "file"}${content.fileType ? `.${content.fileType}` : ""}`,
        address: content.downloadUrl,
        inline: false,
      });
      continue;
    }
    const image = inlineImageSchema.safeParse(raw);
    if (image.success) {
      const ext = image.data.contentType.split("/")[1]?.replace(/[^a-z0-9]/gi, "") || "png";
      files.push({
        id: idOf("url", image.data.contentUrl),
        name: image.data.name || `image-${files.length + 1}.${ext === "*" ? "png" : ext}`,
        address: image.data.contentUrl,
        contentType: image.data.contentType.toLowerCase(),
        inline: true,
      });
    }
  }
  return files;
}

/**
 * Files named in a channel message as SharePoint links: name and address, never fetched.
 * Only addresses on the file hosts (SharePoint, TEAMS_FILE_HOSTS) are kept: a link on a
 * case is clicked by staff, and a Bot Connector address (a pasted image) opens for no one.
 */
export function sharedFileLinks(activity: Pick<Activity, "attachments">, hosts: FileHostPolicy): { name: string; link: string }[] {
  const links: { name: string; link: string }[] = [];
  for (const raw of activity.attachments ?? []) {
    const parsed = sharedFileSchema.safeParse(raw);
    if (!parsed.success || /^(application\/vnd\.microsoft\.card\.|text\/html$|image\/)/i.test(parsed.data.contentType)) continue;
    if (fileUrlProblem(hosts, parsed.data.contentUrl)) continue;
    links.push({ name: parsed.data.name.replace(/[\r\n]+/g, " ").trim(), link: new URL(parsed.data.contentUrl).toString() });
  }
  return links;
}

/** A channel reply's text with the files it shared, as lines naming each file and its SharePoint link. */
export function withSharedFileLinks(text: string, activity: Pick<Activity, "attachments">, hosts: FileHostPolicy): string {
  const links = sharedFileLinks(activity, hosts);
  if (links.length === 0) return text;
  const lines = links.map((f) => `📎 ${f.name}: ${f.link}`);
  return [text, `Shared in Teams (a SharePoint link; the file stays in the customer's SharePoint):`, ...lines].filter(Boolean).join("\n");
}

/**
 * Which case a personal-chat message with files is for: the number it names ("reply N
 * words", "case N", "#N", "N words"), else the case the sender last opened in chat
 * (recently viewed: `case N` or a card's Open). A chat with the bot has no threads, so
 * these are the two things that say which case a person has in mind; with neither, the
 * sender is asked to name it rather than the file being put on a guess.
 */
export function namedCase(text: string): { number?: string; rest: string } {
  const match = text.match(/^(?:(?:reply|case)\s+)?#?(\d{3,12})\b\s*([\s\S]*)$/i);
  return match ? { number: match[1], rest: match[2]!.trim() } : { rest: text };
}

/**
 * A personal-chat message with files: the message becomes a reply on the case (its text,
 * or a line naming the files), keyed by the activity so Teams' redelivery stores it once,
 * and the files to fetch are recorded in the outbox (core.email.attachments.request), both
 * before the turn is answered. The bytes are fetched after the answer by the Teams file
 * channel (file-fetcher.ts), in whichever process delivers: a OneDrive download of several
 * megabytes can outlast the 10-15 s Teams gives a turn before it delivers the activity
 * again, an acknowledgement must mean stored, and a process that stops after answering
 * must lose nothing. The sender is told the outcome when the files are fetched.
 */
export async function receivePersonalFiles(deps: TeamsDeps, context: TurnContext, text: string, deliveryId: string | undefined, mayWrite: boolean): Promise<void> {
  const files = sentFiles(context.activity);
  const ctx = teamsCtx(deps.core, context);
  const attachments = deps.core.email.attachments;
  let caseNumber: string | undefined;
  try {
    const named = namedCase(text);
    caseNumber = named.number;
    let ref: string | undefined = named.number;
    if (!ref) {
      const recent = (await deps.core.recent(ctx, 10)).find((r) => r.kind === "CASE");
      ref = recent?.id;
    }
    if (!ref) {
      await say(context, cards.buildNotice({ tone: "warning", title: "Which case is this file for?", text: "Send the file again with the case number in the message, for example: reply 10001 the log from this morning." }));
      return;
    }
    // Programs are refused before anything is stored or fetched (the same rule as every file on a case).
    const refused = files.map((f) => attachmentProblem({ name: f.name, size: 1 }, attachments.limits)).filter((p): p is string => Boolean(p));
    if (refused.length) {
      await say(context, cards.buildNotice({ tone: "warning", title: "Not attached", text: refused.join("\n") }));
      return;
    }
    const names = files.map((f) => f.name).join(", ");
    const result = await deps.core.cases.comment(ctx, ref, { body: named.rest || `Sent ${files.length === 1 ? "a file" : "files"} in Teams: ${names}`, externalId: deliveryId });
    caseNumber = result.case.number;
    const { tenantId, userId } = teamsUser(context);
    const asked = await attachments.request(ctx, result.case.id, {
      commentId: result.comment.id,
      from: { platform: "teams", tenantId, userId },
      files: files.map((f) => ({ id: f.id, name: f.name, url: f.address, contentType: f.contentType, inline: f.inline })),
      serviceUrl: context.activity.serviceUrl,
    });
    // A redelivery of a message whose files were already asked for changes nothing: it says whether they arrived yet.
    if (!asked.requested) {
      const arrived = (await attachments.list(ctx, result.case.id)).some((f) => f.commentId === result.comment.id);
      await say(context, cards.buildConfirmation(arrived ? `Already on case ${caseNumber}` : `Already being added to case ${caseNumber}`, names));
      return;
    }
    await say(context, cards.buildConfirmation(`Adding to case ${caseNumber}`, `${names}: you will see a message here when ${files.length === 1 ? "it is" : "they are"} attached.`));
  } catch (error) {
    const failure = toCaseError(error);
    if (mayWrite && isRetryable(failure.code)) throw error;
    await say(context, failure.code === "REOPEN_WINDOW_PASSED" && caseNumber ? reopenOffer(failure.message, caseNumber) : deps.interactions.refused(error).card);
  }
}

function say(context: TurnContext, card: cards.Card) {
  return context.sendActivity({ attachments: [attachment(card)], summary: card.surface === "message" ? card.summary : undefined });
}
