import { z } from "zod";
import { CaseError } from "./core/errors.ts";

/**
 * The environment, parsed once at start-up and frozen. Nothing else reads
 * process.env. A bad value stops start-up with a message naming the variable
 * (never its value: it may be a secret).
 */
const PLACEHOLDER = /^(|changeme|change-me|placeholder|secret|xxx+|todo|<.*>)$/i;

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** PostgreSQL connection string; when unset the embedded PGlite database is used. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder of the embedded database and the development credentials key. */
  DATA_DIR: z.string().min(1).default("./data"),
  /** base64 of 32 random bytes: the AES-256-GCM key for stored login credentials. */
  CREDENTIALS_KEY: z.string().optional(),
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
});

export type Config = Readonly<z.infer<typeof envSchema>> & { readonly production: boolean };

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
