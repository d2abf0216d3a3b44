import { randomUUID } from "node:crypto";
import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/**
 * Paths redacted wherever they appear in a log call's object. Secrets never reach a
 * log: credentials, tokens, signing secrets, keys, authorization headers.
 */
export const REDACT_PATHS = [
  "password",
  "credentials",
  "token",
  "secret",
  "key",
  "authorization",
  "*.password",
  "*.credentials",
  "*.token",
  "*.secret",
  "*.signingSecret",
  "*.botToken",
  "*.appToken",
  "*.credentialsKey",
  "*.databaseUrl",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.*.password",
  "*.*.credentials",
  "*.*.authorization",
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; tests pass a stream that captures them. Default: stdout. */
  destination?: DestinationStream;
}

/**
 * One JSON line per event: a subject with a newline is escaped inside its string,
 * so it can never forge a second log line.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "carebot" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/**
 * Text that may carry a secret inside it, e.g. a library's debug line holding a
 * request body: pino's redaction works on field paths and cannot see into a string,
 * so such text is scrubbed before it is logged. Catches Slack tokens, bearer and
 * basic credentials, and any JSON, form or "name: value" field named like a secret
 * (also inside JSON that is itself a JSON string, with escaped quotes).
 */
const SECRET_NAME = String.raw`[\w-]*(?:password|passwd|pwd|token|secret|authorization|credentials?|api[_-]?key|cookie)[\w-]*`;
const SCRUBBERS: [RegExp, string][] = [
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/gi, "[redacted]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  // A quoted value ("password":"…", also as \"password\":\"…\" in JSON held in a string): up to the same quote.
  [new RegExp(String.raw`(${SECRET_NAME}\\*["']?\s*[:=]\s*\\*(["']))(?:(?!\\*\2)[^\r\n])*`, "gi"), "$1[redacted]"],
  // An unquoted value (a form field, "Password: x y" in a text): up to the end of the line, a double quote or the next field.
  [new RegExp(String.raw`(${SECRET_NAME}\s*[:=][ \t]*)(?![\\"'\s])[^\r\n&"\\]+`, "gi"), "$1[redacted]"],
];

export function scrubSecrets(text: string): string {
  return SCRUBBERS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * The last resort for a promise nobody awaited or an exception nobody caught (in a
 * library's detached callback, say). Node's default is to exit, which would drop every
 * other request in flight and stop the outbox for all users because of one request.
 * Staying up is safe here: what matters lives in the database, committed or rolled
 * back per transaction, and no in-memory state spans requests except caches and rate
 * buckets. Each occurrence is logged with a reference so it is seen and fixed.
 */
export function installLastResortHandlers(logger: Logger, target: NodeJS.EventEmitter = process): void {
  target.on("unhandledRejection", (reason: unknown) => {
    logger.error({ err: reason, reference: randomUUID() }, "unhandled promise rejection; the process keeps serving");
  });
  target.on("uncaughtException", (error: Error, origin?: string) => {
    logger.fatal({ err: error, origin, reference: randomUUID() }, "uncaught exception; the process keeps serving");
  });
}
