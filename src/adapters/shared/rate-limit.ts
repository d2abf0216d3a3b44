/**
 * Rate limits per chat user and per workspace or tenant, so one signed-in party
 * cannot flood the service. Token buckets in this process's memory: each key may
 * spend `burst` requests at once and earns `perMinute` back per minute. With N
 * server instances behind a balancer a party gets at most N times the limit, which
 * still bounds a flood; a limit shared through the database would cost every
 * request a round trip, and the query budget has none to spare.
 */
export interface RateLimitRule {
  /** Requests a key may make at once. */
  burst: number;
  /** Requests a key earns back per minute. */
  perMinute: number;
}

export interface RateLimits {
  /** One chat user (platform, workspace or tenant, user). */
  user: RateLimitRule;
  /** A whole workspace or tenant. */
  tenant: RateLimitRule;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  user: { burst: 30, perMinute: 60 },
  tenant: { burst: 300, perMinute: 1_200 },
};

/** What a refused request is told: polite, and when to try again. */
export const RATE_LIMITED_MESSAGE = "You are sending requests faster than carebot can take them. Please wait a minute and try again.";

/**
 * `firstRefusal` is true for the first request refused since the key last got through:
 * a refusal that costs a message of our own (Teams' "please slow down") is sent once,
 * so a flood is not turned into as many outbound calls.
 */
export type RateVerdict = { allowed: true } | { allowed: false; scope: "user" | "tenant"; retryAfterSeconds: number; firstRefusal: boolean };

interface Bucket {
  tokens: number;
  at: number;
  /** A refusal was already given since the last request that got through. */
  refused?: boolean;
}

export interface RateLimiter {
  /** Spends one request for this user and their workspace or tenant; refuses when either is empty. */
  take(who: { platform: string; tenant: string; user?: string }): RateVerdict;
}

/** Keys not seen for this long are forgotten, so the maps stay small. */
const FORGET_AFTER_MS = 10 * 60 * 1000;

export function createRateLimiter(options: { limits?: RateLimits; now?: () => number } = {}): RateLimiter {
  const limits = options.limits ?? DEFAULT_RATE_LIMITS;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  const refill = (key: string, rule: RateLimitRule, t: number): Bucket => {
    const b = buckets.get(key) ?? { tokens: rule.burst, at: t };
    const earned = ((t - b.at) / 60_000) * rule.perMinute;
    b.tokens = Math.min(rule.burst, b.tokens + Math.max(0, earned));
    b.at = t;
    buckets.set(key, b);
    return b;
  };
  const wait = (b: Bucket, rule: RateLimitRule) => Math.max(1, Math.ceil(((1 - b.tokens) / rule.perMinute) * 60));

  return {
    take(who) {
      const t = now();
      if (t - lastSweep > FORGET_AFTER_MS) {
        for (const [key, b] of buckets) if (t - b.at > FORGET_AFTER_MS) buckets.delete(key);
        lastSweep = t;
      }
      const tenant = refill(`t|${who.platform}|${who.tenant}`, limits.tenant, t);
      const user = who.user ? refill(`u|${who.platform}|${who.tenant}|${who.user}`, limits.user, t) : undefined;
      const refuse = (b: Bucket, scope: "user" | "tenant", rule: RateLimitRule): RateVerdict => {
        const firstRefusal = !b.refused;
        b.refused = true;
        return { allowed: false, scope, retryAfterSeconds: wait(b, rule), firstRefusal };
      };
      if (user && user.tokens < 1) return refuse(user, "user", limits.user);
      if (tenant.tokens < 1) return refuse(tenant, "tenant", limits.tenant);
      tenant.tokens -= 1;
      tenant.refused = false;
      if (user) {
        user.tokens -= 1;
        user.refused = false;
      }
      return { allowed: true };
    },
  };
}
