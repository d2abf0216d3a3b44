import type { Config } from "../../config.ts";
import type { Core } from "../../core/index.ts";

/**
 * The vendor's own Teams tenants, where a first-time user is matched to a contact by
 * email in any account (as before issue 13): the tenant the app is registered in
 * (TEAMS_APP_TENANT_ID), or in local mode every tenant, since local mode serves only
 * loopback clients (the Emulator, Agents Playground) whose tenant ids are made up.
 * Any other tenant must be linked to an account (`workspaces link --platform teams`).
 */
export function declareOwnTeamsTenants(core: Core, config: Config): void {
  core.workspaces.declareOwn("teams", config.TEAMS_LOCAL ? "every" : config.TEAMS_APP_TENANT_ID ? [config.TEAMS_APP_TENANT_ID] : []);
}
