import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { envSchema } from "../src/config.ts";
import { emailEnvSchema } from "../src/email/config.ts";
import { slackOAuthEnvSchema } from "../src/adapters/slack/oauth-config.ts";
import { catalogSchema, DEFAULT_CATALOG } from "../src/core/catalog.ts";

/**
 * Generates docs/configuration.md from src/config.ts, so the reference cannot drift:
 * the variables, their order, types, allowed values, ranges and defaults come from
 * the zod schema itself, and each meaning from the comment above the variable in
 * src/config.ts. `npm run docs:config` writes the file; test/docs/config-reference.test.ts
 * fails when the committed file differs from what this gives.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CONFIG_SOURCE = "src/config.ts";

/**
 * Every environment schema and the file declaring it. Settings kept beside the code that
 * reads them (src/email/config.ts) are settings too: test/docs/config-reference.test.ts
 * fails when a file under src/ declares an env schema this list does not name.
 */
export const ENV_SCHEMAS: ReadonlyArray<{ file: string; exportName: string; schema: z.ZodObject }> = [
  { file: CONFIG_SOURCE, exportName: "envSchema", schema: envSchema },
  { file: "src/email/config.ts", exportName: "emailEnvSchema", schema: emailEnvSchema },
  { file: "src/adapters/slack/oauth-config.ts", exportName: "slackOAuthEnvSchema", schema: slackOAuthEnvSchema },
];

/** Files under src/ that declare an env schema (`export const …EnvSchema = z.object({`), found by reading them. */
export function declaredEnvSchemas(dir = "src"): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "generated" ? [] : declaredEnvSchemas(path);
    if (!entry.name.endsWith(".ts")) return [];
    return [...readFileSync(join(ROOT, path), "utf8").matchAll(/^export const (\w*[eE]nvSchema) = z\.object\(\{/gm)].map((m) => `${path}#${m[1]}`);
  });
}

type Sources = Readonly<Record<string, string>>;
const readSources = (): Sources => Object.fromEntries(ENV_SCHEMAS.map(({ file }) => [file, readFileSync(`${ROOT}/${file}`, "utf8")]));
export const CONFIG_REFERENCE = "docs/configuration.md";

/**
 * Meanings for variables whose comment in src/config.ts is missing or covers a group
 * (the comment names the first of a pair). A variable with neither a comment nor an
 * entry here fails the drift test, and so does an entry for a variable that is gone.
 */
