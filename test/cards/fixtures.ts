import { DEFAULT_CATALOG } from "../../src/core/catalog.ts";
import type { CaseView, CommentView } from "../../src/core/cases/presenter.ts";
import type { EscalationResult } from "../../src/core/cases/customer-actions.ts";
import * as cards from "../../src/cards/index.ts";
import { buildEmailPreferenceCard, buildHeldDecision, buildHeldEmailAlert, buildHeldEmailList } from "../../src/cards/email-cards.ts";
import type { Card } from "../../src/cards/index.ts";

/** Sample results shaped exactly as the core returns them, for card tests that need no database. */
export const catalog = DEFAULT_CATALOG;
const at = (iso: string) => new Date(iso);

export function comment(i: number, body: string, overrides: Partial<CommentView> = {}): CommentView {
  return { id: `c${i}`, body, internal: false, source: "slack", author: { id: "p1", name: "Ada Lovelace", staff: false }, createdAt: at(`2026-03-0${(i % 9) + 1}T10:0${i % 10}:00Z`), ...overrides };
}

export function caseView(overrides: Partial<CaseView> = {}): CaseView {
  return {
    id: "6d9e1d9d-f115-4005-a989-4180101f6dac",
    number: "00010042",
    subject: "Captions missing on lecture recordings",
    status: "IN_PROGRESS",
    severity: "S2",
    account: { id: "a1", name: "Acme Media" },
    product: { key: "captions", name: "Transcription and Captioning (REACH)" },
    owner: { id: "s1", name: "Eve Martinez" },
    updatedAt: at("2026-03-04T15:30:00Z"),
    caseType: "TECHNICAL_ISSUE",
    description: "Since Monday, machine captions are not generated for new uploads. Entry 1_abc123.",
    feature: { key: "machine", name: "Machine captions" },
    pid: "2031841",
    exampleUrl: "https://acme.example/watch/1",
    stepsToReproduce: "Upload a video, wait an hour, open the captions tab.",
    hasCredentials: true,
    contact: { id: "p1", name: "Ada Lovelace", email: "ada@acme-media.example" },
    phone: "+44 20 7946 0001",
    cc: ["ops@acme-media.example"],
    statusChangedAt: at("2026-03-03T09:00:00Z"),
    closedAt: null,
    closeReason: null,
    closeNote: null,
    duplicateOf: null,
    linkedFrom: null,
    partner: null,
    recommendedCloseAt: null,
    createdAt: at("2026-03-02T09:00:00Z"),
    comments: [
      comment(1, "Since Monday nothing gets captioned."),
      comment(2, "We are looking into it; the caption queue shows a backlog.", { author: { id: "s1", name: "Eve Martinez", staff: true }, source: "teams" }),
    ],
    escalations: [],
    actions: ["details", "reply", "escalate", "recommendClose"],
    ...overrides,
  };
}

export const staffActions: CaseView["actions"] = ["details", "reply", "internalNote", "take", "assign", "setStatus", "changeSeverity", "setPriority", "askCustomer", "close", "handToPartner", "revealCredentials"];

/** The staff clocks as the core reads them (src/core/sla/view.ts), soonest first. */
export const clocks = {
  firstResponseWarning: { clock: "FIRST_RESPONSE", promise: null, dueAt: at("2026-03-04T16:12:00Z"), minutesToTarget: 42, state: "warning", paused: false },
  nextUpdateBreached: { clock: "NEXT_UPDATE", promise: "ESCALATION", dueAt: at("2026-03-04T14:20:00Z"), minutesToTarget: -70, state: "breached", paused: false },
  nextUpdateOk: { clock: "NEXT_UPDATE", promise: "IN_PROGRESS", dueAt: at("2026-03-05T19:30:00Z"), minutesToTarget: 1_650, state: "ok", paused: false },
  firstResponsePaused: { clock: "FIRST_RESPONSE", promise: null, dueAt: at("2026-03-06T14:00:00Z"), minutesToTarget: 2_790, state: "ok", paused: true },
} satisfies Record<string, NonNullable<CaseView["serviceLevel"]>[number]>;

/** 19:30 UTC on 5 March 2026 is 14:30 in the catalog's default business-hours zone (America/New_York). */
export const promise = { nextUpdateBy: at("2026-03-05T19:30:00Z") };

