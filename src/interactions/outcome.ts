import type { FormCard, FormValues, HomeCard, MessageCard } from "../cards/index.ts";
import type { CaseView } from "../core/cases/presenter.ts";
import type { CaseError } from "../core/errors.ts";
import type { Core, Ctx } from "../core/index.ts";

/**
 * What an interaction gives back, whatever platform it came from. Adapters only carry
 * it: Slack as an ephemeral message, a modal or views.update; Teams as a message, a
 * dialog or the card an Action.Execute answers with.
 */
export type Outcome =
  /** Cards for the one who acted. `title` names them where they are shown as a form (an article over the new-case form). */
  | { kind: "reply"; cards: MessageCard[]; title?: string }
  /** A form to open (a modal, a dialog, or in a Teams chat the form itself); `update`: it replaces the form the button sits in (knowledge suggestions). */
  | { kind: "form"; form: FormCard; update?: boolean }
  /** The card the button sits on, drawn again (for the audience its thread follows the case for); `notice` to the one who acted. */
  | { kind: "redraw"; view: CaseView; notice?: MessageCard }
  /** The home dashboard (the Slack App Home tab; a card in Teams). */
  | { kind: "home"; home: HomeCard }
  /**
   * A form's work is done. `card` is shown in its place when there is something to read
   * (titled `title`), else the form closes saying `text`; `after` draws the card an inline
   * form (a Teams card) becomes; `endsFiling`: the new-case form underneath ends too.
   */
  | { kind: "done"; text: string; card?: MessageCard; title?: string; after?: () => Promise<MessageCard>; endsFiling?: boolean }
  /** Post this case's card where the command was typed; in a channel its thread then follows the case. */
  | { kind: "follow"; view: CaseView }
  /**
   * Refused: `card` says why. For a form, `errors` are the messages per input, and `again`
   * draws the form again with them and everything typed (undefined when it cannot be drawn).
   */
  | { kind: "refused"; failure: CaseError; card: MessageCard; errors?: Record<string, string>; again?: () => Promise<FormCard | undefined> };

/** Who acts, and the service they act through. */
export interface CommandSource {
  /** The channel or conversation it was typed in. */
  channel?: string;
  /**
   * What the place it was typed in can do with a form: open it (Slack's /case brings a
   * trigger for a modal), show it in the chat (a Teams card form), or neither (a message in
   * Slack's Messages tab), which gets a card whose button opens it. Default: open.
   */
  forms?: "open" | "inline" | "offer";
  /** The platform's id of this message, the same on every delivery of it: what the command writes is keyed by it. */
  deliveryId?: string;
  /** The reader's IANA time zone when the platform gives one (Teams' localTimezone): promises are told in it. */
  timeZone?: string;
}

export interface Env {
  core: Core;
  ctx: Ctx;
}

/** A form as it was when a button inside it was pressed (Slack: the modal's state; Teams: the dialog's submitted data). */
export interface OpenForm {
  callbackId: string;
  values: FormValues;
  state: Record<string, string>;
  /** The input whose change asked for this (Slack dispatch actions: "product", "subject"). */
  changed?: string;
}

/** Where a button was pressed. */
export interface Where {
  /** The channel or conversation it was pressed in, where there is one. */
  channel?: string;
  /** Pressed inside an open form (a Slack modal, a Teams dialog). */
  form?: OpenForm;
  /** The reader's IANA time zone when the platform gives one (Teams' localTimezone): promises are told in it. */
  timeZone?: string;
}
