import { TurnContext, type Activity, type ConversationReference } from "botbuilder";
import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { attachmentProblem, type NewAttachment } from "../../core/attachments/attachments.ts";
import { isRetryable, toCaseError } from "../../core/errors.ts";
import type { Ctx } from "../../core/index.ts";
import { reopenOffer } from "../../interactions/index.ts";
import { downloadFile, fileUrlProblem, type FileHostPolicy } from "./file-download.ts";
import { teamsCtx } from "./identity.ts";
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
 * Both are fetched (file-download.ts: trusted hosts, byte limit) and attached to the case.
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
  name: string;
  address: string;
  /** An inline image: on the Bot Connector, fetched with the bot's token. */
  inline: boolean;
}

/** The files of a personal-chat message: OneDrive uploads and inline images. */
export function sentFiles(activity: Pick<Activity, "attachments">): SentFile[] {
  const files: SentFile[] = [];
  for (const raw of activity.attachments ?? []) {
    const upload = downloadInfoSchema.safeParse(raw);
    if (upload.success) {
      const { name, content } = upload.data;
      files.push({ name: name || `${content.uniqueId ?? "file"}${content.fileType ? `.${content.fileType}` : ""}`, address: content.downloadUrl, inline: false });
      continue;
    }
    const image = inlineImageSchema.safeParse(raw);
    if (image.success) {
      const ext = image.data.contentType.split("/")[1]?.replace(/[^a-z0-9]/gi, "") || "png";
      files.push({ name: image.data.name || `image-${files.length + 1}.${ext === "*" ? "png" : ext}`, address: image.data.contentUrl, inline: true });
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

/** Files being fetched, by the reply they came with: a redelivery meanwhile does not fetch them again. */
const inFlight = new Set<string>();

/**
 * A personal-chat message with files: the message becomes a reply on the case (its text,
 * or a line naming the files), stored before the turn is answered, and keyed by the
 * activity, so Teams' redelivery stores it once. The bytes are fetched after the turn is
 * answered: a OneDrive download of several megabytes can outlast the 10-15 s Teams gives
 * a turn before it times out and delivers the activity again, and an acknowledgement
 * must mean stored. What was sent is stored first (the reply names each file); the files
 * then join that reply, and the sender is told the outcome either way.
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
    const commentId = result.comment.id;
    // A redelivery of a message whose files already joined its reply changes nothing.
    const held = await attachments.list(ctx, result.case.id);
    if (held.some((f) => f.commentId === commentId) || inFlight.has(commentId)) {
      await say(context, cards.buildConfirmation(`Already on case ${caseNumber}`, names));
      return;
    }
    await say(context, cards.buildConfirmation(`Adding to case ${caseNumber}`, `${names}: you will see a message here when ${files.length === 1 ? "it is" : "they are"} attached.`));
    inFlight.add(commentId);
    const later = {
      adapter: context.adapter,
      identity: context.turnState.get(context.adapter.BotIdentityKey),
      reference: TurnContext.getConversationReference(context.activity),
      token: inlineImageToken(context),
      serviceOrigin: originOf(context.activity.serviceUrl),
    };
    void attachAfterTurn(deps, ctx, { caseId: result.case.id, caseNumber, commentId, files }, later).finally(() => inFlight.delete(commentId));
  } catch (error) {
    const failure = toCaseError(error);
    if (mayWrite && isRetryable(failure.code)) throw error;
    await say(context, failure.code === "REOPEN_WINDOW_PASSED" && caseNumber ? reopenOffer(failure.message, caseNumber) : deps.interactions.refused(error).card);
  }
}

interface AfterTurn {
  adapter: TurnContext["adapter"];
  identity: unknown;
  reference: Partial<ConversationReference>;
  token: () => Promise<string | undefined>;
  serviceOrigin: string | undefined;
}

/** Fetches the files, attaches them to the reply they came with, and tells the sender. Never throws: it runs after the turn. */
async function attachAfterTurn(
  deps: TeamsDeps,
  ctx: Ctx,
  job: { caseId: string; caseNumber: string; commentId: string; files: SentFile[] },
  later: AfterTurn,
): Promise<void> {
  const attachments = deps.core.email.attachments;
  const maxBytes = attachments.limits.maxBytes;
  const fetched: NewAttachment[] = [];
  const problems: string[] = [];
  try {
    for (const file of job.files) {
      const tooLarge = `files may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`;
      // Inline images live on the Bot Connector this activity came from (its serviceUrl, already checked by the route); only there does the bot's token go.
      const onConnector = file.inline && later.serviceOrigin !== undefined && originOf(file.address) === later.serviceOrigin;
      const token = onConnector ? await later.token() : undefined;
      const got = await downloadFile(deps.fileHosts, file.address, { maxBytes, tooLarge, authorization: token ? `Bearer ${token}` : undefined, trusted: onConnector ? (hop) => originOf(hop) === later.serviceOrigin : undefined });
      if (got.ok) fetched.push({ name: file.name, contentType: got.contentType, content: got.content });
      else problems.push(`${file.name}: ${got.problem}.`);
    }
    if (problems.length) deps.logger.warn({ case: job.caseNumber, refused: problems.length }, "teams files not attached");
    let added: string[] = [];
    if (fetched.length) {
      try {
        added = (await attachments.add(ctx, job.caseId, fetched, { commentId: job.commentId })).map((f) => f.name);
      } catch (error) {
        problems.push(toCaseError(error).message);
      }
    }
    const card = added.length
      ? cards.buildConfirmation(`Attached to case ${job.caseNumber}`, [added.join(", "), ...problems.map((p) => `Not attached: ${p}`)].join("\n"))
      : cards.buildNotice({ tone: "warning", title: `Not attached to case ${job.caseNumber}`, text: problems.join("\n") || "Nothing arrived." });
    // The turn's own validated identity (CloudAdapter keeps it under BotIdentityKey) sends the answer, as the turn's reply would have.
    await later.adapter.continueConversationAsync((later.identity ?? "") as string, later.reference, async (turn) => {
      await say(turn, card);
    });
  } catch (error) {
    deps.logger.error({ err: error, case: job.caseNumber }, "teams files: attaching after the turn failed");
  }
}

function originOf(address: string | undefined): string | undefined {
  try {
    return address ? new URL(address).origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bot's own access token, for an inline image on the Bot Connector; none in local
 * mode (no app id, and the local connector asks for none).
 */
function inlineImageToken(context: TurnContext): () => Promise<string | undefined> {
  const client = context.turnState.get(context.adapter.ConnectorClientKey) as { credentials?: { appId?: string; getToken?: () => Promise<string> } } | undefined;
  const credentials = client?.credentials;
  return async () => (credentials?.appId && credentials.getToken ? credentials.getToken() : undefined);
}

function say(context: TurnContext, card: cards.Card) {
  return context.sendActivity({ attachments: [attachment(card)], summary: card.surface === "message" ? card.summary : undefined });
}
