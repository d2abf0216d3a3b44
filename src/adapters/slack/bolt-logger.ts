import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import { scrubSecrets, type Logger } from "../../logger.ts";

/**
 * Bolt, the Socket Mode client and every WebClient (the listeners' and the delivery
 * worker's) log through this, so their lines are JSON like ours. Their messages are
 * text, which pino's path redaction cannot see into, and their debug messages carry
 * whole request bodies and headers (a views.open holding a revealed test login, a
 * token). So: a debug message is cut to its first words, before any body it carries,
 * and its other arguments are dropped; every message at any level is scrubbed of
 * anything named like a secret and of Slack tokens; nothing is passed through whole.
 */

/** Where a debug message starts quoting data: a JSON body, "(body: …)", a quoted value. */
const DATA_START = /[{[]|\(body:|:\s*["']/;
const MAX_DEBUG = 160;
const MAX_TEXT = 2_000;

function describe(part: unknown): string {
  if (typeof part === "string") return part;
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    // A circular object (a socket, a response) says nothing useful in a log line anyway.
    return "[unserializable]";
  }
}

/** The first string argument up to where its data starts; the rest is never logged. */
export function shortDebug(parts: unknown[]): string {
  const first = parts.find((p): p is string => typeof p === "string") ?? "";
  const cut = first.search(DATA_START);
  const head = (cut >= 0 ? `${first.slice(0, cut).trimEnd()} [data omitted]` : first).slice(0, MAX_DEBUG);
  return scrubSecrets(head);
}

export function scrubbedText(parts: unknown[]): string {
  return scrubSecrets(parts.map(describe).join(" ").slice(0, MAX_TEXT));
}

export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ module: "adapters/slack/bolt" });
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...msg) => {
      if (log.isLevelEnabled("debug")) log.debug(shortDebug(msg));
    },
    info: (...msg) => log.info(scrubbedText(msg)),
    warn: (...msg) => log.warn(scrubbedText(msg)),
    error: (...msg) => log.error(scrubbedText(msg)),
    // NOTE: Bolt sets a level on its logger; ours follows LOG_LEVEL, so this only remembers it for getLevel().
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
