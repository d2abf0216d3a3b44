/**
 * The permissions matrix of ../shared/spec/case-workflow.md, as pure functions.
 *
 * | user of a…   | accounts                          | cases                                             |
 * | parent       | view/edit itself and its subs     | view/create/edit its own and every sub's          |
 * | sub-account  | view/edit itself                  | view/create/edit its own; view/edit its siblings' |
 * | standard     | view/edit itself                  | view/create/edit its own                          |
 *
 * Nothing else is visible. Staff see all; partner staff see (and answer) only cases
 * handed to their partner; the operator (the local CLI) administers everything.
 */
export type AccountType = "STANDARD" | "PARENT" | "SUB";

export interface AccountPlace {
  accountId: string;
  type: AccountType;
  parentId: string | null;
  /** Sub-accounts of a parent; empty otherwise. */
  childIds: string[];
  /** Other sub-accounts of the same parent; empty unless a sub-account. */
  siblingIds: string[];
}

export type Actor =
  /** `phone` is the contact's own, the default phone of the cases they file. */
  | { kind: "contact"; personId: string; name: string; place: AccountPlace; phone?: string | null; timeZone?: string | null }
  | { kind: "staff"; personId: string; name: string; role: "ENGINEER" | "MANAGER" }
  | { kind: "partner"; personId: string; name: string; partnerId: string }
  | { kind: "operator" }
  | { kind: "system" };

export interface CustomerReach {
  viewAccounts: string[];
  editAccounts: string[];
  viewCases: string[];
  createCases: string[];
  editCases: string[];
}

/** Which accounts a customer reaches, per operation. */
export function customerReach(place: AccountPlace): CustomerReach {
  const own = [place.accountId];
  switch (place.type) {
    case "PARENT": {
      const all = [...own, ...place.childIds];
      return { viewAccounts: all, editAccounts: all, viewCases: all, createCases: all, editCases: all };
    }
    case "SUB": {
      const withSiblings = [...own, ...place.siblingIds];
      return { viewAccounts: own, editAccounts: own, viewCases: withSiblings, createCases: own, editCases: withSiblings };
    }
    case "STANDARD":
      return { viewAccounts: own, editAccounts: own, viewCases: own, createCases: own, editCases: own };
  }
}

export type CaseAction =
  | "view"
  | "create"
  /** Customer-side changes: reply, edit details, escalate, recommend to close. */
  | "edit"
  /** A public answer; partner staff may give it on cases handed to them. */
  | "answer"
  /** Take, assign, status, severity, priority, ask, internal notes, close, hand to partner, credentials. */
  | "staff";

export interface CaseTarget {
  accountId: string;
  partnerId: string | null;
}

export function canOnCase(actor: Actor, action: CaseAction, target: CaseTarget): boolean {
  switch (actor.kind) {
    case "operator":
    case "system":
      return true;
    case "staff":
      return true;
    case "partner":
      return target.partnerId === actor.partnerId && (action === "view" || action === "answer");
    case "contact": {
      const reach = customerReach(actor.place);
      switch (action) {
        case "view":
          return reach.viewCases.includes(target.accountId);
        case "create":
          return reach.createCases.includes(target.accountId);
        case "edit":
        case "answer":
          return reach.editCases.includes(target.accountId);
        case "staff":
          return false;
      }
    }
  }
}

export type AccountAction = "view" | "edit" | "administer";

export function canOnAccount(actor: Actor, action: AccountAction, accountId: string): boolean {
  switch (actor.kind) {
    case "operator":
    case "system":
      return true;
    case "staff":
      return true;
    case "partner":
      return false;
    case "contact": {
      if (action === "administer") return false;
      const reach = customerReach(actor.place);
      return (action === "view" ? reach.viewAccounts : reach.editAccounts).includes(accountId);
    }
  }
}

export function isStaff(actor: Actor): actor is Extract<Actor, { kind: "staff" }> {
  return actor.kind === "staff";
}

/** Staff-side privileges: vendor staff, the operator and the system's own automation. */
export function isVendorSide(actor: Actor): boolean {
  return actor.kind === "staff" || actor.kind === "operator" || actor.kind === "system";
}
