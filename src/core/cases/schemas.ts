import { z } from "zod";

/**
 * The inputs of the case service: the single source of their types. Messages are
 * the ones a user sees next to the field. Forms send "" for empty optional fields,
 * so those become undefined before validation.
 */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/**
 * Case.number is a PostgreSQL integer (int4): a number beyond it names no case, and
 * must be answered before it reaches a query (where it would fail the statement).
 */
export const CASE_NUMBER_MAX = 2_147_483_647;
export const isCaseNumber = (n: number) => Number.isInteger(n) && n >= 1 && n <= CASE_NUMBER_MAX;
const CASE_REF_FORMAT = "Enter a case number, e.g. 00010001.";
const caseIdSchema = z.uuid();

/** A case by number (10001, "00010001") or id. */
export const caseRefSchema = z
  .union([z.number(), z.string().trim()], { error: CASE_REF_FORMAT })
  .superRefine((ref, ctx) => {
    if (typeof ref === "string" && caseIdSchema.safeParse(ref).success) return;
    const number = typeof ref === "number" ? ref : /^\d{1,10}$/.test(ref) ? Number(ref) : undefined;
    if (number === undefined) ctx.addIssue({ code: "custom", message: CASE_REF_FORMAT });
    else if (!isCaseNumber(number)) ctx.addIssue({ code: "custom", message: "No case has that number." });
  });
export type CaseRef = z.infer<typeof caseRefSchema>;

export const caseTypeSchema = z.enum(["FEATURE_REQUEST", "HOW_TO", "TECHNICAL_ISSUE"], {
  error: "Choose a case type: Feature Request, How-To question or Technical Issue.",
});
export const severitySchema = z.enum(["S1", "S2", "S3", "S4"], { error: "Choose a severity from S1 to S4." });
/** A severity, S1 (most urgent) to S4: the one type for it. */
export type SeverityLevel = z.infer<typeof severitySchema>;

/**
 * The upper bounds the catalog may set (catalog.ts): the schemas accept up to these, and
 * the case service holds an input to the catalog's own `maxCc` and
 * `escalationDescriptionMax` (ccWithinCatalog below; the escalation check in
 * customer-actions.ts), so a documented setting is the limit users meet.
 */
export const CC_LIMIT = 20;
export const ESCALATION_DESCRIPTION_LIMIT = 3000;

/** The catalog's CC limit, with the message users see next to the field. */
export function ccProblem(cc: readonly string[] | undefined, maxCc: number): { field: "cc"; message: string } | undefined {
  if (!cc || cc.length <= maxCc) return undefined;
  return { field: "cc", message: maxCc === 0 ? "CC addresses are not used here: leave the field empty." : `Copy at most ${maxCc} email addresses.` };
}

const emailSchema = z.email({ error: "Enter valid email addresses." }).max(254);

/** Subjects are one line: a newline would break every notification title. */
const subjectSchema = z
  .string({ error: "Enter a subject." })
  .transform((s) => s.replace(/\s+/g, " ").trim())
  .pipe(z.string().min(1, "Enter a subject.").max(255, "Keep the subject to one short sentence (at most 255 characters)."));

export const credentialsSchema = z.object({
  username: z.string().trim().min(1, "Enter the test username, or leave both credential fields empty.").max(200),
  password: z.string().min(1, "Enter the test password, or leave both credential fields empty.").max(200),
});

/**
 * Where a case was asked for, so its card and thread can follow there after the
 * filing commits. Ids only, as the platform gave them to the adapter.
 */
export const caseOriginSchema = z.object({
  platform: z.enum(["slack", "teams"]),
  /** Slack team id; Teams tenant id. */
  tenantId: z.string().min(1).max(200),
  /** Slack: the channel (absent or unreachable: the user's DM). Teams: the conversation id without ";messageid=". */
  channelId: z.string().min(1).max(300).optional(),
  /** Teams: the channel thread the dialog was opened in, when it was; the card then joins that thread. */
  threadId: z.string().min(1).max(300).optional(),
  /** Who asked: the Slack user id; the Teams user's AAD object id. */
  userId: z.string().min(1).max(200),
});
export type CaseOrigin = z.infer<typeof caseOriginSchema>;

