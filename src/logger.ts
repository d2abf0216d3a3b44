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
