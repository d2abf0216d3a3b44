import { z } from "zod";
import * as cards from "../../cards/index.ts";
import { buildIdentityApprovalCard } from "../../cards/identity-claims.ts";
import { buildHeldEmailAlert } from "../../cards/email-cards.ts";
import type { CaseOrigin } from "../../core/cases/schemas.ts";
import type { FollowedThread } from "../../core/follow/threads.ts";
import { escalationLabel, eventNotices, serviceLevelNotice, type EventNotice, type NoticeAudience } from "../../cards/notices.ts";
import { buildSatisfactionSurvey } from "../../cards/satisfaction.ts";
import { buildWeeklySummaryCard } from "../../cards/weekly-summary.ts";
import { customerThreads } from "../../satisfaction/email.ts";
import type { Core, Ctx } from "../../core/index.ts";
import { CannotDeliver, type DeliveryChannel } from "../../core/notify/delivery-port.ts";
import type { ClaimedNotification, NotificationPayload } from "../../core/notify/events.ts";
import type { Logger } from "../../logger.ts";

/**
 * Delivering the outbox into a chat platform: which event goes where is decided
 * here once, for Slack and Teams alike. A new case's card goes where the customer
 * asked for it (whose thread then follows the case for them) and to the triage channel
 * (whose thread then follows the case for staff), comments and changes into every thread that
 * follows the case (internal notes only into staff threads, never back into the thread
 * they came from), escalations to the on-call or management channel, hand-offs to the
 * partner's channel, and a DM to the customer when no thread follows their case. Each
 * destination is sent once per notification (receipts); a platform only says how to post.
 */
export interface ChatPlatform {
  platform: "slack" | "teams";
  channels: { triage?: string; oncall?: string; management?: string };
  dmFallback: boolean;
  /** Posts into a followed thread; returns the new message's id. */
  postInThread(thread: FollowedThread, card: cards.MessageCard): Promise<string | undefined>;
  /** Starts a new message in a channel; returns its id, the root of its thread. */
  postInChannel(channelId: string, card: cards.MessageCard): Promise<string | undefined>;
  /** What the platform must keep to post into that thread later (Teams: a conversation reference). */
  threadReference?(channelId: string, threadId: string): Promise<Record<string, unknown> | undefined>;
  /** A direct message to the case's contact; undefined when they cannot be reached on this platform. */
  directMessage(caseId: string, card: cards.MessageCard): Promise<string | undefined | null>;
  /** Redraws the card at the root of a thread. */
  refreshRoot(thread: FollowedThread, card: cards.MessageCard): Promise<void>;
  /** The channel of a partner's destination ("slack:C123", "teams:19:…"), when it is on this platform. */
  partnerChannel(destination: unknown): string | undefined;
  /**
   * Posts a new case's card where the customer asked for it (Slack: the channel, or
   * their DM when the bot cannot post there; Teams: a new thread at the top of a channel,
   * a reply inside a channel thread, the message in a chat) and says where it landed. Without it, this platform's customers get no card from the outbox.
   */
  postToOrigin?(origin: CaseOrigin, card: cards.MessageCard): Promise<OriginLanding>;
  /**
   * The same platform restricted to destinations on this machine (Teams local mode: a
   * loopback serviceUrl), for demo data: its cards may reach the local playground, never a
   * real channel. Absent (Slack): every destination of a demo case is refused.
   */
  demo?: ChatPlatform;
}

/**
 * Where a case card landed. `threadId` is the root of the thread that will follow the
 * case (the card itself, or the thread it joined); `follow: false` where threads do
 * not exist (a Teams personal chat). Kept as the receipt's external id, so a retry
 * after a crash makes the same thread follow the case without posting again.
 */
const originLandingSchema = z.object({
  channelId: z.string().min(1),
  threadId: z.string().min(1),
  follow: z.boolean(),
  reference: z.record(z.string(), z.unknown()).optional(),
});
export type OriginLanding = z.infer<typeof originLandingSchema>;

