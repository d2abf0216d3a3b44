import type { SeverityLevel } from "./schemas.ts";

/**
 * The guided severity chooser: a few yes/no questions drawn from the severity
 * definitions, answered in order; the first "yes" decides. The customer may still
 * pick another severity: this only recommends.
 */
export const SEVERITY_QUESTIONS = [
  {
    id: "outage",
    severity: "S1",
    question: "Is the platform unavailable for all your users, or is a critical service out (video playback, everyone's portal log-in, webcasting or live streaming, APIs that worked before)?",
  },
  {
    id: "degraded",
    severity: "S2",
    question: "Is a critical service degraded, or is one of these out: uploads, imports and transcoding; captioning; everyone's management console log-in; analytics?",
  },
  {
    id: "moderate",
    severity: "S3",
    question: "Is your business, operations or workflow moderately affected (a few users, or one application or component)?",
  },
] as const satisfies readonly { id: string; severity: SeverityLevel; question: string }[];

export type SeverityAnswers = Partial<Record<(typeof SEVERITY_QUESTIONS)[number]["id"], boolean>>;

export function recommendSeverity(answers: SeverityAnswers): SeverityLevel {
  for (const q of SEVERITY_QUESTIONS) if (answers[q.id]) return q.severity;
  return "S4";
}

/** A warning when the severity contradicts the case type (a feature request filed as S1). */
export function severityMismatch(caseType: string | undefined, severity: string | undefined): string | null {
  if (!caseType || !severity) return null;
  if (caseType === "FEATURE_REQUEST" && severity !== "S4") {
    return "Feature requests are S4 Low: they do not directly affect your business today. Support may change the severity after review.";
  }
  if (caseType === "HOW_TO" && (severity === "S1" || severity === "S2")) {
    return "How-to questions are usually S4 Low (questions about capabilities or configuration). Support may change the severity after review.";
  }
  return null;
}
