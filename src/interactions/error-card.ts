import { randomUUID } from "node:crypto";
import * as cards from "../cards/index.ts";
import { toCaseError, type CaseError } from "../core/errors.ts";
import type { Logger } from "../logger.ts";

/**
 * A refusal as users see it, on any platform: the message of its code and its field
 * errors; an unexpected failure gets a reference id, and its cause goes to the log only.
 */
export function errorCard(error: unknown, logger: Logger): { card: cards.MessageCard; failure: CaseError } {
  const failure = toCaseError(error);
  let reference: string | undefined;
  if (failure.code === "UNEXPECTED") {
    reference = randomUUID().slice(0, 8);
    logger.error({ err: error, reference }, "chat request failed");
  }
  return { card: cards.buildErrorNotice(failure, reference), failure };
}