const SYSTEM: Ctx = { actor: { system: true }, source: "system" };
/** The receipt of a destination refused for good starts with this, then the reason. */
const REFUSED = "refused: ";

/** Runs every step even when an earlier one fails; then throws the first failure, if any. */
async function allTried(...steps: (() => Promise<void>)[]): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      // Kept and thrown after the other steps: the worker then retries (or marks DEAD) the notification.
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
type Audience = NoticeAudience;
/** Recorded (as a refused receipt) for each destination a demo case's notification is kept from. */
export const DEMO_REFUSED = "demo data is not delivered to real destinations";

export function createChatDelivery(core: Core, platform: ChatPlatform, logger: Logger): DeliveryChannel {
  const log = logger.child({ module: `delivery/${platform.platform}` });

  /**
   * One destination, once. A destination refused for good (CannotDeliver: a stored
   * conversation on a host we do not trust) is recorded as refused and skipped, so the
   * notification still reaches every other thread, channel and email, and no retry
   * tries that destination again.
   */
  const once = async (n: ClaimedNotification, target: string, send: () => Promise<string | undefined>) => {
    let sent;
    try {
      sent = await core.outbox.once(n.id, target, send);
    } catch (error) {
      if (!(error instanceof CannotDeliver)) throw error;
      log.warn({ err: error, notificationId: n.id, target }, "destination refused for good: skipped");
      sent = await core.outbox.once(n.id, target, async () => `${REFUSED}${error.message}`.slice(0, 200));
    }
    // A refused destination has no message: nothing to follow or redraw there.
    return sent.externalId?.startsWith(REFUSED) ? { ...sent, externalId: null } : sent;
  };

  async function toThreads(chat: ChatPlatform, n: ClaimedNotification, threads: FollowedThread[], audiences: Audience[], card: cards.MessageCard, all: FollowedThread[], dm = true) {
    for (const t of threads.filter((x) => audiences.includes(x.audience))) await once(n, `thread:${t.channelId}:${t.threadId}`, () => chat.postInThread(t, card));
    // No customer thread anywhere (on any platform): the customer hears about their case directly.
    if (dm && chat.dmFallback && n.caseId && audiences.includes("CUSTOMER") && !all.some((t) => t.audience === "CUSTOMER")) {
      const caseId = n.caseId;
      await once(n, "dm", async () => (await chat.directMessage(caseId, card)) ?? undefined);
    }
  }

  async function toChannel(chat: ChatPlatform, n: ClaimedNotification, target: string, channelId: string, card: cards.MessageCard, follow?: { number: string; audience: Audience }) {
    const sent = await once(n, target, () => chat.postInChannel(channelId, card));
    if (follow && sent.externalId) {
      const reference = await chat.threadReference?.(channelId, sent.externalId);
      await core.threads.follow(SYSTEM, { case: follow.number, platform: chat.platform, tenantId: target, channelId, threadId: sent.externalId, audience: follow.audience, ...(reference ? { reference } : {}) });
    }
  }

  /** The customer's card where they filed the case; its thread then follows the case for them. Once per notification (receipt "origin"). */
  async function toOrigin(chat: ChatPlatform, n: ClaimedNotification, caseId: string, origin: CaseOrigin) {
    const postToOrigin = chat.postToOrigin;
    if (!postToOrigin) {
      // Nothing to retry: this platform's adapter posts no origin cards (yet); the triage card still goes out.
      log.warn({ notificationId: n.id, platform: chat.platform }, "a case filed here has no card: this platform cannot post to a filing's origin");
      return;
    }
    const view = await core.cases.viewForAudience(caseId, "CUSTOMER");
    const sent = await once(n, "origin", async () => JSON.stringify(await postToOrigin(origin, cards.buildCaseCard(view, core.catalog))));
    const landing = originLandingSchema.parse(JSON.parse(sent.externalId ?? "null"));
    if (!landing.follow) return;
    // Filed from inside a thread that already follows another case (a Teams dialog opened from that case's
    // thread): the card is there, and the thread keeps its case. Following would be refused every time,
    // and the notification retried until it is dead for nothing.
    const following = await core.threads.caseOfThread({ platform: chat.platform, channelId: landing.channelId, threadId: landing.threadId });
    if (following && following.caseId !== caseId) {
      log.info({ notificationId: n.id, caseId, followedCase: following.number }, "case card posted into a thread that follows another case: the thread keeps following that one");
      return;
    }
    const reference = landing.reference ?? (await chat.threadReference?.(landing.channelId, landing.threadId));
    await core.threads.follow(SYSTEM, {
      case: view.number, platform: chat.platform, tenantId: origin.tenantId, channelId: landing.channelId, threadId: landing.threadId, audience: "CUSTOMER",
      ...(reference ? { reference } : {}),
    });
  }

  async function refreshRoots(chat: ChatPlatform, caseId: string, threads: FollowedThread[]) {
    for (const t of threads) {
      const view = await core.cases.viewForAudience(caseId, t.audience);
      await chat.refreshRoot(t, t.audience === "STAFF" ? cards.buildTriageCard(view, core.catalog) : cards.buildCaseCard(view, core.catalog));
    }
  }

  /** Each notice to the threads of its audience (comment: not back into the thread it came from). */
  async function toAudiences(chat: ChatPlatform, n: ClaimedNotification, threads: FollowedThread[], notices: EventNotice[], all: FollowedThread[], dm = true) {
    for (const { audience, card } of notices) await toThreads(chat, n, threads, [audience], card, all, dm);
  }

  /**
   * Where each event goes on this platform; the words come from eventNotices (src/cards),
   * the same for every platform and for email, whose exhaustive switch makes a new event
   * say what it says to whom. Only events that also reach a channel (a new case's cards,
   * escalations, hand-offs) or go to threads differently (comments) have a case here.
   */
  async function deliverVia(chat: ChatPlatform, n: ClaimedNotification, caseId: string): Promise<void> {
    const all = await core.threads.threadsOf(caseId);
    const mine = all.filter((t) => t.platform === chat.platform);
    const notices = async () => eventNotices(n, await core.cases.viewForAudience(caseId, "STAFF"), core.catalog);

    switch (n.event) {
      case "case.filed": {
        const { origin } = n.payload;
        const triage = chat.channels.triage;
        // The customer's card first (they are waiting for it), but a card that cannot be posted does not keep
        // the case from triage: both are tried, the first failure is retried (receipts skip what went out).
        await allTried(
          async () => {
            if (origin?.platform === chat.platform) await toOrigin(chat, n, caseId, origin);
          },
          async () => {
            if (!triage) return;
            const view = await core.cases.viewForAudience(caseId, "STAFF");
            await toChannel(chat, n, "triage", triage, cards.buildTriageCard(view, core.catalog), { number: view.number, audience: "STAFF" });
          },
        );
        return;
      }
      case "case.comment": {
        const origin = n.payload.originThread;
        const view = await core.cases.viewForAudience(caseId, "STAFF");
        const targets = mine.filter((t) => !(origin?.platform === chat.platform && origin.channelId === t.channelId && origin.threadId === t.threadId));
        const author = view.comments.find((c) => c.id === n.payload.commentId)?.author;
        // Internal notes reach staff threads only (eventNotices); the customer is not DMed their own words.
        await toAudiences(chat, n, targets, eventNotices(n, view, core.catalog), all, author?.id !== view.contact.id);
        return;
      }
      case "case.escalated": {
        await toEscalationRoute(chat, n, caseId, n.payload);
        await toAudiences(chat, n, mine, await notices(), all);
        return;
      }
      case "case.partner_handoff": {
        const channel = chat.partnerChannel(n.payload.channel);
        if (channel) {
          const view = await core.cases.viewForAudience(caseId, "PARTNER");
          // The partner's thread sees what customers see: never internal notes.
          await toChannel(chat, n, `partner:${channel}`, channel, cards.buildCaseCard(view, core.catalog), { number: view.number, audience: "CUSTOMER" });
        }
        break;
      }
      case "case.satisfaction_survey": {
        // Buttons into the customer's own threads only (no DM): with none anywhere, the contact is asked by email.
        const threads = customerThreads(mine);
        if (threads.length > 0) await toThreads(chat, n, threads, ["CUSTOMER"], buildSatisfactionSurvey(n.payload), all, false);
        return;
      }
      case "case.sla_warning":
      case "case.sla_breach": {
        // The owner hears it in the case's staff threads on this platform; without an owner (or a staff thread here), triage does.
        const staffThreads = mine.filter((t) => t.audience === "STAFF");
        const card = serviceLevelNotice(n.event, n.payload);
        if (n.payload.route === "owner" && staffThreads.length > 0) {
          await toThreads(chat, n, staffThreads, ["STAFF"], card, all, false);
          return;
        }
        const channel = n.payload.route === "management" ? chat.channels.management : n.payload.route === "on-call" ? chat.channels.oncall : chat.channels.triage;
        if (channel) await toChannel(chat, n, `sla:${n.payload.route}`, channel, card);
        return;
      }
      default:
        // Every other event is a change of the case, told where its case is followed. A new event
        // needs a case here only when it must also reach a channel (as escalations and hand-offs do).
        break;
    }
    // A change of the case: its notice into every thread of its audiences, and each thread's card redrawn.
    await toAudiences(chat, n, mine, await notices(), all);
    await refreshRoots(chat, caseId, mine);
  }

  async function toEscalationRoute(chat: ChatPlatform, n: ClaimedNotification, caseId: string, p: NotificationPayload<"case.escalated">) {
    const channel = p.route === "management" ? chat.channels.management : chat.channels.oncall;
    if (!channel) return;
    const view = await core.cases.viewForAudience(caseId, "STAFF");
    const card = cards.buildTriageCard(view, core.catalog);
    const escalation = escalationLabel(p);
    card.blocks.splice(1, 0, { type: "labelled", label: escalation.label, text: escalation.text });
    card.summary = escalation.summary;
    await toChannel(chat, n, `route:${channel}`, channel, card);
  }

  async function deliver(n: ClaimedNotification): Promise<void> {
    // The weekly service-level summary belongs to no case: the management channel, once.
    const management = platform.channels.management;
    if (n.event === "sla.weekly_summary") {
      if (management) await once(n, "summary:management", () => platform.postInChannel(management, buildWeeklySummaryCard(n.payload)));
      return;
    }
    // A held email reply: staff decide in triage (src/cards/email-cards.ts), never the case's threads.
    if (n.event === "email.held") {
      const triage = platform.channels.triage;
      if (triage) await once(n, "triage", () => platform.postInChannel(triage, buildHeldEmailAlert(n.payload)));
      return;
    }
    if (!n.caseId) {
      // About no case: staff of the asker's platform are asked, in triage, to confirm who a chat user is.
      const triage = platform.channels.triage;
      if (n.event === "identity.approval_requested" && n.payload.platform === platform.platform && triage) {
        const card = buildIdentityApprovalCard(n.payload);
        await once(n, "triage", () => platform.postInChannel(triage, card));
      }
      return;
    }
    if (n.demo && !platform.demo) {
      // Demo data on a platform with no local destinations: recorded once, never retried.
      await once(n, "demo", async () => `${REFUSED}${DEMO_REFUSED}`);
      log.info({ notificationId: n.id, event: n.event }, "demo case: nothing posted on this platform");
      return;
    }
    await deliverVia(n.demo ? platform.demo! : platform, n, n.caseId);
    log.debug({ notificationId: n.id, event: n.event }, "delivered");
  }

  return { name: platform.platform, deliver };
}
