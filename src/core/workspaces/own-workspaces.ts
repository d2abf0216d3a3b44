type Platform = "slack" | "teams";

/**
 * The vendor's own Slack workspaces and Teams tenants: there, a first-time chat user is
 * matched to a contact by email in whatever account (today's single-workspace matching),
 * because only the vendor's own people are in them. Declared by the server at start-up
 * from its settings, never from a request: with SLACK_BOT_TOKEN alone, the one workspace
 * the token belongs to (auth.test's team); for Teams, TEAMS_APP_TENANT_ID, or every
 * tenant in local mode (loopback only, no token checks, for the Emulator). Everywhere
 * else a workspace must be linked to an account first (WorkspaceLink).
 */
export class OwnWorkspaces {
  readonly #own = new Map<Platform, ReadonlySet<string> | "every">();

  /** Replaces what counts as the vendor's own on one platform. */
  declare(platform: Platform, tenants: readonly string[] | "every"): void {
    this.#own.set(platform, tenants === "every" ? "every" : new Set(tenants.filter(Boolean)));
  }

  includes(ref: { platform: Platform; tenantId: string }): boolean {
    const own = this.#own.get(ref.platform);
    return own === "every" || (own?.has(ref.tenantId) ?? false);
  }
}

// One per core (keyed by the deps object it was built from), so several cores in one
// process (tests, the playground) never share a declaration. Any object will do as the
// key: this module needs nothing of the deps, and so imports nothing of the core's.
const byDeps = new WeakMap<object, OwnWorkspaces>();

export function ownWorkspaces(deps: object): OwnWorkspaces {
  let own = byDeps.get(deps);
  if (!own) byDeps.set(deps, (own = new OwnWorkspaces()));
  return own;
}
