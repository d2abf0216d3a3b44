import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "../accounts/actors.ts";
import { recordAudit } from "../audit.ts";
import { assertCan, changeCase } from "../cases/case-access.ts";
import { caseWhere } from "../cases/case-reader.ts";
import type { CaseRef } from "../cases/schemas.ts";
import type { CoreDeps, Ctx } from "../deps.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { databaseFileStore, type FileStore } from "./storage.ts";
import { attachmentSelect, type AttachmentView } from "./view.ts";

export type { AttachmentView };

/**
 * Files on a case (logs, screenshots, recordings): who added them, from where, with
 * which reply. Adding one is a customer-side or staff change of the case ("answer",
 * the same right as replying), so whoever may reply may attach; reading one needs the
 * right to view its case. Bytes go through the FileStore (the database by default).
 */
export interface AttachmentLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most files one case may hold. */
  maxPerCase: number;
}

/** The shipped limits: 10 MiB a file (what common mail systems let through), 50 files a case. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 10 * 1024 * 1024, maxPerCase: 50 };

/**
 * Kinds a support case has no use for and a customer's colleague might be tricked into
 * running when staff forward them: refused whatever type the sender declared.
 */
const REFUSED_EXTENSIONS = new Set(["exe", "scr", "com", "bat", "cmd", "msi", "pif", "vbs", "vbe", "jse", "wsf", "hta", "cpl", "lnk"]);


/** What a caller hands in: the bytes and what the sender said they are. */
export interface NewAttachment {
  name: string;
  contentType?: string | null;
  content: Buffer;
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

/** Why a file may not be attached, in the sender's words, or null when it may. */
export function attachmentProblem(file: { name: string; size: number }, limits: AttachmentLimits): string | null {
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  if (REFUSED_EXTENSIONS.has(ext)) return `${file.name}: programs (.${ext}) cannot be attached to a case.`;
  if (file.size === 0) return `${file.name}: the file is empty.`;
  if (file.size > limits.maxBytes) return `${file.name}: files may be at most ${Math.floor(limits.maxBytes / (1024 * 1024))} MB.`;
  return null;
}


export function createAttachments(deps: CoreDeps, options: { store?: FileStore; limits?: AttachmentLimits } = {}) {
  const store = options.store ?? databaseFileStore(deps.prisma, () => deps.clock.now());
  const limits = options.limits ?? DEFAULT_ATTACHMENT_LIMITS;

  return {
    store,
    limits,

    /**
     * Attaches files to a case (and to one of its comments, when they came with it). All
     * or nothing: one refused file refuses the lot, with a message naming it.
     */
    add: async (ctx: Ctx, ref: CaseRef, files: NewAttachment[], with_: { commentId?: string } = {}): Promise<AttachmentView[]> => {
      const cleaned = files.map((f) => {
        const meta = parseInput(metaSchema, { name: f.name, contentType: f.contentType, size: f.content.length }, { field: "attachments" });
        return { name: cleanFileName(meta.name), contentType: cleanContentType(meta.contentType), content: f.content };
      });
      for (const f of cleaned) {
        const problem = attachmentProblem({ name: f.name, size: f.content.length }, limits);
        if (problem) throw new CaseError("VALIDATION", { field: "attachments", message: problem });
      }
      return changeCase(deps, ctx, ref, "answer", async ({ tx, actor, row, now }) => {
        const held = await tx.attachment.count({ where: { caseId: row.id } });
        if (held + cleaned.length > limits.maxPerCase) {
          throw new CaseError("VALIDATION", { field: "attachments", message: `A case may hold at most ${limits.maxPerCase} files; this one has ${held}.` });
        }
        if (with_.commentId) {
          const comment = await tx.comment.findUnique({ where: { id: with_.commentId }, select: { caseId: true } });
          if (comment?.caseId !== row.id) throw new CaseError("NOT_FOUND", { field: "comment", message: "That reply is not on this case." });
        }
        const addedById = "personId" in actor ? actor.personId : null;
        const ids: string[] = [];
        for (const f of cleaned) {
          const id = randomUUID();
          const storageKey = `${store.name === "database" ? "db" : store.name}:${id}`;
          await store.put(storageKey, f.content, tx);
          await tx.attachment.create({
            data: { id, caseId: row.id, commentId: with_.commentId ?? null, name: f.name, contentType: f.contentType, size: f.content.length, addedById, source: ctx.source, storageKey, createdAt: now },
          });
          ids.push(id);
        }
        await recordAudit(tx, {
          caseId: row.id,
          accountId: row.accountId,
          actor,
          action: "case.attachments",
          changes: { attachments: cleaned.map((f) => ({ name: f.name, size: f.content.length })) },
          source: ctx.source,
          at: now,
        });
        return tx.attachment.findMany({ where: { id: { in: ids } }, select: attachmentSelect, orderBy: { createdAt: "asc" } });
      });
    },

    /** The files of a case the actor may see, oldest first. */
    list: async (ctx: Ctx, ref: CaseRef): Promise<AttachmentView[]> => {
      const [actor, row] = await Promise.all([loadActor(deps.prisma, ctx.actor), deps.prisma.case.findUnique({ where: caseWhere(ref), select: { id: true, accountId: true, partnerId: true } })]);
      if (!row) throw new CaseError("NOT_FOUND", { field: "case", message: "No case with that number is visible to you." });
      assertCan(actor, "view", row);
      return deps.prisma.attachment.findMany({ where: { caseId: row.id }, select: attachmentSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    },

    /** One file with its bytes, for a viewer of its case; anyone else is told it does not exist. */
    open: async (ctx: Ctx, attachmentId: string): Promise<AttachmentView & { content: Buffer }> => {
      const id = parseInput(z.uuid(), attachmentId, { field: "attachment" });
      const [actor, found] = await Promise.all([
        loadActor(deps.prisma, ctx.actor),
        deps.prisma.attachment.findUnique({ where: { id }, select: { ...attachmentSelect, storageKey: true, case: { select: { accountId: true, partnerId: true } } } }),
      ]);
      if (!found) throw new CaseError("NOT_FOUND", { field: "attachment" });
      try {
        assertCan(actor, "view", found.case);
      } catch {
        throw new CaseError("NOT_FOUND", { field: "attachment" });
      }
      const content = await store.get(found.storageKey);
      if (!content) throw new CaseError("NOT_FOUND", { field: "attachment", message: "That file is no longer stored." });
      const { storageKey: _key, case: _case, ...view } = found;
      return { ...view, content };
    },
  };
}

export type Attachments = ReturnType<typeof createAttachments>;
