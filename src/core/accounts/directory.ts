import type { CoreDeps } from "../deps.ts";
import { createAccountDirectory, type AccountDirectory } from "./account-directory.ts";
import { createIdentityDirectory, type IdentityDirectory } from "./identity-directory.ts";
import { createPartnerDirectory, type PartnerDirectory } from "./partner-directory.ts";
import { createPeopleDirectory, type PeopleDirectory } from "./people-directory.ts";

export type { AccountView } from "./account-directory.ts";

/**
 * Who is who, by subject: accounts (account-directory.ts), people (contacts and staff,
 * people-directory.ts), partners (partner-directory.ts) and chat identities
 * (identity-directory.ts); the rules they share in directory-rules.ts. One object for the
 * core's callers, so `core.directory.createContact` and the rest keep their names.
 */
export interface Directory extends AccountDirectory, PeopleDirectory, PartnerDirectory, IdentityDirectory {}

export function createDirectory(deps: CoreDeps): Directory {
  return { ...createAccountDirectory(deps), ...createPeopleDirectory(deps), ...createPartnerDirectory(deps), ...createIdentityDirectory(deps) };
}
