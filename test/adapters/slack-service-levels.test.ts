import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, filing } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

/**
 * Service-level alerts delivered in Slack: a warning to the owner (the case's staff
 * thread) or to triage, a breach to on-call, an S1 breach to management; never to the
 * customer, and each once however often the sweep runs. The timing itself is walked
 * in test/core/sla-*.test.ts; here the case's due times are set in the past directly,
 * since the server runs on the real clock.
 */
describe("Slack: service-level warnings and breaches", () => {
  let s: SlackWorld;
  beforeAll(async () => {
    s = await startSlackWorld();
  });
  afterAll(() => s.close());

  const MINUTE = 60_000;
  async function fileWithTriage(subject: string, severity: "S1" | "S2") {
    const { case: c } = await s.t.app.core.cases.file(as(s.w.people.acmeUser.id), filing(s.w.accounts.acme.id, { subject, severity }));
    await s.t.app.worker!.runOnce();
    return c;
  }
  /** As if the first response's warning time (and, when `breached`, its due time) had passed. */
  async function overdue(caseId: string, breached: boolean) {
    const now = Date.now();
    await s.t.app.db.prisma.case.update({
      where: { id: caseId },
      data: { firstResponseWarnAt: new Date(now - 30 * MINUTE), firstResponseDueAt: new Date(now + (breached ? -10 : 10) * MINUTE), slaCheckAt: new Date(now - 30 * MINUTE) },
    });
  }
  const postsIn = (channel: string, text: string) => s.slack.of("chat.postMessage").filter((a) => a.channel === channel && JSON.stringify(a).includes(text));

  it("warns triage about an unowned case, then tells on-call of the breach, each once", async () => {
    const c = await fileWithTriage("Uploads stall at 99%", "S2");
    await overdue(c.id, false);
    expect((await s.t.app.core.cases.sweep()).serviceLevels).toEqual({ warnings: 1, breaches: 0 });
    await s.t.app.core.cases.sweep();
    await s.t.app.worker!.runOnce();
    expect(postsIn("CTRIAGE", `Due soon: case ${c.number}`)).toHaveLength(1);

    await overdue(c.id, true);
    expect((await s.t.app.core.cases.sweep()).serviceLevels).toEqual({ warnings: 0, breaches: 1 });
    await s.t.app.worker!.runOnce();
    const breach = postsIn("CONCALL", `Breached: case ${c.number}`);
    expect(breach).toHaveLength(1);
    expect(JSON.stringify(breach[0])).toContain("min late");
    expect(s.slack.of("chat.postMessage").filter((a) => a.channel !== "CTRIAGE" && a.channel !== "CONCALL" && JSON.stringify(a).includes(c.number) && /Breached|Due soon/.test(JSON.stringify(a)))).toEqual([]);
  });

  it("warns the owner in the case's staff thread, and sends an S1 breach to management", async () => {
    const c = await fileWithTriage("Playback down for everyone", "S1");
    await s.t.app.core.cases.take(as(s.w.people.engineer.id), c.number);
    const thread = await s.t.app.db.prisma.caseThread.findFirstOrThrow({ where: { caseId: c.id, audience: "STAFF" } });
    await overdue(c.id, false);
    await s.t.app.core.cases.sweep();
    await s.t.app.worker!.runOnce();
    const warning = postsIn("CTRIAGE", `Due soon: case ${c.number}`);
    expect(warning).toHaveLength(1);
    expect(warning[0]!.thread_ts).toBe(thread.threadId);
    await overdue(c.id, true);
    await s.t.app.core.cases.sweep();
    await s.t.app.worker!.runOnce();
    expect(postsIn("CMGMT", `Breached: case ${c.number} (S1)`)).toHaveLength(1);
    expect(postsIn("CONCALL", `Breached: case ${c.number}`)).toHaveLength(0);
  });
});