export const EXTRA_MEANINGS: Readonly<Record<string, string>> = {
  NODE_ENV: "`production` refuses to start with a missing or placeholder `CREDENTIALS_KEY`, Slack or Teams secret, and refuses `TEAMS_LOCAL`.",
  PORT: "The HTTP port the server listens on (`0` picks a free port).",
  HOST: "The address the server listens on.",
  LOG_LEVEL: "The pino log level: one JSON line per event on standard output.",
  CATALOG_FILE: "A JSON file whose top-level keys replace the catalog's (products and features, severities, escalation reasons, closing reasons, timers, limits); validated at start-up. See `src/core/catalog.ts`.",
  DELIVERY_BATCH_SIZE: "How many notifications a worker claims at once.",
  DELIVERY_LEASE_MS: "How long a worker's claim on notifications lasts; a crashed worker's claim expires after it and another worker delivers them.",
  SMTP_FROM: "The From address of email to CC addresses.",
  INBOUND_SMTP_HOST: "The address the inbound SMTP listener listens on.",
  INBOUND_SMTP_TLS_KEY_FILE: "STARTTLS on the inbound SMTP listener: the PEM private key file (with `INBOUND_SMTP_TLS_CERT_FILE`).",
  INBOUND_SMTP_TLS_CERT_FILE: "STARTTLS on the inbound SMTP listener: the PEM certificate file (with `INBOUND_SMTP_TLS_KEY_FILE`).",
  DELIVERY_MAX_ATTEMPTS: "Attempts before a notification is marked DEAD (`npm run cli -- outbox retry --dead` puts it back in line).",
  SLACK_SIGNING_SECRET: "The Slack app's signing secret. The Slack adapter runs when this and `SLACK_BOT_TOKEN` are set (HTTP mode at `/slack/events`), or this, `SLACK_VENDOR_TEAM_ID` and the OAuth settings (docs/slack-install.md); otherwise setting one without the other stops start-up.",
  SLACK_BOT_TOKEN: "The Slack bot token (`xoxb-…`); see `SLACK_SIGNING_SECRET`.",
  SLACK_TRIAGE_CHANNEL: "Slack channel id where new cases arrive as triage cards.",
  SLACK_ONCALL_CHANNEL: "Slack channel id where escalations go (all reasons but Requesting Management Attention).",
  SLACK_MANAGEMENT_CHANNEL: "Slack channel id where Requesting Management Attention escalations go.",
  TEAMS_APP_ID: "The bot's Microsoft app id. The Teams adapter runs at `/api/messages` when it is set (with `TEAMS_APP_PASSWORD`), or in local mode.",
  TEAMS_APP_PASSWORD: "The bot's client secret; required when `TEAMS_APP_ID` is set.",
  TEAMS_APP_TENANT_ID: "The bot's tenant, for `TEAMS_APP_TYPE=SingleTenant`.",
  TEAMS_APP_TYPE: "How the bot's identity is registered in Microsoft Entra ID.",
  TEAMS_TRIAGE_CHANNEL: "Teams channel conversation id (`19:…@thread.tacv2`) where new cases arrive as triage cards.",
  TEAMS_ONCALL_CHANNEL: "Teams channel conversation id where escalations go (all reasons but Requesting Management Attention).",
  TEAMS_MANAGEMENT_CHANNEL: "Teams channel conversation id where Requesting Management Attention escalations go.",
  RATE_LIMIT_USER_PER_MINUTE: "Requests one chat user earns back per minute (Slack and Teams; per server instance).",
  RATE_LIMIT_USER_BURST: "Requests one chat user may send at once.",
  RATE_LIMIT_TENANT_PER_MINUTE: "Requests a whole Slack workspace or Teams tenant earns back per minute (per server instance).",
  RATE_LIMIT_TENANT_BURST: "Requests a whole Slack workspace or Teams tenant may send at once.",
};

/** Headings for runs of variables, by name prefix, in the order src/config.ts declares them. */
const GROUPS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(ENV_FILE|NODE_ENV|PORT|HOST|LOG_LEVEL|SHUTDOWN_)/, "Server"],
  [/^(DATABASE_URL|DATA_DIR|EMBEDDED_DATABASE)$/, "Database"],
  [/^(CREDENTIALS_KEY|CREDENTIALS_KEY_PREVIOUS|CATALOG_FILE|DEMO_DATA)$/, "Data"],
  [/^(DELIVERY_|SWEEP_)/, "Delivery and the clock"],
  [/^SLACK_/, "Slack"],
  [/^(SMTP_|EMAIL_|INBOUND_)/, "Email"],
  [/^S3_/, "File storage (S3-compatible)"],
  [/^RATE_LIMIT_/, "Rate limits"],
  [/^TEAMS_/, "Microsoft Teams"],
];

export function groupOf(name: string): string {
  return GROUPS.find(([pattern]) => pattern.test(name))?.[1] ?? "Other";
}

