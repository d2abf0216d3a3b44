import { describe, expect, it } from "vitest";
import { CannotDeliver, createDeliveryWorker, RetryLater, type DeliveryChannel } from "../../src/delivery/worker.ts";
import { as, filing, useWorld } from "../support/world.ts";

describe("a notification that can never be delivered", () => {
  const s = useWorld();

  function workerWith(channel: DeliveryChannel) {
    return createDeliveryWorker({ core: s.t.core, clock: s.t.clock, logger: s.t.logger, channels: [channel], intervalMs: 60_000, maxAttempts: 8 });
  }

  it("is DEAD after its first attempt, with the reason kept for the operator, when the destination is refused for good", async () => {
    await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id));
    let attempts = 0;
    const worker = workerWith({
      name: "refusing",
      deliver: async () => {
        attempts += 1;
        throw new CannotDeliver("Teams delivery refused: the conversation's service URL is not an allowed host");
      },
    });
    await worker.runOnce();
    s.t.clock.advance(60 * 60 * 1000);
    await worker.runOnce();
    expect(attempts).toBe(1);
    const dead = await s.t.core.outbox.list("dead");
    expect(dead.rows.map((n) => n.lastError)).toContain("Teams delivery refused: the conversation's service URL is not an allowed host");
  });

  it("is retried later, not given up, when the platform only asks to wait", async () => {
    await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id));
    const worker = workerWith({
      name: "throttled",
      deliver: async () => {
        throw new RetryLater("throttled", 5_000);
      },
    });
    await worker.runOnce();
    const failed = await s.t.core.outbox.list("failed");
    expect(failed.rows.map((n) => n.lastError)).toContain("throttled");
    expect((await s.t.core.outbox.list("dead")).rows.filter((n) => n.lastError === "throttled")).toHaveLength(0);
  });
});