export const escalationResult: EscalationResult = {
  case: caseView({
    promise,
    escalations: [{ id: "e1", reason: "PROLONGED_RESOLUTION_TIME", reasonLabel: "Prolonged Resolution Time", description: "Our launch is on Friday.", escalatedBy: { id: "p1", name: "Ada Lovelace" }, acknowledgement: "Within the upcoming hours", toManagement: false, supportFeedback: null, createdAt: at("2026-03-04T16:00:00Z") }],
  }),
  escalationId: "e1",
  acknowledgement: "Within the upcoming hours",
  toManagement: false,
  warning: null,
};

const summary = (n: number, subject: string, status: CaseView["status"] = "NEW") => ({
  id: `id${n}`, number: String(10000 + n).padStart(8, "0"), subject, status, severity: "S3" as const,
  account: { id: "a1", name: "Acme Media" }, product: { key: "player", name: "Video Player" }, owner: null, updatedAt: at("2026-03-05T08:00:00Z"),
});

/** Every card of the cards issue, in its typical states. */
const escalation: CaseView["escalations"][number] = {
  id: "0b8e7d7e-1111-4222-8333-944444444444", reason: "PROLONGED_RESOLUTION_TIME", reasonLabel: "Prolonged Resolution Time", description: "Our launch is Friday.",
  escalatedBy: { id: "p1", name: "Ada Lovelace" }, acknowledgement: "Will be handled within 24 hours", toManagement: false, supportFeedback: null, createdAt: at("2026-03-05T12:00:00Z"),
};

