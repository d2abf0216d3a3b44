import * as cards from "../../cards/index.ts";
import type { CaseError } from "../../core/errors.ts";
import type { Core, Ctx } from "../../core/index.ts";
import type { Logger } from "../../logger.ts";
import { caseForm, escalationForm, newCaseForm } from "../shared/form-cards.ts";
import { FORM_INPUTS } from "../shared/form-submissions.ts";

/**
 * A refused form again, with every value the user entered (never a password) and each
 * field's error; undefined when there is no form to show again. Building it asks the
 * core again (the case's escalation context, the user's accounts): when that fails too
 * (the case is not visible to this user, for one), the caller shows the first error.
 */
export async function formWithErrors(
  core: Core,
  ctx: Ctx,
  submitted: { callbackId: string; values: cards.FormValues; state: Record<string, string>; failure: CaseError },
  logger: Logger,
): Promise<cards.FormCard | undefined> {
  const { callbackId, values, state, failure } = submitted;
  const inputs = FORM_INPUTS[callbackId];
  if (!inputs) return undefined;
  const errors = cards.formErrors(failure, inputs, inputs[0]!);
  try {
    if (callbackId === "case.new") return await newCaseForm(core, ctx, { key: state.key, linked: state.linked, values, errors });
    if (callbackId === "case.escalate") return await escalationForm(core, ctx, state.case ?? "", values, errors);
    const form = await caseForm(core, ctx, callbackId, state.case ?? "");
    if (!form) return undefined;
    for (const block of form.blocks) if (block.type === "input") Object.assign(block.input, { value: block.input.kind === "secret" ? undefined : values[block.input.id], error: errors[block.input.id] });
    return form;
  } catch (again) {
    // The first failure is what the user is told; this one only says why the form cannot be shown with it.
    logger.debug({ err: again, callbackId }, "form not shown again with its errors");
    return undefined;
  }
}