export const fileCaseSchema = z.object({
  /** The same key from the same person makes one case however often it is submitted. */
  idempotencyKey: z.string().min(8).max(200),
  accountId: z.uuid({ error: "Choose the account this case is about." }),
  caseType: caseTypeSchema,
  severity: severitySchema,
  subject: subjectSchema,
  description: z.string({ error: "Describe the issue." }).trim().min(1, "Describe the issue.").max(30_000, "The description is too long (at most 30,000 characters)."),
  product: z.string({ error: "Choose a product." }).min(1, "Choose a product.").max(100, "Choose a product."),
  feature: z.string({ error: "Choose a feature." }).min(1, "Choose a feature.").max(100, "Choose a feature."),
  pid: optional(z.string().trim().regex(/^\d{1,12}$/, "The partner ID (PID) is your account number: digits only. Put several PIDs in the description.")),
  exampleUrl: optional(z.url({ protocol: /^https?$/, error: "Enter a link starting with http:// or https://." }).max(2000)),
  stepsToReproduce: optional(z.string().max(10_000, "Steps to reproduce are too long (at most 10,000 characters).")),
  credentials: credentialsSchema.optional(),
  /** Defaults to the filer; another active contact of the account when filing on their behalf. */
  contactId: optional(z.uuid({ error: "Choose a contact of the account." })),
  phone: optional(z.string().trim().regex(/^[+()\d\s.-]{5,40}$/, "Enter a phone number of digits, spaces and + ( ) - .")),
  cc: z
    .preprocess(
      (v) => (typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : v),
      z.array(z.preprocess((e) => (typeof e === "string" ? e.trim().toLowerCase() : e), emailSchema)),
    )
    .default([])
    .transform((list) => [...new Set(list)])
    .refine((list) => list.length <= CC_LIMIT, `Copy at most ${CC_LIMIT} email addresses.`),
  /** The closed case this one continues, when a reply could no longer reopen it. */
  linkedFromCase: optional(caseRefSchema),
  /** Where the customer asked: the case card is posted there through the outbox. */
  origin: caseOriginSchema.optional(),
});
export type FileCaseInput = z.input<typeof fileCaseSchema>;

export const commentSchema = z.object({
  body: z.string({ error: "Write a reply." }).trim().min(1, "Write a reply.").max(30_000, "The reply is too long (at most 30,000 characters)."),
  /** Staff only: an internal note customers never see. */
  internal: z.boolean().default(false),
  /** The message's id on its platform, so a redelivered message makes one comment. */
  externalId: optional(z.string().max(300)),
  /** The chat thread the reply was written in: delivery does not echo it back there. */
  originThread: z.object({ platform: z.enum(["slack", "teams"]), channelId: z.string().max(300), threadId: z.string().max(300) }).optional(),
});
export type CommentInput = z.input<typeof commentSchema>;

export const caseViewSchema = z.enum(["mine", "open", "account", "closed"], {
  error: "Choose a view: mine, open, account or closed.",
});
export type CaseViewName = z.infer<typeof caseViewSchema>;

export const pageSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(10),
});
export type PageInput = z.input<typeof pageSchema>;

export const escalateSchema = z.object({
  reason: z.enum(
    [
      "CASE_UPDATE_NEEDED",
      "QUALITY_OF_INVESTIGATION",
      "PROLONGED_RESOLUTION_TIME",
      "TECHNICAL_SCOPE_INCREASED",
      "PRIORITY_FOR_CUSTOMER_ORGANIZATION",
      "REQUESTING_MANAGEMENT_ATTENTION",
    ],
    { error: "Choose a reason for the escalation." },
  ),
  description: z
    .string({ error: "Say what you need and what changed." })
    .trim()
    .min(1, "Say what you need and what changed.")
    .max(ESCALATION_DESCRIPTION_LIMIT, `Keep the description to ${ESCALATION_DESCRIPTION_LIMIT} characters.`),
  /** The submission's id on its platform: the same key from the same person on the same case makes one escalation however often it is delivered. */
  idempotencyKey: optional(z.string().max(300)),
});
export type EscalateInput = z.input<typeof escalateSchema>;

export const closeSchema = z
  .object({
    reason: z.enum(["RESOLVED", "SOLUTION_PROVIDED", "DUPLICATE", "NO_RESPONSE", "ACCOUNT_MATTERS", "OTHER"], {
      error: "Choose a closing reason.",
    }),
    note: optional(z.string().max(5_000)),
    duplicateOf: optional(caseRefSchema),
  })
  .refine((v) => v.reason !== "DUPLICATE" || v.duplicateOf !== undefined, {
    message: "Name the case this one duplicates.",
    path: ["duplicateOf"],
  });
export type CloseInput = z.input<typeof closeSchema>;

export const severityChangeSchema = z.object({
  severity: severitySchema,
  reason: z.string({ error: "Give the reason the customer will see." }).trim().min(1, "Give the reason the customer will see.").max(2_000, "Keep the reason to at most 2,000 characters."),
});

export const editDetailsSchema = z
  .object({
    description: z.string().trim().min(1, "Describe the issue.").max(30_000),
    pid: fileCaseSchema.shape.pid,
    exampleUrl: fileCaseSchema.shape.exampleUrl,
    stepsToReproduce: fileCaseSchema.shape.stepsToReproduce,
    phone: fileCaseSchema.shape.phone,
    cc: fileCaseSchema.shape.cc,
    contactId: fileCaseSchema.shape.contactId,
  })
  .partial();