export function allCards(): Record<string, Card> {
  const accounts = [{ id: "a1", name: "Acme Media" }];
  const contacts = [{ id: "p1", name: "Ada Lovelace" }, { id: "p2", name: "Grace Hopper" }];
  return {
    // Read by staff: the view carries the clocks too, and the customer's card shows only the promise.
    "case-card-open": cards.buildCaseCard(caseView({ promise, serviceLevel: [clocks.nextUpdateOk] }), catalog),
    // Files on the case: a reader's Details card carries a download link for each (signed for that reader).
    "case-card-files": cards.buildCaseCard(
      caseView({
        attachments: [
          { id: "f1", name: "player.log", contentType: "text/plain", size: 18_432, source: "slack", commentId: "c1", createdAt: at("2026-03-05T09:10:00Z"), addedBy: { id: "p1", name: "Ada Lovelace" } },
          { id: "f2", name: "capture of the error.mp4", contentType: "video/mp4", size: 3_250_000, source: "email", commentId: null, createdAt: at("2026-03-05T09:20:00Z"), addedBy: null },
        ],
      }),
      catalog,
      { fileUrl: (id) => (id === "f1" ? "https://carebot.example/files?id=f1&p=p1&e=1772700000&s=signature" : undefined) },
    ),
    "case-card-closed-reopen": cards.buildCaseCard(caseView({ status: "CLOSED", closedAt: at("2026-03-05T10:00:00Z"), closeReason: "SOLUTION_PROVIDED", actions: ["details", "reopen"] }), catalog),
    "case-card-closed-linked": cards.buildCaseCard(caseView({ status: "CLOSED", closedAt: at("2026-02-01T10:00:00Z"), closeReason: "DUPLICATE", duplicateOf: "00010001", actions: ["details", "newLinkedCase"] }), catalog),
    "case-card-partner": cards.buildCaseCard(caseView({ partner: { id: "x", name: "CaptionCo" }, recommendedCloseAt: at("2026-03-05T11:00:00Z"), actions: ["details", "reply", "escalate"] }), catalog),
    "triage-card": cards.buildTriageCard(caseView({ status: "NEW", owner: null, priority: "S2", actions: staffActions, serviceLevel: [clocks.firstResponseWarning, clocks.nextUpdateOk], promise }), catalog),
    "triage-card-escalated": cards.buildTriageCard(caseView({ status: "IN_PROGRESS", priority: "S2", actions: staffActions, escalations: [escalation], serviceLevel: [clocks.nextUpdateBreached], promise }), catalog),
    "triage-card-paused": cards.buildTriageCard(caseView({ status: "PENDING", priority: "S2", actions: staffActions, serviceLevel: [clocks.firstResponsePaused], promise: null }), catalog),
    "triage-queue": cards.buildTriageQueue([
      { ...summary(3, "Playback fails for all viewers", "IN_PROGRESS"), severity: "S1", owner: { id: "s1", name: "Eve Martinez" }, serviceLevel: [clocks.nextUpdateBreached] },
      { ...summary(1, "Player error 1002"), serviceLevel: [clocks.firstResponseWarning] },
      { ...summary(2, "Upload stuck", "PENDING"), serviceLevel: [clocks.firstResponsePaused] },
    ]),
    "triage-queue-empty": cards.buildTriageQueue([]),
    // Held email (staff): a forged reply claiming a contact, and a copied address claiming nobody (no Release in chat).
    "held-email-list": buildHeldEmailList([
      {
        id: "7b1e2c4a-0d5f-4e2b-9c3a-1f2e3d4c5b6a", caseNumber: "00010042", fromAddress: "ada.lovelace@home.example", subject: "Re: [Case 00010042] Captions missing",
        body: "Sent from home: the log is attached.", reason: "Sent from ada.lovelace@home.example, not from the address of the person this reply address was sent to.",
        attachments: [{ name: "player.log", contentType: "text/plain", size: 18_432, kept: true }], receivedAt: at("2026-03-05T09:12:00Z"),
        claimed: { personId: "p1", name: "Ada Lovelace", email: "ada@acme.example" },
      },
      {
        id: "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f", caseNumber: "00010041", fromAddress: "assistant@acme.example", subject: "Re: case", body: "Grace asked me to say it works again.",
        reason: "assistant@acme.example is copied on the case but is no contact of a customer account, so the reply is not written as anyone's comment.", attachments: [], receivedAt: at("2026-03-05T08:40:00Z"), claimed: null,
      },
    ]),
    "held-email-list-empty": buildHeldEmailList([]),
    "held-email-triage": buildHeldEmailAlert({
      heldId: "7b1e2c4a-0d5f-4e2b-9c3a-1f2e3d4c5b6a", caseNumber: "00010042", from: "ada.lovelace@home.example", subject: "Re: [Case 00010042] Captions missing",
      reason: "Sent from ada.lovelace@home.example, not from the address of the person this reply address was sent to.", claimed: "Ada Lovelace <ada@acme.example>",
    }),
    "held-email-released": buildHeldDecision({ id: "h1", caseNumber: "00010042", outcome: "COMMENTED", commentId: "c9", author: { personId: "p1", name: "Ada Lovelace" }, problems: [] }),
    "email-preference-saved": buildEmailPreferenceCard({ personId: "p1", name: "Ada Lovelace", email: "ada@acme.example", emailUpdates: "CHAT_ONLY" }, true),
    "escalation-feedback-form": cards.buildEscalationFeedbackForm({ number: "00010042", escalation }),
    "account-card": cards.buildAccountCard({
      id: "a1", name: "Physics Department", type: "SUB", parent: { id: "a0", name: "Northwind University" }, subAccounts: [], seatLimit: 5, seatsUsed: 2,
      csmName: "Casey Morgan", csmEmail: "casey@vendor.example",
      contacts: [{ id: "p1", name: "Marie Physic", email: "marie@physics.example", phone: "+41 44 000 00 00", active: true }, { id: "p2", name: "Former Member", email: "former@physics.example", phone: null, active: false }],
    }),
    "account-list": cards.buildAccountList([{ id: "a0", name: "Northwind University", type: "PARENT" }, { id: "a1", name: "Physics Department", type: "SUB" }]),
    "new-case-form": cards.buildNewCaseForm({ catalog, accounts, contacts, state: { key: "k-1" }, values: { accountId: "a1", contactId: "p1" } }),
    "new-case-form-product-chosen": cards.buildNewCaseForm({ catalog, accounts, contacts, state: { key: "k-1" }, values: { accountId: "a1", contactId: "p1", product: "player" }, suggestions: [{ slug: "player-error-1002", title: "Player shows error 1002" }] }),
    "new-case-form-errors": cards.buildNewCaseForm({
      catalog, accounts, contacts, state: { key: "k-1" },
      values: { accountId: "a1", contactId: "p1", caseType: "FEATURE_REQUEST", severity: "S1", subject: "Add 0.75x speed", description: "", cc: "a@x.example, nope", credentialsUsername: "tester", credentialsPassword: "never-shown-again" },
      errors: { description: "Describe the issue.", cc: "Enter valid email addresses.", feature: "Choose a feature." },
    }),
    "severity-guide": cards.buildSeverityGuide(catalog, { key: "k-1" }),
    "severity-recommendation": cards.buildSeverityRecommendation(catalog, { outage: false, degraded: true }, "FEATURE_REQUEST"),
    "escalation-form": cards.buildEscalationForm({ context: { number: "00010042", priorEscalations: 0, managementWarning: "This case has no earlier escalation.", descriptionMax: 250 }, catalog }),
    "escalation-form-errors": cards.buildEscalationForm({ context: { number: "00010042", priorEscalations: 1, managementWarning: null, descriptionMax: 250 }, catalog, values: { reason: "CASE_UPDATE_NEEDED", description: "x".repeat(251) }, errors: { description: "Keep the description to 250 characters." } }),
    "escalation-ack": cards.buildEscalationAck(escalationResult, catalog),
    "case-list": cards.buildCaseList({ items: [summary(1, "Player error 1002"), summary(2, "Upload stuck", "PENDING")], page: 2, pageSize: 2, total: 5, hasMore: true }, "open"),
    "case-list-empty": cards.buildCaseList({ items: [], page: 1, pageSize: 10, total: 0, hasMore: false }, "closed"),
    "search-results": cards.buildSearchResults({ query: "upload", cases: [summary(2, "Upload stuck")], accounts: [{ id: "a1", name: "Acme Media", type: "STANDARD" }], contacts: [{ id: "p1", name: "Ada Lovelace", email: "ada@acme-media.example", account: { id: "a1", name: "Acme Media" } }] }),
    "knowledge-results": cards.buildKnowledgeResults("transcoding stuck", [{ slug: "transcoding-stuck", title: "Entries stuck in transcoding", product: "Uploads, Imports and Transcoding", snippet: "…when an entry stays in processing for more than an hour…" }], { whileFiling: true }),
    article: cards.buildArticleCard({ slug: "transcoding-stuck", title: "Entries stuck in transcoding", productName: "Uploads, Imports and Transcoding", body: "An entry can stay in processing when its source file is damaged.\n\nReconvert it from the entry page.", updatedAt: at("2026-10-01T00:00:00Z") }),
    "knowledge-browse-products": cards.buildKnowledgeBrowse({ products: [{ key: "player", name: "Player" }, { key: "uploads", name: "Uploads, Imports and Transcoding" }] }),
    "knowledge-browse-articles": cards.buildKnowledgeBrowse({ product: "Uploads, Imports and Transcoding", articles: [{ slug: "transcoding-stuck", title: "Entries stuck in transcoding", updatedAt: at("2026-10-01T00:00:00Z") }] }),
    "rca-list": cards.buildPublicationList("RCA", [{ id: "r1", title: "RCA: playback outage of 12 February", publishedAt: at("2026-02-14T00:00:00Z") }]),
    "product-updates-empty": cards.buildPublicationList("PRODUCT_UPDATE", []),
    "rca-card": cards.buildPublicationCard({ kind: "RCA", title: "RCA: playback outage of 14 September", body: "Between 09:12 and 09:47 UTC a configuration change stopped playback.", publishedAt: at("2026-09-16T00:00:00Z") }),
    home: cards.buildHome({
      viewerName: "Ada Lovelace", openCases: [summary(1, "Player error 1002")], openTotal: 1,
      recent: [{ kind: "CASE", id: "id1", label: "00010001 Player error 1002", viewedAt: at("2026-03-05T09:00:00Z") }],
      knowledge: [{ title: "Knowledge Center", url: "https://knowledge.example/" }],
      productUpdates: [{ id: "u1", title: "March release: faster uploads", publishedAt: at("2026-03-01T00:00:00Z") }],
      rcas: [{ id: "r1", title: "RCA: playback outage of 12 February", publishedAt: at("2026-02-14T00:00:00Z") }],
    }),
    "notice-confirmation": cards.buildConfirmation("Case filed", "Case 00010042 was filed. Replies in this thread go to support."),
    "notice-validation": cards.buildNotice({ tone: "warning", title: "Please check what you entered", text: "Some of what was entered needs another look.", details: ["Subject: Enter a subject.", "CC: Copy at most 5 email addresses."] }),
    "notice-unexpected": cards.buildNotice({ tone: "attention", title: "Something went wrong", text: "Something went wrong on our side. Please try again.", reference: "ref-7f3a" }),
    "access-guidance": cards.buildAccessGuidance(),
    "reply-form": cards.buildReplyForm("00010042"),
    "internal-note-form": cards.buildInternalNoteForm("00010042"),
    "ask-customer-form": cards.buildAskCustomerForm("00010042"),
    "change-severity-form": cards.buildChangeSeverityForm("00010042", catalog, { values: { severity: "S3" }, errors: { reason: "Give the reason the customer will see." } }),
    "set-priority-form": cards.buildSetPriorityForm("00010042", catalog),
    "close-form": cards.buildCloseForm("00010042", catalog),
    "hand-to-partner-form": cards.buildHandToPartnerForm("00010042", [{ id: "x", name: "CaptionCo" }]),
    "assign-form": cards.buildAssignForm("00010042", [{ id: "s1", name: "Eve Martinez" }, { id: "s2", name: "Raj Patel" }]),
  };
}
