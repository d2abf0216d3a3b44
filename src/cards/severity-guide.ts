import type { Catalog } from "../core/catalog.ts";
import { recommendSeverity, SEVERITY_QUESTIONS, severityMismatch, type SeverityAnswers } from "../core/cases/severity-guide.ts";
import type { Block, FormCard, MessageCard } from "./model.ts";

/** The four definitions with the facts that decide them, and the guided chooser. */
export function buildSeverityGuide(catalog: Catalog, state: Record<string, string> = {}): FormCard {
  const definitions: Block[] = (["S1", "S2", "S3", "S4"] as const).map((s) => ({
    type: "labelled",
    label: `${s} ${catalog.severities[s].name}`,
    text: `${catalog.severities[s].summary} For example: ${catalog.severities[s].examples.join("; ")}.`,
  }));
  return {
    surface: "form",
    callbackId: "severity.guide",
    title: "Choose a severity",
    submitLabel: "Recommend",
    state,
    blocks: [
      ...definitions,
      { type: "context", text: `What decides it: ${catalog.severityFacts.join("; ")}.` },
      { type: "heading", text: "Answer a few questions" },
      ...SEVERITY_QUESTIONS.map<Block>((q) => ({
        type: "input",
        input: { id: q.id, label: q.question, kind: "radio", required: true, options: [{ value: "yes", label: "Yes" }, { value: "no", label: "No" }] },
      })),
    ],
  };
}

export function buildSeverityRecommendation(catalog: Catalog, answers: SeverityAnswers, caseType?: string): MessageCard {
  const severity = recommendSeverity(answers);
  const warning = severityMismatch(caseType, severity);
  return {
    surface: "message",
    summary: `Recommended severity: ${severity} ${catalog.severities[severity].name}`,
    blocks: [
      { type: "heading", text: `Recommended: ${severity} ${catalog.severities[severity].name}` },
      { type: "text", text: catalog.severities[severity].summary },
      ...(warning ? [{ type: "text" as const, text: warning, tone: "warning" as const }] : []),
      { type: "context", text: "This is a recommendation: you may still choose another severity. Support may change it after review, and will tell you why." },
    ],
  };
}
