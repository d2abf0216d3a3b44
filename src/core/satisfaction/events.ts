import { z } from "zod";

/**
 * The outbox payload of a satisfaction survey (src/core/satisfaction/survey.ts): the case
 * it asks about, as display text. Chat posts the 1-5 buttons into the case's customer
 * threads; email, when no customer thread follows the case, sends signed one-click links.
 */
export const satisfactionSurveyPayloadSchema = z.object({ number: z.string(), subject: z.string() });

/** To be spread into NOTIFICATION_PAYLOADS (src/core/notify/events.ts). */
export const SATISFACTION_NOTIFICATION_PAYLOADS = {
  "case.satisfaction_survey": satisfactionSurveyPayloadSchema,
} as const;
