import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageCard } from "../../src/cards/index.ts";
import { createChatDelivery, type ChatPlatform } from "../../src/adapters/shared/chat-delivery.ts";
import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import { createEmailDelivery } from "../../src/delivery/email.ts";
import { createDeliveryWorker } from "../../src/delivery/worker.ts";
import { FakeSmtp } from "../fakes/smtp.ts";
import { as, filing, useWorld } from "../support/world.ts";

const DAY = 24 * 60 * 60 * 1000;
/** A support organisation that keeps closed cases open to a reply for two weeks. */
const catalog = { ...DEFAULT_CATALOG, timers: { ...DEFAULT_CATALOG.timers, reopenWindowDays: 14 } };

/** What a chat platform was asked to post into threads (a recording stand-in for Slack or Teams). */
function recordingChat(): ChatPlatform & { posted: { threadId: string; card: MessageCard }[] } {
  const posted: { threadId: string; card: MessageCard }[] = [];
  return {
    posted,
    platform: "slack",
    channels: {},
    dmFallback: false,
    postInThread: async (t, card) => {
      posted.push({ threadId: t.threadId, card });
      return `${posted.length}`;
    },
    postInChannel: async () => undefined,
    directMessage: async () => null,
    refreshRoot: async () => undefined,
    partnerChannel: () => undefined,
  };
}

const text = (card: MessageCard) => card.blocks.map((b) => ("text" in b ? b.text : "")).join(" ");

describe("the close notice tells the catalog's reopen window", () => {
  const s = useWorld({ catalog });
  let smtp: FakeSmtp;
  beforeAll(async () => {
    smtp = new FakeSmtp();
    await smtp.start();
  });
  afterAll(() => smtp.stop());

  async function caseInThread(subject: string, threadId: string) {
    const ada = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject, cc: ["boss@acme.test"] }));
    await s.t.core.threads.follow(ada, { case: c.number, platform: "slack", tenantId: "T1", channelId: "C1", threadId, audience: "CUSTOMER" });
    return c;
  }

  function worker(chat: ChatPlatform) {
    const channels = [createChatDelivery(s.t.core, chat, s.t.logger), createEmailDelivery({ core: s.t.core, smtpUrl: smtp.url, from: "support@vendor.test", logger: s.t.logger })];
    return createDeliveryWorker({ core: s.t.core, clock: s.t.clock, logger: s.t.logger, channels, intervalMs: 60_000, maxAttempts: 3 });
  }

  it("when an engineer closes the case, chat and email both say 'Reply within 14 days'", async () => {
    const chat = recordingChat();
    const c = await caseInThread("Closed by staff", "100.1");
    await s.t.core.cases.close(as(s.w.people.engineer.id), c.number, { reason: "SOLUTION_PROVIDED", note: "Fixed in 7.3." });
    await worker(chat).runOnce();

    const closed = chat.posted.find((p) => p.threadId === "100.1" && text(p.card).includes("was closed"));
    expect(text(closed!.card)).toContain("Fixed in 7.3. Reply within 14 days to reopen it.");
    await expect.poll(() => smtp.messages.find((m) => m.subject?.includes("Closed by staff") && m.text?.includes("was closed"))?.text).toContain("Reply within 14 days to reopen it.");
    expect(JSON.stringify(chat.posted)).not.toContain("7 days");
  });

  it("when the clock closes a case nobody answered, the notice says the same window", async () => {
    const chat = recordingChat();
    const c = await caseInThread("Closed by the clock", "200.1");
    await s.t.core.cases.askCustomer(as(s.w.people.engineer.id), c.number, { body: "Does it work now?" });
    s.t.clock.advance((catalog.timers.autoCloseAfterDays + 1) * DAY);
    await s.t.core.cases.sweep();
    await worker(chat).runOnce();

    const closed = chat.posted.find((p) => p.threadId === "200.1" && text(p.card).includes("was closed"));
    expect(text(closed!.card)).toContain("We did not hear back");
    expect(text(closed!.card)).toContain("Reply within 14 days to reopen it.");
  });
});
