import { linkChatIdentityByEmail, type ActorRef, type ChatRef } from "./accounts/actors.ts";
import { createDirectory } from "./accounts/directory.ts";
import { applyDueActions } from "./cases/clock-actions.ts";
import { addComment } from "./cases/comments.ts";
import { createCustomerActions } from "./cases/customer-actions.ts";
import { fileCase } from "./cases/filing.ts";
import { filingChoices } from "./cases/filing-choices.ts";
import { createCaseQueries } from "./cases/queries.ts";
import type { CaseRef, CommentInput, FileCaseInput } from "./cases/schemas.ts";
import { createStaffActions } from "./cases/staff-actions.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { createThreads, firstDelivery } from "./follow/threads.ts";
import { sweep, upcomingActions } from "./cases/sweeps.ts";
import { claimNotifications, deliverOnce, listNotifications, markDelivered, markFailed, retryNotifications, type NotificationRow } from "./notify/deliveries.ts";
import { createOutboxBell } from "./notify/outbox.ts";
import { createKnowledge } from "./knowledge/knowledge.ts";
import { createPublications } from "./publications.ts";
import { createSearch } from "./search.ts";

/**
 * The one case service. Slack, Teams, the CLI and the sweeps all call this; every
 * read and write inside checks the actor's permissions against the database.
 */
export function createCore(deps: CoreDeps) {
  const queries = createCaseQueries(deps);
  const search = createSearch(deps);
  const bell = createOutboxBell();
  return {
    catalog: deps.catalog,
    cases: {
      file: (ctx: Ctx, input: FileCaseInput) => fileCase(deps, ctx, input, bell),
      get: queries.get,
      list: queries.list,
      viewForAudience: queries.viewForAudience,
      assertVisible: queries.assertVisible,
      comment: (ctx: Ctx, ref: CaseRef, input: CommentInput) => addComment(deps, ctx, ref, input),
      /** What the new-case form offers this filer: accounts, contacts, and who they are. */
      filingChoices: (ctx: Ctx) => filingChoices(deps, ctx),
      ...createCustomerActions(deps),
      ...createStaffActions(deps),
      /** For the clock sweeps: apply whatever is due for one case, once. */
      applyDueActions: (caseId: string) => applyDueActions(deps, caseId),
      /** One sweep of the clock: every case with something due, until none is left. */
      sweep: () => sweep(deps),
      /** What the sweeps will do next, soonest first (for the operator). */
      upcomingActions: (limit?: number) => upcomingActions(deps, limit),
    },
    directory: createDirectory(deps),
    threads: createThreads(deps),
    publications: createPublications(deps),
    knowledge: createKnowledge(deps),
    /** The outbox's delivery side, for the delivery worker and its channels. */
    outbox: {
      claim: (limit: number, leaseMs: number) => claimNotifications(deps.prisma, { now: deps.clock.now(), limit, leaseMs }),
      markDelivered: (id: string) => markDelivered(deps.prisma, id, deps.clock.now()),
      markFailed: (row: NotificationRow, options: { error: string; retryAt: Date; maxAttempts: number }) => markFailed(deps.prisma, row, options),
      /** Sends to one destination once per notification; a retry skips destinations already reached. */
      once: (notificationId: string, target: string, send: () => Promise<string | undefined>) =>
        deliverOnce(deps.prisma, notificationId, target, () => deps.clock.now(), send),
      list: (status: "pending" | "failed" | "dead" | "delivered", limit = 50) => listNotifications(deps.prisma, { status, limit }),
      retry: (options: { id?: string; dead?: boolean }) => retryNotifications(deps.prisma, { ...options, now: deps.clock.now() }),
      /** Called (in this process) after a change commits whose notification someone is waiting for; returns the unsubscribe function. */
      onReady: (listener: () => void) => bell.subscribe(listener),
    },
    /**
     * The actor of a verified chat identity, resolved with the person and their place in
     * one statement on each call; a first-time user is linked by the email their platform
     * reports (`lookupEmail` runs only then).
     */
    chatActor: (ref: ChatRef, lookupEmail: () => Promise<string | undefined>): ActorRef => ({
      chat: ref,
      link: async (db) => linkChatIdentityByEmail(db, ref, await lookupEmail(), deps.clock.now()),
    }),
    /** True the first time a platform delivery id (Slack event_id, Teams activity id) is seen. */
    firstDelivery: (platform: "slack" | "teams", eventId: string) => firstDelivery(deps, platform, eventId),
    ...search,
    /** Recently viewed items, including views noted a moment ago (deferred after answering). */
    recent: async (...args: Parameters<typeof search.recent>) => {
      await queries.settled();
      return search.recent(...args);
    },
  };
}

export type Core = ReturnType<typeof createCore>;
export type { CoreDeps, Ctx };
