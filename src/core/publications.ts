import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActor } from "./accounts/actors.ts";
import { isVendorSide } from "./accounts/policy.ts";
import { recordAudit } from "./audit.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { CaseError } from "./errors.ts";
import { parseInput } from "./validation.ts";

const publishSchema = z.object({
  kind: z.enum(["PRODUCT_UPDATE", "RCA"]),
  title: z.string().trim().min(1, "Give a title.").max(200),
  body: z.string().trim().min(1, "Write the text.").max(100_000),
  /** RCAs: the severity of the incident; RCAs are published for S1 incidents only. */
  severity: z.enum(["S1", "S2", "S3", "S4"]).optional(),
});

/** Product updates and RCAs (published for S1 incidents only), newest first: readable by anyone known. */
export function createPublications(deps: CoreDeps) {
  return {
    /** Staff publish product updates and RCAs; an RCA must be for an S1 incident. */
    publish: async (ctx: Ctx, raw: z.input<typeof publishSchema>) => {
      const input = parseInput(publishSchema, raw);
      const actor = await loadActor(deps.prisma, ctx.actor);
      if (!isVendorSide(actor)) throw new CaseError("FORBIDDEN", { message: "Only support staff publish product updates and RCAs." });
      if (input.kind === "RCA" && input.severity !== "S1") {
        throw new CaseError("VALIDATION", { field: "severity", message: "RCAs are published for S1 incidents only." });
      }
      const now = deps.clock.now();
      const id = randomUUID();
      await deps.prisma.$transaction(async (tx) => {
        await tx.publication.create({ data: { id, kind: input.kind, title: input.title, body: input.body, publishedAt: now, publishedBy: "personId" in actor ? actor.personId : "00000000-0000-0000-0000-000000000000" } });
        await recordAudit(tx, { actor, action: "publication.published", changes: { id, kind: input.kind, title: input.title }, source: ctx.source, at: now });
      });
      return { id };
    },

    read: async (ctx: Ctx, rawId: string) => {
      // An id that is not a uuid names no publication: "not found", never a database error.
      const id = z.uuid().safeParse(rawId);
      await loadActor(deps.prisma, ctx.actor);
      if (!id.success) throw new CaseError("NOT_FOUND");
      const row = await deps.prisma.publication.findUnique({ where: { id: id.data } });
      if (!row) throw new CaseError("NOT_FOUND");
      return row;
    },

    latest: async (ctx: Ctx, kind: "PRODUCT_UPDATE" | "RCA", limit = 5) => {
      await loadActor(deps.prisma, ctx.actor);
      return deps.prisma.publication.findMany({
        where: { kind },
        select: { id: true, title: true, publishedAt: true },
        orderBy: { publishedAt: "desc" },
        take: Math.min(Math.max(limit, 1), 50),
      });
    },
  };
}
