import { labelledFieldMessage, type CaseError } from "../core/errors.ts";
import type { MessageCard, Tone } from "./model.ts";

/** Confirmations, errors, validation messages and access guidance. */
export function buildNotice(input: { tone?: Tone; title: string; text: string; details?: string[]; reference?: string }): MessageCard {
  return {
    surface: "message",
    summary: `${input.title}: ${input.text}`,
    blocks: [
      { type: "heading", text: input.title },
      { type: "text", text: input.text, tone: input.tone ?? "default" },
      ...(input.details ?? []).map((d) => ({ type: "context" as const, text: d })),
      ...(input.reference ? [{ type: "context" as const, text: `Reference: ${input.reference}` }] : []),
    ],
  };
}

/** A refused request as the user sees it: the message of its code, each field's problem, a reference for unexpected ones. */
export function buildErrorNotice(error: CaseError, reference?: string): MessageCard {
  if (error.code === "UNKNOWN_USER") return buildAccessGuidance();
  const details = Object.entries(error.fieldErrors)
    .filter(([, message]) => message !== error.message)
    .map(([field, message]) => labelledFieldMessage(field, message));
  return buildNotice({
    tone: error.code === "UNEXPECTED" ? "attention" : "warning",
    title: error.code === "VALIDATION" ? "Please check what you entered" : error.code === "UNEXPECTED" ? "Something went wrong" : "That did not work",
    text: error.message,
    details,
    reference: error.code === "UNEXPECTED" ? reference : undefined,
  });
}

export function buildAccessGuidance(): MessageCard {
  return buildNotice({
    tone: "warning",
    title: "You're not set up for support yet",
    text: "Your chat account is not linked to a contact of a customer account, so you cannot file or follow cases yet.",
    details: [
      "Ask your organisation's support administrator to add you as a contact with this email address.",
      "The number of people who may use support depends on your service package; your Customer Success Manager can add seats.",
    ],
  });
}

export function buildConfirmation(title: string, text: string): MessageCard {
  return buildNotice({ tone: "good", title, text });
}
