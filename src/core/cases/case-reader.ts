import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { isVendorSide, type Actor } from "../accounts/policy.ts";
import type { Catalog } from "../catalog.ts";
import type { Tx } from "../db/tx.ts";
import { CaseError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { caseInclude, commentInclude, escalationInclude, toCaseView, type CaseView } from "./presenter.ts";
import { caseRefSchema, type CaseRef } from "./schemas.ts";
import { attachmentSelect } from "../attachments/view.ts";

/** A case with everything its view shows: one statement (relationJoins), however many comments. */
export const fullCaseInclude = {
  ...caseInclude,
  comments: { include: commentInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
  escalations: { include: escalationInclude, orderBy: { createdAt: "asc" } },
  attachments: { select: attachmentSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
} satisfies Prisma.CaseInclude;
export type FullCaseRow = Prisma.CaseGetPayload<{ include: typeof fullCaseInclude }>;

/** The unique key of a case reference: its number ("00010001", 10001) or its id. */
export function caseWhere(ref: CaseRef, field = "case"): Prisma.CaseWhereUniqueInput {
  const parsed = parseInput(caseRefSchema, ref, { field });
  return typeof parsed === "number" || /^\d+$/.test(parsed) ? { number: Number(parsed) } : { id: parsed };
}

/**
 * Reads a case with its comments and escalations, or null when there is none: one
 * hand-written statement. The same read as `findUnique({ include: fullCaseInclude })`
 * (a test holds the two equal on a case with every relation), at about a third of the
 * client CPU: Prisma's include decoded each nested field through its type map, about
 * 3.5 ms of CPU per read of a demo case, and this read backs every case card, every
 * refresh and every notification's card (`npm run bench:hot-reads`).
 * The case's own columns come as `c.*`, typed by the driver; each comment and escalation
 * as its whole row (`to_jsonb`), so a column added later is read without a change here.
 */
export async function readFullCase(db: PrismaClient | Tx, where: Prisma.CaseWhereUniqueInput): Promise<FullCaseRow | null> {
  const [row] = await db.$queryRaw<RawFullCase[]>`
    SELECT c.*,
      json_build_object('id', a."id", 'name', a."name", 'timeZone', a."timeZone") AS "account",
      json_build_object('id', ct."id", 'name', ct."name", 'email', ct."email") AS "contact",
      CASE WHEN o."id" IS NULL THEN NULL ELSE json_build_object('id', o."id", 'name', o."name") END AS "owner",
      CASE WHEN pt."id" IS NULL THEN NULL ELSE json_build_object('id', pt."id", 'name', pt."name") END AS "partner",
      CASE WHEN d."id" IS NULL THEN NULL ELSE json_build_object('number', d."number") END AS "duplicateOf",
      CASE WHEN l."id" IS NULL THEN NULL ELSE json_build_object('number', l."number") END AS "linkedFrom",
      (SELECT coalesce(json_agg(to_jsonb(m) || jsonb_build_object('author', CASE WHEN p."id" IS NULL THEN NULL ELSE jsonb_build_object('id', p."id", 'name', p."name", 'kind', p."kind") END) ORDER BY m."createdAt", m."id"), '[]'::json)
         FROM "Comment" m LEFT JOIN "Person" p ON p."id" = m."authorId" WHERE m."caseId" = c."id") AS "comments",
      (SELECT coalesce(json_agg(to_jsonb(e) || jsonb_build_object('escalatedBy', jsonb_build_object('id', p."id", 'name', p."name")) ORDER BY e."createdAt", e."id"), '[]'::json)
         FROM "Escalation" e JOIN "Person" p ON p."id" = e."escalatedById" WHERE e."caseId" = c."id") AS "escalations",
      (SELECT coalesce(json_agg(json_build_object('id', f."id", 'name', f."name", 'contentType', f."contentType", 'size', f."size", 'source', f."source", 'commentId', f."commentId", 'createdAt', f."createdAt",
                'addedBy', CASE WHEN p."id" IS NULL THEN NULL ELSE json_build_object('id', p."id", 'name', p."name") END) ORDER BY f."createdAt", f."id"), '[]'::json)
         FROM "Attachment" f LEFT JOIN "Person" p ON p."id" = f."addedById" WHERE f."caseId" = c."id") AS "attachments"
    FROM "Case" c
    JOIN "Account" a ON a."id" = c."accountId"
    JOIN "Person" ct ON ct."id" = c."contactId"
    LEFT JOIN "Person" o ON o."id" = c."ownerId"
    LEFT JOIN "Partner" pt ON pt."id" = c."partnerId"
    LEFT JOIN "Case" d ON d."id" = c."duplicateOfId"
    LEFT JOIN "Case" l ON l."id" = c."linkedFromId"
    WHERE ${uniqueCaseSql(where)}`;
  if (!row) return null;
  return {
    ...row,
    comments: parseJsonRows<FullCaseRow["comments"][number]>(row.comments, ["createdAt"]),
    escalations: parseJsonRows<FullCaseRow["escalations"][number]>(row.escalations, ["createdAt"]),
    attachments: parseJsonRows<FullCaseRow["attachments"][number]>(row.attachments, ["createdAt"]),
  };
}

type RawFullCase = Omit<FullCaseRow, "comments" | "escalations" | "attachments"> & { comments: unknown; escalations: unknown; attachments: unknown };

/** The three ways a case is looked up (id, number, a filer's idempotency key), as SQL. */
function uniqueCaseSql(where: Prisma.CaseWhereUniqueInput): Prisma.Sql {
  if (typeof where.id === "string") return Prisma.sql`c."id" = ${where.id}::uuid`;
  if (typeof where.number === "number") return Prisma.sql`c."number" = ${where.number}`;
  const key = where.createdById_idempotencyKey;
  if (key) return Prisma.sql`c."createdById" = ${key.createdById}::uuid AND c."idempotencyKey" = ${key.idempotencyKey}`;
  throw new Error("readFullCase: look a case up by id, number or idempotency key");
}

/** Rows nested as JSON: timestamps arrive as ISO strings (PostgreSQL's json), turned back into Dates. */
function parseJsonRows<T>(value: unknown, dateKeys: string[]): T[] {
  const rows = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>[];
  for (const r of rows) for (const k of dateKeys) if (typeof r[k] === "string") r[k] = new Date(r[k]);
  return rows as T[];
}

/** Presents a case read by readFullCase for the actor (permission already checked). */
export function presentCase(actor: Actor, row: FullCaseRow, now: Date, catalog: Catalog): CaseView {
  const view = toCaseView(actor, row, row.comments, row.escalations, now, catalog);
  // A file that came with an internal note is as internal as the note.
  const internal = new Set(row.comments.filter((c) => c.visibility === "INTERNAL").map((c) => c.id));
  return { ...view, attachments: row.attachments.filter((f) => !f.commentId || !internal.has(f.commentId) || isVendorSide(actor)) };
}

/** Reads a case with its comments and escalations and presents it for the actor (permission already checked). */
export async function readCaseView(db: PrismaClient | Tx, actor: Actor, caseId: string, now: Date, catalog: Catalog): Promise<CaseView> {
  const row = await readFullCase(db, { id: caseId });
  if (!row) throw new CaseError("NOT_FOUND");
  return presentCase(actor, row, now, catalog);
}