/** The doc comment right above each variable in an env schema's object literal (envSchema of src/config.ts by default). */
export function sourceComments(source: string, exportName = "envSchema"): Map<string, string> {
  const start = source.indexOf(`export const ${exportName} = z.object({`);
  const end = source.indexOf("\n});", start);
  if (start < 0 || end < 0) throw new Error(`${exportName} object not found`);
  const comments = new Map<string, string>();
  let pending: string[] | null = null;
  let inComment = false;
  for (const raw of source.slice(start, end).split("\n").slice(1)) {
    const line = raw.trim();
    if (line.startsWith("/**")) {
      inComment = !line.endsWith("*/");
      pending = [line.replace(/^\/\*\*/, "").replace(/\*\/$/, "").trim()];
      continue;
    }
    if (inComment) {
      if (line.endsWith("*/")) inComment = false;
      pending!.push(line.replace(/\*\/$/, "").replace(/^\*/, "").trim());
      continue;
    }
    const key = /^([A-Z][A-Z0-9_]*):/.exec(line)?.[1];
    if (key) {
      if (pending) comments.set(key, pending.filter(Boolean).join(" "));
      pending = null;
    } else if (line === "") {
      pending = null;
    }
  }
  return comments;
}

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function allowedValues(property: JsonProperty): string {
  if (property.enum) {
    const values = property.enum.map(String);
    // The booleanish switches accept any of these spellings.
    if (values.includes("on") && values.includes("off")) return "`on`/`off` (also `true`/`false`, `yes`/`no`, `1`/`0`)";
    return values.map((v) => `\`${v}\``).join(", ");
  }
  if (property.type === "integer") {
    const min = property.minimum ?? (property.exclusiveMinimum !== undefined ? property.exclusiveMinimum + 1 : undefined);
    const max = property.maximum !== undefined && property.maximum < MAX_SAFE ? property.maximum : undefined;
    if (min !== undefined && max !== undefined) return `integer ${min}–${max}`;
    if (min !== undefined) return `integer ≥ ${min}`;
    return "integer";
  }
  if (property.format === "uri") return "URL";
  return property.minLength ? "non-empty text" : "text";
}

function shownDefault(value: unknown): string {
  if (value === undefined) return "unset";
  if (typeof value === "boolean") return value ? "`on`" : "`off`";
  return `\`${String(value)}\``;
}

/** Text for a table cell: pipes escaped, and outside code spans `<` and `>` too (else `<token>` would read as an HTML tag). */
function cell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("")
    .replace(/\|/g, "\\|");
}

export interface ConfigVariable {
  name: string;
  group: string;
  allowed: string;
  defaultValue: string;
  meaning: string | undefined;
}

export function configVariables(sources: Sources = readSources()): ConfigVariable[] {
  return ENV_SCHEMAS.flatMap(({ file, exportName, schema }) => {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, JsonProperty> };
    const defaults = schema.parse({}) as Record<string, unknown>;
    const comments = sourceComments(sources[file] ?? readFileSync(`${ROOT}/${file}`, "utf8"), exportName);
    return Object.keys(schema.shape).map((name) => ({
      name,
      group: groupOf(name),
      allowed: allowedValues(json.properties[name] ?? {}),
      defaultValue: shownDefault(defaults[name]),
      meaning: EXTRA_MEANINGS[name] ?? comments.get(name),
    }));
  });
}

/** What each top-level catalog key holds; the drift test fails when a key has no entry or an entry no key. */
export const CATALOG_MEANINGS: Readonly<Record<string, string>> = {
  products: "The products a case may concern, each with its features (the new-case form's feature list follows the product chosen).",
  severities: "S1 to S4: each severity's name, summary and examples, shown by every severity picker and the severity guide.",
  severityFacts: "The facts that decide severity, listed in the severity guide.",
  escalationReasons: "The six escalation reasons' labels and help text.",
  closeReasons: "The labels of the six closing reasons.",
  timers: "Days: the reminder after a case has been Pending Your Response, the automatic close for no response, the window in which a customer's reply reopens a closed case, and the purge of a stored test login after closing.",
  escalationAcknowledgement: "The timeframe an escalating customer is promised at once, by the case's severity.",
  maxCc: "The most email addresses a case may copy.",
  knowledgeLinks: "Links the home dashboard offers (knowledge center, documentation, status page).",
  escalationDescriptionMax: "The most characters an escalation's description may hold.",
  serviceLevels:
    "Service levels (src/core/sla/targets.ts): business hours, time zone and holidays; per severity the first-response, next-update, in-progress-update and escalation-acknowledgement targets in business or calendar minutes (S1 1 hour around the clock, S2 4 business hours, S3 1 business day, S4 2); the warning share (0.75); service packages per account; per case type (a feature request has no response clock). Each inner key has its default.",
};

