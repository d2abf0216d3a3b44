import { z } from "zod";
import { caseTypeSchema } from "../cases/schemas.ts";
import type { SeverityLevel } from "../cases/schemas.ts";
import type { BusinessCalendar, HoursKind } from "./business-time.ts";
import { isTimeZone } from "../time-zone.ts";

/**
 * Service levels, from the catalog's `serviceLevels` key: how soon staff answer a new
 * case (first response), answer a customer's reply (next update), update an In Progress
 * case unasked (in-progress updates), and make the real update an escalation's
 * acknowledgement promised; each per severity, in business or calendar hours, with the
 * vendor's business hours, time zone and holidays. Service packages override targets
 * for the accounts they list; case types override them for every case of the type.
 * Every key has a default (the documented ones below), so a catalog file may give only
 * what differs.
 */

type CaseTypeName = z.infer<typeof caseTypeSchema>;

const hoursKind = z.enum(["calendar", "business"]);
/** Up to a year; null means no clock at all for that promise. */
const minutes = z.number().int().nonnegative().max(525_600);

const severityTargetsSchema = z
  .object({
    /** How the severity's targets are counted: around the clock, or in business hours only. */
    hours: hoursKind,
    firstResponseMinutes: minutes.nullable(),
    /** After each customer reply (and on reopening). */
    nextUpdateMinutes: minutes.nullable(),
    /** While In Progress: after each public staff update, the next one is due this much later. */
    inProgressUpdateMinutes: minutes.nullable(),
    /** The real update an escalation's acknowledgement ("Immediately", …) promised; its own hours kind. */
    escalationAcknowledgement: z.object({ minutes, hours: hoursKind }).strict().nullable(),
  })
  .strict();
export type SeverityTargets = z.infer<typeof severityTargetsSchema>;

const overlaySchema = severityTargetsSchema.partial();
/** Overrides for all severities at once (`all`) and for single ones (which win over `all`). */
const overlaySetSchema = z
  .object({ all: overlaySchema.optional(), S1: overlaySchema.optional(), S2: overlaySchema.optional(), S3: overlaySchema.optional(), S4: overlaySchema.optional() })
  .strict();
export type TargetOverrides = z.infer<typeof overlaySetSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is "HH:mm", e.g. "09:00"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a holiday is a date "yyyy-MM-dd"');

export const DEFAULT_SEVERITY_TARGETS: Record<SeverityLevel, SeverityTargets> = {
  // S1 runs around the clock: first response within 1 hour, an update every 2 hours while In Progress,
  // and an escalation's "Immediately" becomes a real update within 15 minutes.
  S1: { hours: "calendar", firstResponseMinutes: 60, nextUpdateMinutes: 60, inProgressUpdateMinutes: 120, escalationAcknowledgement: { minutes: 15, hours: "calendar" } },
  // S2: 4 business hours, an update every business day while In Progress; "Within the upcoming hours" is 4 hours.
  S2: { hours: "business", firstResponseMinutes: 240, nextUpdateMinutes: 240, inProgressUpdateMinutes: 480, escalationAcknowledgement: { minutes: 240, hours: "calendar" } },
  // S3: 1 business day (the default desk's 8 hours); "within 24 hours" is 24 hours.
  S3: { hours: "business", firstResponseMinutes: 480, nextUpdateMinutes: 480, inProgressUpdateMinutes: null, escalationAcknowledgement: { minutes: 1_440, hours: "calendar" } },
  // S4: 2 business days.
  S4: { hours: "business", firstResponseMinutes: 960, nextUpdateMinutes: 960, inProgressUpdateMinutes: null, escalationAcknowledgement: { minutes: 1_440, hours: "calendar" } },
};

