import { z } from "zod";

/**
 * The outbox payloads of service-level alerts, one schema for both kinds: a warning
 * (to the owner, or triage when nobody owns the case) and a breach (to on-call, or
 * management for S1 and for escalations asking for management attention). What the
 * card shows: the case, the promise (what was owed, by when) and how late it is, or how
 * little time is left. Display text and ids only.
 */
export const slaAlertPayloadSchema = z.object({
  number: z.string(),
  subject: z.string(),
  severity: z.enum(["S1", "S2", "S3", "S4"]),
  clock: z.enum(["FIRST_RESPONSE", "NEXT_UPDATE"]),
  /** Why an update was owed; null for a first response. */
  promise: z.enum(["REPLY", "IN_PROGRESS", "ESCALATION", "MANAGEMENT_ESCALATION"]).nullable(),
  /** The promised time, ISO 8601 UTC; cards show it in the reader's time zone. */
  dueAt: z.iso.datetime(),
  route: z.enum(["owner", "triage", "on-call", "management"]),
  owner: z.string().nullable(),
  minutesLate: z.number().int().nonnegative(),
  minutesLeft: z.number().int().nonnegative(),
});
export type SlaAlertPayload = z.infer<typeof slaAlertPayloadSchema>;

const satisfactionGroupSchema = z.object({ name: z.string(), asked: z.number().int(), answered: z.number().int(), average: z.number().nullable() });
const severityEnum = z.enum(["S1", "S2", "S3", "S4"]);

/**
 * The weekly summary to the management channel (weekly-summary.ts): the past week's
 * response times and breaches per severity and account (report.ts), and satisfaction
 * per engineer, account and severity. Display text and numbers only; it belongs to no
 * case. Long lists are cut (`more*` says how many rows were left out).
 */
export const weeklySummaryPayloadSchema = z.object({
  week: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  timeZone: z.string(),
  rows: z
    .array(
      z.object({
        severity: severityEnum,
        account: z.string(),
        filed: z.number().int(),
        firstResponses: z.number().int(),
        medianFirstResponseMinutes: z.number().nullable(),
        hours: z.string(),
        firstResponseBreaches: z.number().int(),
        nextUpdateBreaches: z.number().int(),
        warnings: z.number().int(),
        overdueNow: z.number().int(),
      }),
    )
    .max(100),
  moreRows: z.number().int().nonnegative(),
  satisfaction: z.object({
    asked: z.number().int(),
    answered: z.number().int(),
    average: z.number().nullable(),
    byEngineer: z.array(satisfactionGroupSchema).max(50),
    byAccount: z.array(satisfactionGroupSchema).max(50),
    bySeverity: z.array(satisfactionGroupSchema).max(4),
  }),
});
export type WeeklySummaryPayload = z.infer<typeof weeklySummaryPayloadSchema>;

/** To be spread into NOTIFICATION_PAYLOADS (src/core/notify/events.ts). */
export const SLA_NOTIFICATION_PAYLOADS = {
  "case.sla_warning": slaAlertPayloadSchema,
  "case.sla_breach": slaAlertPayloadSchema,
  "sla.weekly_summary": weeklySummaryPayloadSchema,
} as const;
