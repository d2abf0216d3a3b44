import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { recordAudit } from "../audit.ts";
import { assertCan, changeCase } from "../cases/case-access.ts";
import { caseWhere } from "../cases/case-reader.ts";
import type { CaseRef } from "../cases/schemas.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { formatCaseNumber } from "../cases/presenter.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { isVendorSide } from "../accounts/policy.ts";
import { enqueueNotification } from "../notify/outbox.ts";
import type { NotificationPayload } from "../notify/events.ts";
import { DEFAULT_ATTACHMENT_LIMITS, DEFAULT_REFUSED_EXTENSIONS, sizeInWords, type AttachmentLimits } from "./limits.ts";
import { databaseFileStore, type FileStore } from "./storage.ts";
import { attachmentSelect, type AttachmentView } from "./view.ts";

export type { AttachmentView };

/**
 * Files on a case (logs, screenshots, recordings): who added them, from where, with
 * which reply. Adding one is a customer-side or staff change of the case ("answer",
 * the same right as replying), so whoever may reply may attach; reading one needs the
 * right to view its case. Bytes go through the FileStore (the database by default).
 */
export type { AttachmentLimits };
export { DEFAULT_ATTACHMENT_LIMITS };

/** What a caller hands in: the bytes and what the sender said they are. */
export interface NewAttachment {
  name: string;
  contentType?: string | null;
  content: Buffer;
  /**
   * The platform's id of the file (e.g. "slack:T1:F123"): adding the same file to the same
   * case again (a fetch retried after a crash) returns the file already attached instead of
   * a second copy.
   */
  externalId?: string;
}

/** A file a platform says it has for a case, before carebot fetched it. */
export interface SharedFile {
  id: string;
  name?: string | null;
  /** What the platform declares; checked again against the bytes when they arrive. */
  size?: number | null;
  /** Where the bytes are, when the platform sent a link rather than an id to look up (Teams). */
  url?: string | null;
  contentType?: string | null;
  /** A Teams inline image: on the Bot Connector of `FilesToFetch.serviceUrl`. */
  inline?: boolean | null;
}

/** Files to fetch from a chat platform and attach (issue 14): see `request`. */
export interface FilesToFetch {
  commentId?: string | null;
  from: NotificationPayload<"case.files_shared">["from"];
  files: SharedFile[];
  /** Where to tell the sender about a file that is refused when it arrives. */
  thread?: { channelId: string; threadId: string } | null;
  /** The Teams Bot Connector the message came from (inline images live there). */
  serviceUrl?: string | null;
}

const metaSchema = z.object({
  name: z.string().max(1000),
  contentType: z.string().max(255).nullish(),
  size: z.number().int().min(0),
});

/**
 * A file name safe to show and to offer as a download name: no folders (either slash),
 * no control or bidirectional-override characters, no leading dots, at most 200
 * characters (keeping the extension), never empty.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  let name = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").replace(/^[.\s]+/, "").trim();
  if (name.length > 200) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = name.slice(0, 200 - ext.length) + ext;
  }
  return name || "attachment";
}

/** A MIME type as `type/subtype` in lower case; anything else is application/octet-stream. */
export function cleanContentType(raw: string | null | undefined): string {
  const type = (raw ?? "").split(";")[0]!.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(type) ? type : "application/octet-stream";
}

/**
 * Why a file may not be attached, in the sender's words, naming the limit, or null when it
 * may. `size` may be unknown (a platform that did not say): then only the name is judged.
 */
export function attachmentProblem(file: { name: string; size?: number | null }, limits: AttachmentLimits): string | null {
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  const refused = limits.refusedExtensions ?? DEFAULT_REFUSED_EXTENSIONS;
  if (ext && refused.includes(ext)) {
    return DEFAULT_REFUSED_EXTENSIONS.includes(ext) ? `${file.name}: programs (.${ext}) cannot be attached to a case.` : `${file.name}: files of type .${ext} cannot be attached to a case.`;
  }
  if (file.size === 0) return `${file.name}: the file is empty.`;
  if (typeof file.size === "number" && file.size > limits.maxBytes) return `${file.name} is ${sizeInWords(file.size)}; files may be at most ${sizeInWords(limits.maxBytes)}.`;
  return null;
}

/** The refusal when a case would hold more files than allowed, in the sender's words. */
function tooMany(limits: AttachmentLimits, held: number, adding: number): CaseError {
  return new CaseError("VALIDATION", {
    field: "files",
    message: `A case may hold at most ${limits.maxPerCase} files; this one has ${held}${adding > 1 ? `, and these are ${adding} more` : ""}.`,
  });
}

/**
 * The same file on the same case gets the same id: a uuid-shaped digest of the case and
 * the platform's file id, so a retried fetch finds what an earlier attempt stored.
 */