export const serviceLevelsSchema = z
  .object({
    businessHours: z
      .object({
        timeZone: z.string().refine(isTimeZone, "an IANA time zone, e.g. America/New_York").default("America/New_York"),
        days: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
        start: hhmm.default("09:00"),
        end: hhmm.default("17:00"),
      })
      .strict()
      .refine((b) => b.end > b.start, { message: "business hours must close after they open", path: ["end"] })
      .default({ timeZone: "America/New_York", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }),
    holidays: z.array(isoDate).max(1_000).default([]),
    /** At this share of a target the owner (or triage) is warned; at the target, on-call is alerted. */
    warnAtShare: z.number().gt(0).lt(1).default(0.75),
    severities: z
      .object({ S1: severityTargetsSchema, S2: severityTargetsSchema, S3: severityTargetsSchema, S4: severityTargetsSchema })
      .strict()
      .default(DEFAULT_SEVERITY_TARGETS),
    /** Service packages: named overrides for the accounts each lists (an account in at most one). */
    packages: z
      .record(z.string().regex(/^[a-z0-9-]{1,40}$/, "a package name is 1-40 lowercase letters, digits or dashes"), z.object({ accounts: z.array(z.uuid()), targets: overlaySetSchema }).strict())
      .default({})
      .refine((packages) => {
        const all = Object.values(packages).flatMap((p) => p.accounts);
        return new Set(all).size === all.length;
      }, "an account is in at most one service package"),
    /** Per case type; by default a feature request has no response clock (an escalation's promise still runs). */
    caseTypes: z
      .partialRecord(caseTypeSchema, overlaySetSchema)
      .default({ FEATURE_REQUEST: { all: { firstResponseMinutes: null, nextUpdateMinutes: null, inProgressUpdateMinutes: null } } }),
  })
  .strict();

export type ServiceLevels = z.infer<typeof serviceLevelsSchema>;

export const DEFAULT_SERVICE_LEVELS: ServiceLevels = serviceLevelsSchema.parse({});

/** The catalog's service levels, or the defaults when it names none. */
export function serviceLevelsOf(catalog: { serviceLevels?: ServiceLevels | undefined }): ServiceLevels {
  return catalog.serviceLevels ?? DEFAULT_SERVICE_LEVELS;
}

export function calendarOf(levels: ServiceLevels): BusinessCalendar {
  return { ...levels.businessHours, holidays: levels.holidays };
}

/** The service package an account is on, if any. */
export function packageOf(levels: ServiceLevels, accountId: string): string | null {
  for (const [name, p] of Object.entries(levels.packages)) if (p.accounts.includes(accountId)) return name;
  return null;
}

/** The targets of one case: the severity's defaults, then its account's package, then its case type. */
export function targetsFor(levels: ServiceLevels, c: { accountId: string; caseType: CaseTypeName; severity: SeverityLevel }): SeverityTargets {
  const pkg = packageOf(levels, c.accountId);
  const layers: (TargetOverrides | undefined)[] = [pkg ? levels.packages[pkg]!.targets : undefined, levels.caseTypes[c.caseType]];
  let targets: SeverityTargets = { ...levels.severities[c.severity] };
  for (const layer of layers) {
    if (!layer) continue;
    targets = { ...targets, ...defined(layer.all), ...defined(layer[c.severity]) };
  }
  return targets;
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A promise's length and how it is counted; null when the case has no such clock. */
export interface Target {
  minutes: number;
  hours: HoursKind;
}

export type PromiseKind = "FIRST_RESPONSE" | "REPLY" | "IN_PROGRESS" | "ESCALATION" | "MANAGEMENT_ESCALATION";

export function targetOf(t: SeverityTargets, kind: PromiseKind): Target | null {
  switch (kind) {
    case "FIRST_RESPONSE":
      return t.firstResponseMinutes === null ? null : { minutes: t.firstResponseMinutes, hours: t.hours };
    case "REPLY":
      return t.nextUpdateMinutes === null ? null : { minutes: t.nextUpdateMinutes, hours: t.hours };
    case "IN_PROGRESS":
      return t.inProgressUpdateMinutes === null ? null : { minutes: t.inProgressUpdateMinutes, hours: t.hours };
    case "ESCALATION":
    case "MANAGEMENT_ESCALATION":
      return t.escalationAcknowledgement;
  }
}
