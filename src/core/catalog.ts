import { readFileSync } from "node:fs";
import { z } from "zod";
import { CC_LIMIT, ESCALATION_DESCRIPTION_LIMIT } from "./cases/schemas.ts";
import { CaseError } from "./errors.ts";
import { DEFAULT_SERVICE_LEVELS, serviceLevelsSchema } from "./sla/targets.ts";

/**
 * Everything vendor-specific is configuration: products and features, severity
 * definitions, escalation and closing reasons, timers, the escalation
 * acknowledgement policy. The defaults are the spec's values
 * (../shared/spec/case-workflow.md); a catalog file may override any key.
 */

const severityKey = z.enum(["S1", "S2", "S3", "S4"]);

const productSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]{1,40}$/, "a product key is 1-40 lowercase letters, digits or dashes"),
  name: z.string().min(1).max(75),
  features: z
    .array(z.object({ key: z.string().regex(/^[a-z0-9-]{1,40}$/), name: z.string().min(1).max(75) }))
    .min(1),
});

export const catalogSchema = z
  .object({
    products: z.array(productSchema).min(1).max(100),
    severities: z.record(
      severityKey,
      z.object({ name: z.string().min(1), summary: z.string().min(1), examples: z.array(z.string()) }),
    ),
    severityFacts: z.array(z.string()),
    escalationReasons: z.record(
      z.enum([
        "CASE_UPDATE_NEEDED",
        "QUALITY_OF_INVESTIGATION",
        "PROLONGED_RESOLUTION_TIME",
        "TECHNICAL_SCOPE_INCREASED",
        "PRIORITY_FOR_CUSTOMER_ORGANIZATION",
        "REQUESTING_MANAGEMENT_ATTENTION",
      ]),
      z.object({ label: z.string().min(1), help: z.string().min(1) }),
    ),
    closeReasons: z.record(
      z.enum(["RESOLVED", "SOLUTION_PROVIDED", "DUPLICATE", "NO_RESPONSE", "ACCOUNT_MATTERS", "OTHER"]),
      z.object({ label: z.string().min(1) }),
    ),
    timers: z.object({
      reminderAfterDays: z.number().int().positive(),
      autoCloseAfterDays: z.number().int().positive(),
      reopenWindowDays: z.number().int().positive(),
      credentialsPurgeAfterDays: z.number().int().nonnegative(),
    }),
    /** The acknowledgement a customer gets at once when escalating, by the case's severity. */
    escalationAcknowledgement: z.record(severityKey, z.string().min(1)),
    maxCc: z.number().int().min(0).max(CC_LIMIT),
    /** Links the home dashboard offers (knowledge center, documentation, status page). */
    knowledgeLinks: z.array(z.object({ title: z.string().min(1).max(75), url: z.url({ protocol: /^https?$/ }) })).max(10),
    escalationDescriptionMax: z.number().int().positive().max(ESCALATION_DESCRIPTION_LIMIT),
    /** Response targets, business hours and alerts (src/core/sla/targets.ts); the documented defaults when absent. */
    serviceLevels: serviceLevelsSchema.optional(),
  })
  .strict()
  .refine((c) => c.timers.autoCloseAfterDays > c.timers.reminderAfterDays, {
    message: "timers.autoCloseAfterDays must be greater than timers.reminderAfterDays",
    path: ["timers", "autoCloseAfterDays"],
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogProduct = Catalog["products"][number];

export const DEFAULT_CATALOG: Catalog = {
  products: [
    {
      key: "video-portal",
      name: "Video Portal (MediaSpace)",
      features: [
        { key: "login-sso", name: "Log-in and SSO" },
        { key: "channels", name: "Channels and galleries" },
        { key: "search", name: "Search" },
        { key: "upload", name: "Upload" },
        { key: "modules", name: "Modules and configuration" },
      ],
    },
    {
      key: "management-console",
      name: "Management Console (KMC)",
      features: [
        { key: "login", name: "Log-in" },
        { key: "entries", name: "Entries and metadata" },
        { key: "access-control", name: "Access control" },
        { key: "categories", name: "Categories" },
        { key: "bulk-upload", name: "Bulk upload" },
      ],
    },
    {
      key: "player",
      name: "Video Player",
      features: [
        { key: "playback", name: "Playback" },
        { key: "embed", name: "Embedding" },
        { key: "plugins", name: "Plugins" },
        { key: "accessibility", name: "Accessibility" },
      ],
    },
    {
      key: "live",
      name: "Live Streaming and Webcasting",
      features: [
        { key: "webcast", name: "Webcasting events" },
        { key: "live-entries", name: "Live entries" },
        { key: "recording", name: "Live recording" },
        { key: "encoders", name: "Encoders and ingest" },
      ],
    },
    {
      key: "ingest",
      name: "Uploads, Imports and Transcoding",
      features: [
        { key: "upload", name: "Upload" },
        { key: "import", name: "Import from URL" },
        { key: "transcoding", name: "Transcoding and flavors" },
        { key: "drop-folders", name: "Drop folders" },
      ],
    },
    {
      key: "captions",
      name: "Transcription and Captioning (REACH)",
      features: [
        { key: "machine", name: "Machine captions" },
        { key: "professional", name: "Professional captions" },
        { key: "translation", name: "Translation" },
        { key: "caption-editor", name: "Caption editor" },
      ],
    },
    {
      key: "analytics",
      name: "Analytics",
      features: [
        { key: "dashboards", name: "Dashboards" },
        { key: "reports", name: "Reports and exports" },
        { key: "live-analytics", name: "Live analytics" },
      ],
    },
    {
      key: "api",
      name: "APIs and SDKs",
      features: [
        { key: "rest", name: "REST API" },
        { key: "sdks", name: "Client SDKs" },
        { key: "sessions", name: "Sessions and authentication" },
        { key: "notifications", name: "Event notifications" },
      ],
    },
    {
      key: "lms",
      name: "LMS Integrations (LTI / KAF)",
      features: [
        { key: "lti", name: "LTI" },
        { key: "kaf", name: "KAF" },
        { key: "gradebook", name: "Quizzes and gradebook" },
      ],
    },
  ],
  severities: {
    S1: {
      name: "Essential",
      summary: "The platform is unavailable for all of your users, or a critical service is out.",
      examples: [
        "video playback is out",
        "no user can log in to the video portal (MediaSpace)",
        "no user can reach webcasting or live streaming",
        "the APIs fail consistently where they worked before",
      ],
    },
    S2: {
      name: "High",
      summary: "A critical service is degraded (a workaround may be given), or one of these services is out.",
      examples: [
        "media uploads, imports or transcoding are out",
        "transcription and captioning are out",
        "no user can log in to the management console (KMC)",
        "analytics are out",
      ],
    },
    S3: {
      name: "Medium",
      summary: "Moderate impact on your business, operations or workflow.",
      examples: [
        "an S2 service performs poorly",
        "a few users are affected",
        "a single application or component, with moderate to minimal impact",
      ],
    },
    S4: {
      name: "Low",
      summary: "No direct impact on your business or operations.",
      examples: [
        "a cosmetic issue in the user interface",
        "questions about capabilities or custom configuration",
        "a problem of one known user",
        "feature requests",
      ],
    },
  },
  severityFacts: [
    "How many users are affected",
    "Scope (one player or all players)",
    "Degraded or unavailable",
    "When it began, and whether it ever worked",
    "Steps to reproduce",
    "Versions (player, LTI or KAF)",
    "Error strings",
    "Logs",
  ],
  escalationReasons: {
    CASE_UPDATE_NEEDED: { label: "Case Update Needed", help: "You need an update on the case." },
    QUALITY_OF_INVESTIGATION: {
      label: "Quality of Investigation",
      help: "The investigation so far does not address the problem.",
    },
    PROLONGED_RESOLUTION_TIME: {
      label: "Prolonged Resolution Time",
      help: "The case is taking longer than your business can wait.",
    },
    TECHNICAL_SCOPE_INCREASED: {
      label: "Technical Scope Increased",
      help: "More users, services or systems are affected than when you filed.",
    },
    PRIORITY_FOR_CUSTOMER_ORGANIZATION: {
      label: "Priority for Customer Organization",
      help: "A deadline or business event makes this urgent for your organisation.",
    },
    REQUESTING_MANAGEMENT_ATTENTION: {
      label: "Requesting Management Attention",
      help: "Skips the engineer and goes to management. Choose it only if an earlier escalation got no answer or an unsatisfying one.",
    },
  },
  closeReasons: {
    RESOLVED: { label: "Resolved (confirmed by the customer)" },
    SOLUTION_PROVIDED: { label: "Solution provided" },
    DUPLICATE: { label: "Duplicate" },
    NO_RESPONSE: { label: "No response from customer" },
    ACCOUNT_MATTERS: { label: "Account matters (for the CSM)" },
    OTHER: { label: "Other" },
  },
  timers: {
    reminderAfterDays: 5,
    autoCloseAfterDays: 10,
    reopenWindowDays: 7,
    credentialsPurgeAfterDays: 7,
  },
  escalationAcknowledgement: {
    S1: "Immediately",
    S2: "Within the upcoming hours",
    S3: "Will be handled within 24 hours",
    S4: "Will be handled within 24 hours",
  },
  maxCc: 5,
  escalationDescriptionMax: 250,
  knowledgeLinks: [],
  serviceLevels: DEFAULT_SERVICE_LEVELS,
};

/**
 * Loads the catalog: the defaults, with each top-level key the file names replacing
 * the default. A bad file stops start-up with an error naming the key.
 */
export function loadCatalog(file: string | undefined): Catalog {
  if (!file) return DEFAULT_CATALOG;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new CaseError("CONFIG", { message: `Catalog file ${file} could not be read as JSON.`, cause });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new CaseError("CONFIG", { message: `Catalog file ${file} must hold a JSON object.` });
  }
  const merged = { ...DEFAULT_CATALOG, ...(raw as Record<string, unknown>) };
  const result = catalogSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join(".") || "(top level)";
    throw new CaseError("CONFIG", {
      message: `Catalog file ${file}: "${key}" is invalid: ${issue.message}`,
      field: key,
    });
  }
  return Object.freeze(result.data);
}

export function findProduct(catalog: Catalog, key: string): CatalogProduct | undefined {
  return catalog.products.find((p) => p.key === key);
}