function idOfExternal(caseId: string, externalId: string): string {
  const h = createHash("sha256").update(`carebot attachment\u0000${caseId}\u0000${externalId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Files of internal notes are as internal as the notes: vendor staff only. */
function visibleTo(actor: Parameters<typeof isVendorSide>[0]) {
  return isVendorSide(actor) ? {} : { OR: [{ commentId: null }, { comment: { visibility: { not: "INTERNAL" as const } } }] };
}


export function createAttachments(deps: CoreDeps, options: { store?: FileStore; limits?: AttachmentLimits } = {}) {
  const store = options.store ?? databaseFileStore(deps.prisma, () => deps.clock.now());
  const limits = options.limits ?? deps.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS;

  /** Refuses the lot when one file may not be attached (a VALIDATION error naming it and the limit). */
  function check(files: { name: string; size?: number | null }[]): void {
    for (const f of files) {
      const problem = attachmentProblem({ name: cleanFileName(f.name), size: f.size }, limits);
      if (problem) throw new CaseError("VALIDATION", { field: "files", message: problem });
    }
    if (files.length > limits.maxPerCase) throw tooMany(limits, 0, files.length);
  }

  /** Signs a download link for one person (set by the server's start-up when links can be signed: src/email/start.ts). */
  let signer: ((attachmentId: string, personId: string) => string) | undefined;

  return {
    store,
    limits,
    check,

    /**
     * How links to files are signed (src/files/file-links.ts, with EMAIL_TOKEN_KEY): handed in
     * by whoever serves them, so the core neither holds the key nor knows the address.
     */
    signLinksWith(sign: (attachmentId: string, personId: string) => string): void {
      signer = sign;
    },

    /**
     * Download links for one reader (the actor), for a card shown to them alone (Details,
     * `show`): each names that reader, so a forwarded link opens nothing for anyone else,
     * and opening it asks the permission check again. None when links cannot be signed
     * here or the actor is not a person.
     */
    linksFor: async (ctx: Ctx): Promise<((attachmentId: string) => string) | undefined> => {
      if (!signer) return undefined;
      const sign = signer;
      const actor = await loadActor(deps.prisma, ctx.actor);
      return "personId" in actor ? (attachmentId) => sign(attachmentId, actor.personId) : undefined;
    },

    /**
     * Attaches files to a case (and to one of its comments, when they came with it). All
     * or nothing: one refused file refuses the lot, with a message naming it and the limit.
     * A file with an externalId already on the case is returned as it is, not added again.
     */
    add: async (ctx: Ctx, ref: CaseRef, files: NewAttachment[], with_: { commentId?: string } = {}): Promise<AttachmentView[]> => {
      const cleaned = files.map((f) => {
        const meta = parseInput(metaSchema, { name: f.name, contentType: f.contentType, size: f.content.length }, { field: "files" });
        return { name: cleanFileName(meta.name), contentType: cleanContentType(meta.contentType), content: f.content, externalId: f.externalId };
      });
      check(cleaned.map((f) => ({ name: f.name, size: f.content.length })));
      return changeCase(deps, ctx, ref, "answer", async ({ tx, actor, row, now }) => {
        const planned = cleaned.map((f) => ({ ...f, id: f.externalId ? idOfExternal(row.id, f.externalId) : randomUUID() }));
        const already = new Set((await tx.attachment.findMany({ where: { id: { in: planned.map((f) => f.id) } }, select: { id: true } })).map((a) => a.id));
        const fresh = planned.filter((f) => !already.has(f.id));
        const held = await tx.attachment.count({ where: { caseId: row.id } });
        if (held + fresh.length > limits.maxPerCase) throw tooMany(limits, held, fresh.length);
        if (with_.commentId) {
          const comment = await tx.comment.findUnique({ where: { id: with_.commentId }, select: { caseId: true } });
          if (comment?.caseId !== row.id) throw new CaseError("NOT_FOUND", { field: "comment", message: "That reply is not on this case." });
        }
        const addedById = "personId" in actor ? actor.personId : null;
        for (const f of fresh) {
          const storageKey = `${store.name === "database" ? "db" : store.name}:${f.id}`;
          await store.put(storageKey, f.content, tx);
          await tx.attachment.create({
            data: { id: f.id, caseId: row.id, commentId: with_.commentId ?? null, name: f.name, contentType: f.contentType, size: f.content.length, addedById, source: ctx.source, storageKey, createdAt: now },
          });
        }
        if (fresh.length > 0) {
          await recordAudit(tx, {
            caseId: row.id,
            accountId: row.accountId,
            actor,
            action: "case.attachments",
            changes: { attachments: fresh.map((f) => ({ name: f.name, size: f.content.length })) },
            source: ctx.source,
            at: now,
          });
        }
        // In the order they were given (rows written in one statement share a timestamp, and their ids are random).
        const rows = await tx.attachment.findMany({ where: { id: { in: planned.map((f) => f.id) } }, select: attachmentSelect });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return planned.flatMap((f) => byId.get(f.id) ?? []);
      });
    },

    /**
     * Files shared on a chat platform that carebot has still to fetch: checked now by what
     * the platform declares (name, size, how many), so the sender hears at once about a
     * file that cannot be attached, and recorded in the outbox for the platform's file
     * channel to fetch and attach after the platform's request was answered (a download
     * may take longer than Slack's 3-second ack, and an outbox row survives a crash).
     * Whoever may reply may ask. Asking again for the same files of the same comment (a
     * redelivered event) records nothing new.
     */
    request: async (ctx: Ctx, ref: CaseRef, input: FilesToFetch): Promise<{ requested: boolean }> => {
      if (input.files.length === 0) return { requested: false };
      check(input.files.map((f) => ({ name: f.name ?? "file", size: f.size })));
      return changeCase(deps, ctx, ref, "answer", async ({ tx, row, now }) => {
        const held = await tx.attachment.count({ where: { caseId: row.id } });
        if (held + input.files.length > limits.maxPerCase) throw tooMany(limits, held, input.files.length);
        if (input.commentId) {
          const comment = await tx.comment.findUnique({ where: { id: input.commentId }, select: { caseId: true } });
          if (comment?.caseId !== row.id) throw new CaseError("NOT_FOUND", { field: "comment", message: "That reply is not on this case." });
        }
        const key = `${input.from.platform}:${input.from.tenantId}:${input.commentId ?? "case"}:${input.files.map((f) => f.id).join(",")}`;
        const asked = await tx.notification.findFirst({ where: { caseId: row.id, event: "case.files_shared", payload: { path: ["key"], equals: key } }, select: { id: true } });
        if (asked) return { requested: false };
        await enqueueNotification(tx, {
          caseId: row.id,
          event: "case.files_shared",
          payload: {
            number: formatCaseNumber(row.number),
            subject: row.subject,
            key,
            commentId: input.commentId ?? null,
            from: input.from,
            // A link and type only when the platform gave one (Teams): Slack's payloads stay as they were.
            files: input.files.map((f) => ({ id: f.id, name: f.name ?? null, ...(f.url ? { url: f.url, contentType: f.contentType ?? null, inline: f.inline ?? false } : {}) })),
            thread: input.thread ?? null,
            ...(input.serviceUrl ? { serviceUrl: input.serviceUrl } : {}),
          },
          at: now,
        });
        return { requested: true };
      });
    },

    /** The files of a case the actor may see, oldest first (files of internal notes: vendor staff only). */
    list: async (ctx: Ctx, ref: CaseRef): Promise<AttachmentView[]> => {
      const [actor, row] = await Promise.all([loadActor(deps.prisma, ctx.actor), deps.prisma.case.findUnique({ where: caseWhere(ref), select: { id: true, accountId: true, partnerId: true } })]);
      if (!row) throw new CaseError("NOT_FOUND", { field: "case", message: "No case with that number is visible to you." });
      assertCan(actor, "view", row);
      return deps.prisma.attachment.findMany({ where: { caseId: row.id, ...visibleTo(actor) }, select: attachmentSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    },

    /**
     * One file with its bytes, for a viewer of its case (a file of an internal note: vendor
     * staff only); anyone else is told it does not exist, exactly as for a file that does not.
     */
    open: async (ctx: Ctx, attachmentId: string): Promise<AttachmentView & { content: Buffer }> => {
      const id = parseInput(z.uuid(), attachmentId, { field: "attachment" });
      const [actor, found] = await Promise.all([
        loadActor(deps.prisma, ctx.actor),
        deps.prisma.attachment.findUnique({
          where: { id },
          select: { ...attachmentSelect, storageKey: true, case: { select: { accountId: true, partnerId: true } }, comment: { select: { visibility: true } } },
        }),
      ]);
      if (!found) throw new CaseError("NOT_FOUND", { field: "attachment" });
      try {
        assertCan(actor, "view", found.case);
      } catch {
        throw new CaseError("NOT_FOUND", { field: "attachment" });
      }
      if (found.comment?.visibility === "INTERNAL" && !isVendorSide(actor)) throw new CaseError("NOT_FOUND", { field: "attachment" });
      const content = await store.get(found.storageKey);
      if (!content) throw new CaseError("NOT_FOUND", { field: "attachment", message: "That file is no longer stored." });
      const { storageKey: _key, case: _case, comment: _comment, ...view } = found;
      return { ...view, content };
    },
  };
}

export type Attachments = ReturnType<typeof createAttachments>;