function summariseDefault(value: unknown): string {
  if (Array.isArray(value)) return value.length ? `${value.length} entries` : "none";
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v !== "object")) return entries.map(([k, v]) => `${k}: ${String(v)}`).join("; ");
    return `${entries.length} entries (${entries.map(([k]) => k).join(", ")})`;
  }
  return `\`${String(value)}\``;
}

export function catalogKeys(): { key: string; defaultValue: string; meaning: string | undefined }[] {
  return Object.keys(catalogSchema.shape).map((key) => ({
    key,
    defaultValue: summariseDefault((DEFAULT_CATALOG as Record<string, unknown>)[key]),
    meaning: CATALOG_MEANINGS[key],
  }));
}

/** Start-up rules src/config.ts applies beyond each variable's own type, read from its source. */
function requiredSecrets(source: string): string[] {
  return [...new Set([...source.matchAll(/requireSecret\("([A-Z_]+)"/g)].map((m) => m[1]!))];
}

export function configReference(sources: Sources = readSources()): string {
  const variables = configVariables(sources);
  const source = Object.values(sources).join("\n");
  const lines: string[] = [
    "# Configuration reference",
    "",
    `<!-- Generated by \`npm run docs:config\` from ${ENV_SCHEMAS.map((s) => s.file).join(" and ")}; do not edit by hand.`,
    "     test/docs/config-reference.test.ts fails when this file and the generator disagree. -->",
    "",
    `All configuration is environment variables, parsed once at start-up by ${ENV_SCHEMAS.map((s) => `\`${s.file}\``).join(" and ")}`,
    "(the server, `npm run worker` and `npm run cli` read the same ones). An empty variable",
    "counts as unset. A bad value stops start-up with a message naming the variable, never",
    "echoing its value. Vendor-specific settings (products, severities, timers, limits) are",
    "the catalog, a JSON file named by `CATALOG_FILE` (see the end of this page).",
    "",
    `Secrets checked for real values (not empty, not \`changeme\`, \`secret\`, \`<…>\` and the like): ${requiredSecrets(source).map((s) => `\`${s}\``).join(", ")}`,
    "(`CREDENTIALS_KEY` only in production; the Slack pair whenever either is set; `TEAMS_APP_PASSWORD` whenever `TEAMS_APP_ID` is set).",
    "",
  ];
  // Variables under their group's heading, groups in the order src/config.ts first names them.
  const groups = new Map<string, ConfigVariable[]>();
  for (const variable of variables) groups.set(variable.group, [...(groups.get(variable.group) ?? []), variable]);
  for (const [group, members] of groups) {
    lines.push(`## ${group}`, "", "| variable | values | default | meaning |", "|---|---|---|---|");
    for (const v of members) lines.push(`| \`${v.name}\` | ${cell(v.allowed)} | ${cell(v.defaultValue)} | ${cell(v.meaning ?? "")} |`);
    lines.push("");
  }
  lines.push(
    "## The catalog (`CATALOG_FILE`)",
    "",
    "A JSON document whose top-level keys each replace the default of `src/core/catalog.ts`",
    "(`DEFAULT_CATALOG`, the values of the case workflow). An unknown or invalid key stops",
    "start-up naming the key, for example `Catalog file …: \"timers.reminderAfterDays\" is invalid: …`.",
    "",
    "| key | default | meaning |",
    "|---|---|---|",
    ...catalogKeys().map((k) => `| \`${k.key}\` | ${cell(k.defaultValue)} | ${cell(k.meaning ?? "")} |`),
    "",
    "For example, to change the clock:",
    "",
    "```json",
    JSON.stringify({ timers: DEFAULT_CATALOG.timers }),
    "```",
    "",
  );
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const missing = configVariables().filter((v) => !v.meaning);
  if (missing.length) {
    console.error(`No meaning for ${missing.map((v) => v.name).join(", ")}: add a comment above it in ${ENV_SCHEMAS.map((e) => e.file).join(" or ")}, or an entry in EXTRA_MEANINGS.`);
    process.exit(1);
  }
  writeFileSync(`${ROOT}/${CONFIG_REFERENCE}`, configReference());
  console.log(`wrote ${CONFIG_REFERENCE}`);
}
