import { resealCredentials, type ResealResult } from "./crypto/reseal.ts";
import { linkChatIdentityByEmail, type ActorRef, type ChatProfile, type ChatRef } from "./accounts/actors.ts";
import { createDirectory, type Directory } from "./accounts/directory.ts";
import { createIdentityClaims, type IdentityClaims } from "./accounts/identity-claims.ts";
import { createAttachments, type Attachments } from "./attachments/attachments.ts";
import type { FileStore } from "./attachments/storage.ts";
import { createInboundEmail, type InboundEmail } from "./inbound-email.ts";
import { createEmailPreferences, type EmailPreferences } from "./email-preferences.ts";
import type { Catalog } from "./catalog.ts";
import { applyDueActions } from "./cases/clock-actions.ts";
import { addComment, type CommentResult } from "./cases/comments.ts";
import { createCustomerActions, type CustomerActions } from "./cases/customer-actions.ts";
import { fileCase, type FileCaseResult } from "./cases/filing.ts";
import { filingChoices, type FilingChoices } from "./cases/filing-choices.ts";
import type { DueAction } from "./cases/lifecycle.ts";
import { createCaseQueries } from "./cases/queries.ts";
import type { CaseRef, CommentInput, FileCaseInput } from "./cases/schemas.ts";
import { createStaffActions, type StaffActions } from "./cases/staff-actions.ts";
import { sweep, upcomingActions, type SweepResult, type UpcomingAction } from "./cases/sweeps.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { createThreads, firstDelivery } from "./follow/threads.ts";
import { createKnowledge } from "./knowledge/knowledge.ts";
import { createOutboxBell } from "./notify/outbox.ts";
import { createOutbox, type Outbox } from "./notify/outbox-service.ts";
import { createPublications } from "./publications.ts";
import { createSearch, type Search } from "./search.ts";
import { casesByTimeToBreach, type QueuedCase } from "./sla/queue.ts";
import { createChannelBindings, type ChannelBindings } from "./workspaces/channel-bindings.ts";
import { ownWorkspaces } from "./workspaces/own-workspaces.ts";
import { createSlackInstallations, type SlackInstallations } from "./workspaces/slack-installations.ts";
import { createTeamsInstallations, type TeamsInstallations } from "./workspaces/teams-installations.ts";
import { createWorkspaceLinks, type WorkspaceLinks } from "./workspaces/workspace-links.ts";
import { serviceLevelReport, type ServiceLevelReport, type ServiceLevelReportInput } from "./sla/report.ts";
import { sendWeeklySummary, type WeeklySchedule } from "./sla/weekly-summary.ts";
import { satisfactionReport, type SatisfactionResults } from "./satisfaction/results.ts";
import { rate, type RateInput, type Rating } from "./satisfaction/survey.ts";

type CaseQueries = ReturnType<typeof createCaseQueries>;

/** Everything a case goes through: filing, reading, commenting, the customers' and staff's actions, the clock. */
export interface CaseService extends CustomerActions, StaffActions {
  file(ctx: Ctx, input: FileCaseInput): Promise<FileCaseResult>;
  get: CaseQueries["get"];
  list: CaseQueries["list"];
  viewForAudience: CaseQueries["viewForAudience"];
  assertVisible: CaseQueries["assertVisible"];
  comment(ctx: Ctx, ref: CaseRef, input: CommentInput): Promise<CommentResult>;
  /** What the new-case form offers this filer: accounts, contacts, and who they are. */
  filingChoices(ctx: Ctx): Promise<FilingChoices>;
  /** For the clock sweeps: apply whatever is due for one case, once. */
  applyDueActions(caseId: string): Promise<DueAction[]>;
  /** One sweep of the clock: every case with something due, until none is left. */
  sweep(): Promise<SweepResult>;
  /** What the sweeps will do next, soonest first (for the operator). */
  upcomingActions(limit?: number): Promise<UpcomingAction[]>;
}

/**
 * The one case service. Slack, Teams, the CLI, the delivery workers and the sweeps all
 * call this; every read and write inside checks the actor's permissions against the
 * database. Written out (not inferred from the factories' spreads), so what the core
 * offers is read here, and a factory that stops offering something fails to compile.
 */
