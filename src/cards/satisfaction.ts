import type { FormCard, MessageCard } from "./model.ts";

/**
 * The satisfaction survey a case's contact gets when it is closed (src/core/satisfaction):
 * five buttons in the case's customer thread, each recording its score at once and then
 * offering a comment form. The value a button carries ("number:score") is only a hint;
 * the core checks the one who pressed is the case's contact.
 */
export const SCORE_LABELS: Record<number, string> = { 1: "1 Very poor", 2: "2 Poor", 3: "3 OK", 4: "4 Good", 5: "5 Excellent" };

export function buildSatisfactionSurvey(p: { number: string; subject: string }): MessageCard {
  return {
    surface: "message",
    summary: `How did we do on case ${p.number}?`,
    blocks: [
      { type: "heading", text: `How did we do on case ${p.number}?` },
      { type: "text", text: `Case ${p.number} ("${p.subject}") is closed. Please rate the support you got, from 1 (very poor) to 5 (excellent); you can add a comment next.` },
      { type: "actions", actions: [1, 2, 3, 4, 5].map((score) => ({ id: "satisfaction.rate" as const, label: SCORE_LABELS[score]!, value: `${p.number}:${score}` })) },
      { type: "context", text: "Only the case's contact can answer. Pressing another score later replaces your answer." },
    ],
  };
}

/** After a press: the score is recorded; an optional comment updates the same answer. */
export function buildSatisfactionCommentForm(number: string, score: number, v: { values?: Record<string, string | undefined>; errors?: Record<string, string> } = {}): FormCard {
  return {
    surface: "form",
    callbackId: "satisfaction.comment",
    title: `Rating of ${number}`,
    submitLabel: "Send",
    state: { case: number, score: String(score) },
    blocks: [
      { type: "text", text: `Thank you: you rated case ${number} ${SCORE_LABELS[score] ?? score}. Anything you want to tell us? (optional)` },
      { type: "input", input: { id: "comment", label: "Comment", kind: "textarea", required: false, maxLength: 2000, value: v.values?.comment, error: v.errors?.comment } },
    ],
  };
}

export function buildSatisfactionThanks(number: string, score: number): MessageCard {
  return {
    surface: "message",
    summary: `Thank you for rating case ${number}`,
    blocks: [
      { type: "heading", text: "Thank you for your feedback" },
      { type: "text", text: `Your rating of case ${number}: ${SCORE_LABELS[score] ?? score}.`, tone: "good" },
    ],
  };
}
