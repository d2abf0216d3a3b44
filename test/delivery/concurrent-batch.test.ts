import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RetryLater, type DeliveryChannel } from "../../src/core/notify/delivery-port.ts";
import type { ClaimedNotification } from "../../src/core/notify/events.ts";
import { createPacer } from "../../src/core/notify/pacer.ts";
import { createDeliveryWorker } from "../../src/delivery/worker.ts";
import { as, filing, useWorld } from "../support/world.ts";

/**
 * When many customers file at once, the outbox must not hand out cards one at a time:
 * a claimed batch is delivered concurrently, up to a bound, while each case's
 * notifications still arrive in the order they were written (a thread hears a case's
 * changes in order), and a platform that says "slow down" slows every delivery to it.
 */
describe("a claimed batch is delivered concurrently, each case in order", () => {
  const s = useWorld();

  /** N cases with `perCase` severity changes each, oldest first; returns their ids in filing order. */
  async function outbox(cases: number, perCase: number, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < cases; i++) {
      const { case: c } = await s.t.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject: `${label} ${i}` }));
      const row = await s.t.db.prisma.case.findFirstOrThrow({ where: { subject: `${label} ${i}` } });
      await s.t.db.prisma.notification.deleteMany({ where: { caseId: row.id } });
      ids.push(row.id);
      const at = s.t.clock.now().getTime();
      await s.t.db.prisma.notification.createMany({
        data: Array.from({ length: perCase }, (_, k) => ({
          id: randomUUID(),
          caseId: row.id,
          event: "case.severity_changed",
          payload: { number: c.number, subject: label, from: "S3", to: "S2", reason: `step ${k}` },
          availableAt: new Date(at),
          createdAt: new Date(at + k),
        })),
      });
    }
    return ids;
  }

  /** A channel that takes 40 ms a delivery and remembers what was in flight at once. */
  function slowChannel(fail?: (n: ClaimedNotification) => Error | undefined) {
    const order = new Map<string, string[]>();
    let inFlight = 0;
    let most = 0;
    const channel: DeliveryChannel = {
      name: "slow",
      deliver: async (n) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 40));
          const error = fail?.(n);
          if (error) throw error;
          const reason = n.event === "case.severity_changed" ? (n.payload.reason ?? "") : "";
          order.set(n.caseId!, [...(order.get(n.caseId!) ?? []), reason]);
        } finally {
          inFlight -= 1;
        }
      },
    };
    return { channel, order, most: () => most };
  }

  const worker = (channel: DeliveryChannel, concurrency?: number) =>
    createDeliveryWorker({ core: s.t.core, clock: s.t.clock, logger: s.t.logger, channels: [channel], intervalMs: 60_000, maxAttempts: 8, batchSize: 100, concurrency });

  it("twenty cases of three notifications each: delivered several at a time, never more than the bound, each case in order", async () => {
    const cases = await outbox(20, 3, "Burst");
    const slow = slowChannel();
    const started = performance.now();
    expect(await worker(slow.channel, 8).runOnce()).toBe(60);
    const ms = performance.now() - started;

    expect(slow.most()).toBe(8);
    for (const id of cases) expect(slow.order.get(id)).toEqual(["step 0", "step 1", "step 2"]);
    // One at a time, 60 deliveries of 40 ms would take 2.4 s at least.
    expect(ms).toBeLessThan(2_000);
  });

  it("when a case's notification fails, its later ones wait behind it (their attempt not counted); other cases go on", async () => {
    const [stuck, fine] = await outbox(2, 3, "Halted");
    const slow = slowChannel((n) => (n.caseId === stuck && n.event === "case.severity_changed" && n.payload.reason === "step 1" ? new Error("platform hiccup") : undefined));
    expect(await worker(slow.channel).runOnce()).toBe(4);

    expect(slow.order.get(fine!)).toEqual(["step 0", "step 1", "step 2"]);
    expect(slow.order.get(stuck!)).toEqual(["step 0"]);
    const rows = await s.t.db.prisma.notification.findMany({ where: { caseId: stuck }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["DELIVERED", 1],
      ["PENDING", 1],
      ["PENDING", 0],
    ]);
    // The one behind waits exactly as long as the one that failed.
    expect(rows[2]!.availableAt.getTime()).toBe(rows[1]!.availableAt.getTime());
  });

  it("a platform asking the app to wait pauses the whole channel until then, without calling it again", async () => {
    const throttled = await outbox(6, 1, "Throttled");
    let calls = 0;
    const channel: DeliveryChannel = {
      name: "throttling",
      deliver: async () => {
        calls += 1;
        throw new RetryLater("rate limited", 30_000, { wholeChannel: true });
      },
    };
    // One at a time, so the first 429 is seen before any other call starts.
    expect(await worker(channel, 1).runOnce()).toBe(0);
    expect(calls).toBe(1);
    const rows = await s.t.db.prisma.notification.findMany({ where: { caseId: { in: throttled } } });
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill("PENDING"));
    const soonest = Math.min(...rows.map((r) => r.availableAt.getTime()));
    expect(soonest - s.t.clock.now().getTime()).toBeGreaterThan(29_000);
    // Only the one that met the 429 spent an attempt; the others merely waited for the pause.
    expect(rows.map((r) => r.attempts).sort()).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it("a pacer lets a second's worth through at once, then one per interval, in order", async () => {
    // Every call asks at the same instant of the pacer's clock: only its own waits space them.
    const pacer = createPacer(5, () => 0);
    const waited: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await pacer.take();
      waited.push(Math.round((performance.now() - t0) / 10) * 10);
    }
    expect(waited.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waited[5]).toBeGreaterThanOrEqual(190);
  });
});
