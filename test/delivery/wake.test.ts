import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "../adapters/slack-setup.ts";

/**
 * The in-process delivery worker does not make a customer wait for its interval: a
 * new case wakes it, and a full batch is followed at once by the next one.
 */
describe("the delivery worker wakes when a case is filed", () => {
  let s: SlackWorld;
  beforeAll(async () => {
    // Once a minute on its own, five at a time.
    s = await startSlackWorld({ DELIVERY_INTERVAL_MS: "60000", DELIVERY_BATCH_SIZE: "5" });
  });
  afterAll(async () => {
    await s.t.app.worker!.stop();
    await s.close();
  });

  it("a backlog of twelve cases and one new filing are all delivered within seconds, not at the next interval", async () => {
    const ada = as(s.w.people.acmeUser.id);
    for (let i = 0; i < 12; i++) await s.t.app.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: `Backlog ${i}` }));
    s.t.app.worker!.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.slack.of("chat.postMessage")).toHaveLength(0); // nothing rang yet: the worker waits for its interval

    const started = performance.now();
    await s.t.app.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "The one that rings" }));
    await s.slack.waitFor("chat.postMessage", (a) => String(a.text).includes("The one that rings"), 5000);
    await expect.poll(() => s.slack.of("chat.postMessage").filter((a) => a.channel === "CTRIAGE").length, { timeout: 5000 }).toBe(13);
    console.log(`13 triage cards (batches of 5) in ${(performance.now() - started).toFixed(0)} ms after the filing rang`);
    await expect.poll(() => s.t.app.db.prisma.notification.count({ where: { status: { not: "DELIVERED" } } }), { timeout: 5000 }).toBe(0);
  });
});
