import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/adapters/shared/rate-limit.ts";

describe("rate limits for a chat user and their workspace", () => {
  const limits = { user: { burst: 3, perMinute: 6 }, tenant: { burst: 5, perMinute: 60 } };

  it("let a user make a burst, refuse the next request, and let them in again after a wait", () => {
    let t = 0;
    const limiter = createRateLimiter({ limits, now: () => t });
    const who = { platform: "slack", tenant: "T1", user: "U1" };
    expect([1, 2, 3].map(() => limiter.take(who).allowed)).toEqual([true, true, true]);
    const refused = limiter.take(who);
    expect(refused).toEqual({ allowed: false, scope: "user", retryAfterSeconds: 10, firstRefusal: true });
    // Refused again in the same flood: not the first refusal any more (nothing more to tell).
    expect(limiter.take(who)).toMatchObject({ allowed: false, firstRefusal: false });
    t += 10_000;
    expect(limiter.take(who).allowed).toBe(true);
  });

  it("bound a whole workspace, so many users of one tenant cannot flood the service", () => {
    const limiter = createRateLimiter({ limits, now: () => 0 });
    const verdicts = Array.from({ length: 7 }, (_, i) => limiter.take({ platform: "slack", tenant: "T1", user: `U${i}` }));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    expect(verdicts.at(-1)).toMatchObject({ allowed: false, scope: "tenant" });
    // Another workspace is not held back by the first.
    expect(limiter.take({ platform: "slack", tenant: "T2", user: "U0" }).allowed).toBe(true);
  });
});