export interface Core {
  catalog: Catalog;
  cases: CaseService;
  directory: Directory;
  threads: ReturnType<typeof createThreads>;
  publications: ReturnType<typeof createPublications>;
  knowledge: ReturnType<typeof createKnowledge>;
  /** The outbox's delivery side, for the delivery workers and their channels. */
  outbox: Outbox;
  /**
   * The actor of a verified chat identity, resolved with the person and their place in
   * one statement on each call; a first-time user is linked by the email their platform
   * reports (`lookupProfile` runs only then; a time zone it reports is kept too).
   */
  chatActor(ref: ChatRef, lookupProfile: () => Promise<string | ChatProfile | undefined>): ActorRef;
  /** True the first time a platform delivery id (Slack event_id, Teams activity id) is seen. */
  firstDelivery(platform: "slack" | "teams", eventId: string): Promise<boolean>;
  /** Cases, accounts and contacts the actor may see that match. */
  search: Search["search"];
  /** Recently viewed items, including views noted a moment ago (deferred after answering). */
  recent: Search["recent"];
  /** Response times and breaches per severity and account (staff and the operator only). */
  /** Email replies (held ones for staff) and files on cases (issue 14, docs/email.md). */
  email: { inbound: InboundEmail; attachments: Attachments; preferences: EmailPreferences };
  serviceLevels: {
    report(ctx: Ctx, input?: ServiceLevelReportInput): Promise<ServiceLevelReport & { truncated: boolean }>;
    /** The triage queue: open cases by time to breach, soonest first (staff only). */
    queue(ctx: Ctx, input?: { limit?: number }): Promise<QueuedCase[]>;
    /** For the sweeper: this week's summary to management, if due and not yet sent by any instance; the week sent, or null. */
    weeklySummary(schedule: WeeklySchedule | null): Promise<string | null>;
  };
  /** Satisfaction on closing (issue 15): the contact's rating, and results for staff and the operator. */
  satisfaction: {
    rate(ctx: Ctx, input: RateInput): Promise<Rating>;
    results(ctx: Ctx, input?: ServiceLevelReportInput): Promise<SatisfactionResults & { from: Date; to: Date }>;
  };
  /** Which customer accounts a Slack workspace or Teams tenant belongs to, and the vendor's own (issue 13, docs/slack-install.md). */
  workspaces: WorkspaceLinks;
  /** Slack OAuth installations, tokens sealed (for the Slack adapter's installation store; listing for staff and the operator). */
  slackInstallations: SlackInstallations;
  /** Where the Teams app is installed, per tenant and conversation (from installationUpdate; the delivery checks removals; listing for staff and the operator). */
  teamsInstallations: TeamsInstallations;
  /** Channels bound to one customer account (Slack Connect support channels, issue 13): staff and the operator bind them. */
  channels: ChannelBindings;
  /** A chat user in a bound channel confirming who they are: an emailed one-time code, or staff approval (issue 13). */
  identityClaims: IdentityClaims;
  /** Stored secrets: after a key rotation, seal everything again under the current key (the operator only). */
  credentials: { reseal(ctx: Ctx): Promise<ResealResult> };
}

/** `fileStore`: where attachment bytes live (src/core/attachments/store-choice.ts fileStoreFor); default the database. */
export function createCore(deps: CoreDeps, options: { fileStore?: FileStore } = {}): Core {
  const queries = createCaseQueries(deps);
  const search = createSearch(deps);
  const bell = createOutboxBell();
  const attachments = createAttachments(deps, { store: options.fileStore });
  return {
    catalog: deps.catalog,
    cases: {
      file: (ctx, input) => fileCase(deps, ctx, input, bell),
      get: queries.get,
      list: queries.list,
      viewForAudience: queries.viewForAudience,
      assertVisible: queries.assertVisible,
      comment: (ctx, ref, input) => addComment(deps, ctx, ref, input),
      filingChoices: (ctx) => filingChoices(deps, ctx),
      ...createCustomerActions(deps),
      ...createStaffActions(deps),
      applyDueActions: (caseId) => applyDueActions(deps, caseId),
      sweep: () => sweep(deps),
      upcomingActions: (limit) => upcomingActions(deps, limit),
    },
    directory: createDirectory(deps),
    threads: createThreads(deps),
    publications: createPublications(deps),
    knowledge: createKnowledge(deps),
    outbox: createOutbox(deps, bell),
    chatActor: (ref, lookupProfile) => ({
      chat: ref,
      link: async (db) => linkChatIdentityByEmail(db, ref, await lookupProfile(), deps.clock.now(), ownWorkspaces(deps)),
    }),
    firstDelivery: (platform, eventId) => firstDelivery(deps, platform, eventId),
    email: { inbound: createInboundEmail(deps, attachments), attachments, preferences: createEmailPreferences(deps) },
    serviceLevels: {
      report: (ctx, input) => serviceLevelReport(deps, ctx, input),
      queue: (ctx, input) => casesByTimeToBreach(deps, ctx, input),
      weeklySummary: (schedule) => sendWeeklySummary(deps, schedule),
    },
    satisfaction: { rate: (ctx, input) => rate(deps, ctx, input), results: (ctx, input) => satisfactionReport(deps, ctx, input) },
    credentials: { reseal: (ctx) => resealCredentials(deps, ctx) },
    workspaces: createWorkspaceLinks(deps),
    slackInstallations: createSlackInstallations(deps),
    channels: createChannelBindings(deps),
    identityClaims: createIdentityClaims(deps, bell),
    teamsInstallations: createTeamsInstallations(deps),
    search: search.search,
    recent: async (...args) => {
      await queries.settled();
      return search.recent(...args);
    },
  };
}

export type { CoreDeps, Ctx };
