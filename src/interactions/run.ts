import * as cards from "../cards/index.ts";
import { CaseError, toCaseError } from "../core/errors.ts";
import type { Core, Ctx } from "../core/index.ts";
import type { Logger } from "../logger.ts";
import { errorCard } from "./error-card.ts";
import { buttons, isActionId, type AnyButton } from "./buttons.ts";
import { commands, readCommand, type AnyCommand } from "./commands.ts";
import type { CommandSource } from "./outcome.ts";
import { forms, isFormId, type FormEntry, type SubmissionSource } from "./forms.ts";
import type { Outcome, Where } from "./outcome.ts";
import { formValues, formState, parse } from "./values.ts";
import { reopenOffer } from "./reopen-offer.ts";

/**
 * The one way in for both adapters: a button pressed, a form submitted, a command
 * typed. Each runs its table entry (the input parsed with the entry's schema first) and
 * answers with an Outcome; a refusal is an Outcome too, carrying the user's message
 * (an unexpected failure gets a reference, and its cause goes to the log only).
 * Adapters decide nothing about what happens: they carry the Outcome.
 */
export interface Interactions {
  press(ctx: Ctx, id: string, value: string, where?: Where): Promise<Outcome>;
  submit(ctx: Ctx, callbackId: string, values: unknown, state: unknown, source?: SubmissionSource): Promise<Outcome>;
  type(ctx: Ctx, text: string, source?: CommandSource): Promise<Outcome>;
  /** A failure outside any entry (the user could not be resolved, a payload was malformed) as the user sees it. */
  refused(error: unknown): Extract<Outcome, { kind: "refused" }>;
}

const GONE = "That button is not available any more. Type help for what you can do.";

export function createInteractions(core: Core, logger: Logger): Interactions {
  const refused = (error: unknown): Extract<Outcome, { kind: "refused" }> => {
    const { card, failure } = errorCard(error, logger);
    return { kind: "refused", failure, card };
  };

  return {
    refused,

    async press(ctx, id, value, where = {}) {
      try {
        // A stale card (or a forged payload) may name a button we no longer have.
        if (!isActionId(id)) throw new CaseError("VALIDATION", { message: GONE });
        const entry: AnyButton = buttons[id];
        return await entry.press({ core, ctx }, parse(entry.value, value, "value") as never, where, logger);
      } catch (error) {
        return refused(error);
      }
    },

    async submit(ctx, callbackId, rawValues, rawState, source = {}) {
      if (!isFormId(callbackId)) return refused(new CaseError("VALIDATION", { message: "That form is not available any more. Type help for what you can do." }));
      const entry: FormEntry = forms[callbackId];
      let submitted;
      try {
        submitted = { values: parse(formValues, rawValues ?? {}, "values"), state: parse(formState, rawState ?? {}, "state") };
      } catch (error) {
        return refused(error);
      }
      const env = { core, ctx };
      try {
        return await entry.submit(env, submitted, source);
      } catch (error) {
        const failure = toCaseError(error);
        // A reply that cannot reopen a closed case becomes the offer of a new linked case.
        if (failure.code === "REOPEN_WINDOW_PASSED" && submitted.state.case) {
          return { kind: "done", text: failure.message, title: "Case closed", card: reopenOffer(failure.message, submitted.state.case) };
        }
        const { card } = errorCard(error, logger);
        const fallback = entry.fallback ?? entry.inputs[0] ?? Object.keys(submitted.values)[0] ?? "input";
        const errors = cards.formErrors(failure, entry.inputs, fallback);
        const draw = entry.again?.bind(entry);
        const again = draw
          ? async () => {
              try {
                return await draw(env, submitted, errors);
              } catch (drawing) {
                // The first failure is what the user is told; this one only says why the form cannot be shown with it.
                logger.debug({ err: drawing, callbackId }, "form not shown again with its errors");
                return undefined;
              }
            }
          : undefined;
        return { kind: "refused", failure, card, errors, again };
      }
    },

    async type(ctx, text, source = {}) {
      const typed = readCommand(text);
      const entry: AnyCommand = commands[typed.verb];
      try {
        return await entry.run({ core, ctx }, parse(entry.args, typed.args, "command") as never, source, logger);
      } catch (error) {
        const failure = toCaseError(error);
        const number = typed.args.number;
        if (failure.code === "REOPEN_WINDOW_PASSED" && number) return { kind: "reply", cards: [reopenOffer(failure.message, number)] };
        return refused(error);
      }
    },
  };
}
