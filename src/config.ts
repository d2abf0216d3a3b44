import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { z } from "zod";
import { CaseError } from "./core/errors.ts";
import { weeklyScheduleSchema } from "./core/sla/weekly-summary.ts";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "./adapters/shared/rate-limit.ts";
import { DEFAULT_REFUSED_EXTENSIONS, type AttachmentLimits } from "./core/attachments/limits.ts";
import type { S3StoreSettings } from "./core/attachments/s3-store.ts";

/**
 * The environment, parsed once at start-up and frozen. Nothing else reads
 * process.env. A bad value stops start-up with a message naming the variable
 * (never its value: it may be a secret). The server, the delivery worker and the CLI
 * also read a `.env` file (readEnvironment below): `npm run cli -- setup` writes the
 * channels there, and `.env.example` lists every variable.
 */
const PLACEHOLDER = /^(|changeme|change-me|placeholder|secret|xxx+|todo|<.*>)$/i;

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

export const envSchema = z.object({
  /** The file of settings read at start-up (default `.env` in the working folder); a variable set in the environment wins over the file. */
  ENV_FILE: z.string().optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** PostgreSQL connection string; when unset the embedded database is used. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder of the embedded database and the development credentials key (memory:// keeps an in-process PGlite in memory). */
  DATA_DIR: z.string().min(1).default("./data"),
  /**
   * The embedded database when DATABASE_URL is unset: "postgres", a PostgreSQL server the
   * app starts from npm-installed binaries (shared with the CLI and the delivery worker),
   * or "pglite", the in-process WebAssembly PostgreSQL of earlier versions (one process only).
   */
  EMBEDDED_DATABASE: z.enum(["postgres", "pglite"]).default("postgres"),
  /** base64 of 32 random bytes: the AES-256-GCM key for stored login credentials. */
  CREDENTIALS_KEY: z.string().optional(),
  /**
   * After a key rotation: the earlier keys (base64, comma-separated), kept only to open
   * what they sealed until `npm run cli -- keys reseal` has sealed it all under CREDENTIALS_KEY.
   */
  CREDENTIALS_KEY_PREVIOUS: z.string().optional(),
  CATALOG_FILE: z.string().optional(),
  /** Load demo data on the first start of an empty embedded database (default on). */
  DEMO_DATA: booleanish.default(true),
  /** How long in-flight work may take to drain on SIGTERM before the process stops anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * How long /readyz answers 503 before the server stops accepting connections, so a
   * load balancer stops sending traffic first (in production, set it above the
   * balancer's readiness probe interval).
   */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(0),

  /** How often the delivery worker looks for due notifications. */
  DELIVERY_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  /** How many notifications a worker claims at once, and how long its claim lasts (a crashed worker's claim expires). */
  DELIVERY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  DELIVERY_LEASE_MS: z.coerce.number().int().min(500).default(60_000),
  /** How often the clock's sweeps look for reminders, automatic closes and purges that are due. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * When the weekly service-level summary goes to the management channel: a weekday and a
   * 24-hour time in the vendor's time zone (the catalog's business-hours zone), or `off`.
   */
  WEEKLY_SUMMARY: z.string().trim().refine((v) => weeklyScheduleSchema.safeParse(v).success, 'a weekday and a time, e.g. "Mon 09:00", or "off"').default("Mon 09:00"),

  /** Slack: the adapter runs when both are set (HTTP mode at /slack/events), or the signing secret with SLACK_VENDOR_TEAM_ID and the OAuth settings. */
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  /**
   * Slack OAuth without SLACK_BOT_TOKEN: the vendor's own workspace (its T… id), installed
   * through /slack/install like any customer's; its installation's token posts to the
   * triage, on-call and management channels. SLACK_BOT_TOKEN, when also set, wins there.
   */
  SLACK_VENDOR_TEAM_ID: z.string().regex(/^T[A-Z0-9]+$/, "a Slack workspace id (T…)").optional(),
  /** Slack Socket Mode instead of HTTP, when set (xapp-…). */
  SLACK_APP_TOKEN: z.string().optional(),
  /** Slack's Web API base; tests point it at a local server. */
  SLACK_API_URL: z.string().url().default("https://slack.com/api/"),
  /** Channel ids: new cases for triage, engineer escalations, management escalations. */
  SLACK_TRIAGE_CHANNEL: z.string().optional(),
  SLACK_ONCALL_CHANNEL: z.string().optional(),
  SLACK_MANAGEMENT_CHANNEL: z.string().optional(),
  /** DM the customer about their case when no Slack thread follows it (default on). */
  SLACK_DM_FALLBACK: booleanish.default(true),
  /**
   * Hosts Slack files may be downloaded from with a workspace's token, comma-separated
   * (a host on any port, or host:port): Slack's own (files.slack.com) by default; a file
   * link to any other host is never followed.
   */
  SLACK_FILE_HOSTS: z.string().default("files.slack.com"),

  /** Files on cases (chat, forms, email): the largest file, in MB; a larger one is refused with the limit named. */
  ATTACHMENT_MAX_MB: z.coerce.number().positive().max(1024).default(10),
  /** The most files one case may hold. */
  ATTACHMENT_MAX_PER_CASE: z.coerce.number().int().min(1).max(10_000).default(50),
  /** File name extensions refused whatever type the sender declares, comma-separated without dots (programs and scripts by default). */
  ATTACHMENT_REFUSED_TYPES: z.string().default(DEFAULT_REFUSED_EXTENSIONS.join(",")),

  /** Email to CC addresses: an SMTP URL (smtp://user:pass@host:587, smtps://…); unset, email is skipped. */
  SMTP_URL: z.string().url().optional(),
  SMTP_FROM: z.string().default("carebot support <support@localhost>"),

  /**
   * Attachment bytes in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage…)
   * instead of the database: set S3_BUCKET to turn it on, with S3_ENDPOINT and the key
   * pair. carebot calls only S3_ENDPOINT (https://s3.eu-west-1.amazonaws.com for AWS).
   */
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, '.', '-').").optional(),
  /** The object store's address, the only host carebot calls for files (AWS: https://s3.<region>.amazonaws.com). */
  S3_ENDPOINT: z.string().url().refine((v) => /^https?:\/\//i.test(v), "S3_ENDPOINT must be an http(s) address.").optional(),
  /** The region the requests are signed for (self-hosted stores usually accept us-east-1). */
  S3_REGION: z.string().regex(/^[a-z0-9-]{1,40}$/).default("us-east-1"),
  /** The access key id of a key that may put, get, delete and list objects in the bucket (and nothing else). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  /** That key's secret: never logged, never echoed in an error. */
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Prepended to every object key: a folder of a bucket that holds other things. */
  S3_KEY_PREFIX: z.string().max(200).default("carebot/"),
  /** Path-style addresses (endpoint/bucket/key), which most self-hosted stores need; off for virtual-hosted (bucket.endpoint). */
  S3_FORCE_PATH_STYLE: booleanish.default(true),

  /** Rate limits of both chat adapters: requests one chat user, and one workspace or tenant, may send at once (burst) and per minute. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.user.perMinute),
  RATE_LIMIT_USER_BURST: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.user.burst),
  RATE_LIMIT_TENANT_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.tenant.perMinute),
  RATE_LIMIT_TENANT_BURST: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.tenant.burst),

  /** Teams: the adapter runs at /api/messages when an app id is set, or in local mode. */
  TEAMS_APP_ID: z.string().optional(),
  TEAMS_APP_PASSWORD: z.string().optional(),
  TEAMS_APP_TENANT_ID: z.string().optional(),
  TEAMS_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  /**
   * Local mode without credentials, for the Bot Framework Emulator or Agents Playground:
   * only loopback traffic, no token checks. Refused in production.
   */
  TEAMS_LOCAL: booleanish.default(false),
  /** Where Bot Framework's signing keys are published (tests and sovereign clouds override it). */
  TEAMS_OPENID_METADATA_URL: z.string().url().optional(),
  /**
   * Hosts the bot may post to besides Microsoft's Bot Connector hosts, comma-separated
   * (a sovereign cloud without a preset, a test connector); ignored in local mode, which
   * sends only to loopback. See src/adapters/teams/service-url.ts.
   */
  TEAMS_SERVICE_URL_HOSTS: z.string().optional(),
  /**
   * Hosts Teams files may be downloaded from besides SharePoint/OneDrive (*.sharepoint.com),
   * comma-separated, "*.domain" allowed (a sovereign cloud's SharePoint, a test server).
   * See src/adapters/teams/file-download.ts.
   */
  TEAMS_FILE_HOSTS: z.string().optional(),
  /** Conversation ids of Teams channels: triage, engineer escalations, management escalations. */
  TEAMS_TRIAGE_CHANNEL: z.string().optional(),
  TEAMS_ONCALL_CHANNEL: z.string().optional(),
  TEAMS_MANAGEMENT_CHANNEL: z.string().optional(),
});

export type Config = Readonly<z.infer<typeof envSchema>> & { readonly production: boolean };

/** Whether the Teams adapter should run (with credentials, or in local mode). */
export function teamsEnabled(config: Config): boolean {
  return Boolean(config.TEAMS_APP_ID) || config.TEAMS_LOCAL;
}

/** The limits on case files the core applies (src/core/attachments/limits.ts). */
export function attachmentLimitsFromConfig(config: Config): AttachmentLimits {
  return {
    maxBytes: Math.floor(config.ATTACHMENT_MAX_MB * 1024 * 1024),
    maxPerCase: config.ATTACHMENT_MAX_PER_CASE,
    refusedExtensions: config.ATTACHMENT_REFUSED_TYPES.split(",").map((e) => e.trim().replace(/^\./, "").toLowerCase()).filter(Boolean),
  };
}

/** Hosts Slack files are fetched from (SLACK_FILE_HOSTS), lower case. */
export function slackFileHosts(config: Config): string[] {
  return config.SLACK_FILE_HOSTS.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/** The rate limits the chat adapters apply (src/adapters/shared/rate-limit.ts). */
export function rateLimitsFromConfig(config: Config): RateLimits {
  return {
    user: { burst: config.RATE_LIMIT_USER_BURST, perMinute: config.RATE_LIMIT_USER_PER_MINUTE },
    tenant: { burst: config.RATE_LIMIT_TENANT_BURST, perMinute: config.RATE_LIMIT_TENANT_PER_MINUTE },
  };
}

/** Where attachment bytes go: the S3 settings when S3_BUCKET is set (loadConfig checked the rest), else undefined (the database). */
export function s3SettingsFromConfig(config: Config): S3StoreSettings | undefined {
  if (!config.S3_BUCKET) return undefined;
  return {
    endpoint: config.S3_ENDPOINT!,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID!,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
    keyPrefix: config.S3_KEY_PREFIX,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  };
}

/** Whether the Slack adapter should run. */
export function slackEnabled(config: Config): boolean {
  return Boolean(config.SLACK_SIGNING_SECRET && (config.SLACK_BOT_TOKEN || config.SLACK_VENDOR_TEAM_ID));
}

/**
 * The process environment over the `.env` file (ENV_FILE names another): what
 * loadConfig reads in the server, the delivery worker and the CLI. The environment wins,
 * so a deployment's variables override the file, and a variable set empty there
 * ("VAR=") unsets the file's. A missing `.env` is fine; a missing ENV_FILE is an error.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = env.ENV_FILE || ".env";
  if (!existsSync(file)) {
    if (!env.ENV_FILE) return env;
    throw new CaseError("CONFIG", { message: `ENV_FILE names ${file}, which does not exist.`, field: "ENV_FILE" });
  }
  let parsed: NodeJS.Dict<string>;
  try {
    parsed = parseEnv(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new CaseError("CONFIG", { message: `The settings file ${file} could not be read.`, field: "ENV_FILE", cause });
  }
  return { ...parsed, ...env };
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable (DATABASE_URL= in a .env file) means "not set", as shells and Docker treat it.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = envSchema.safeParse(set);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CaseError("CONFIG", {
      message: `Environment variable ${issue.path.join(".")} is invalid: ${issue.message}`,
      field: String(issue.path[0]),
    });
  }
  const config = { ...result.data, production: result.data.NODE_ENV === "production" };
  if (config.production) {
    // Production never falls back to a generated key: a lost key makes stored credentials unreadable.
    requireSecret("CREDENTIALS_KEY", config.CREDENTIALS_KEY);
  }
  if (config.TEAMS_APP_ID) requireSecret("TEAMS_APP_PASSWORD", config.TEAMS_APP_PASSWORD);
  if (config.production && config.TEAMS_LOCAL) {
    // With no app id, botbuilder accepts any token: never in production.
    throw new CaseError("CONFIG", { message: "TEAMS_LOCAL turns Teams token checks off and is refused in production; set TEAMS_APP_ID and TEAMS_APP_PASSWORD.", field: "TEAMS_LOCAL" });
  }
  // Slack is on when either Slack secret is given; then both must be real, unless OAuth
  // alone serves (SLACK_VENDOR_TEAM_ID names the vendor's installation, docs/slack-install.md).
  if (config.SLACK_SIGNING_SECRET !== undefined || config.SLACK_BOT_TOKEN !== undefined || config.SLACK_VENDOR_TEAM_ID !== undefined) {
    requireSecret("SLACK_SIGNING_SECRET", config.SLACK_SIGNING_SECRET);
    const oauth = Boolean(set.SLACK_CLIENT_ID || set.SLACK_CLIENT_SECRET || set.SLACK_STATE_SECRET);
    if (config.SLACK_BOT_TOKEN !== undefined || !oauth) requireSecret("SLACK_BOT_TOKEN", config.SLACK_BOT_TOKEN);
    else if (!config.SLACK_VENDOR_TEAM_ID) {
      throw new CaseError("CONFIG", { field: "SLACK_VENDOR_TEAM_ID", message: "Slack OAuth without SLACK_BOT_TOKEN needs SLACK_VENDOR_TEAM_ID: the id (T…) of the vendor's own workspace, whose installation posts to the triage, on-call and management channels." });
    }
  }
  // Object storage is on when any of its addresses or keys is given; then all must be.
  if (config.S3_BUCKET !== undefined || config.S3_ENDPOINT !== undefined || config.S3_ACCESS_KEY_ID !== undefined || config.S3_SECRET_ACCESS_KEY !== undefined) {
    for (const name of ["S3_BUCKET", "S3_ENDPOINT", "S3_ACCESS_KEY_ID"] as const) {
      if (!config[name]) throw new CaseError("CONFIG", { field: name, message: `${name} is missing: S3 object storage needs S3_BUCKET, S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.` });
    }
    requireSecret("S3_SECRET_ACCESS_KEY", config.S3_SECRET_ACCESS_KEY);
  }
  return Object.freeze(config);
}

/** Stops start-up when a secret is missing or a placeholder; names it, never echoes it. */
export function requireSecret(name: string, value: string | undefined): void {
  if (value === undefined || PLACEHOLDER.test(value.trim())) {
    throw new CaseError("CONFIG", {
      message: `${name} is missing or still a placeholder; production mode needs a real value.`,
      field: name,
    });
  }
}
