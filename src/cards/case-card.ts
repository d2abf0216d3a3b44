import type { Catalog } from "../core/catalog.ts";
import type { CaseActionName, CaseView } from "../core/cases/presenter.ts";
import { CASE_TYPE_LABEL, formatTime, severityLabel, STATUS_LABEL } from "./labels.ts";
import type { ActionId, Block, CardAction, MessageCard } from "./model.ts";
import { promiseBlocks, staffServiceLevelBlocks } from "./service-levels.ts";

/**
 * The case card that follows a case in a thread or channel, and the staff triage
 * card. Actions are exactly the ones the core says this viewer may take now.
 */
const ACTION: Record<CaseActionName, { id: ActionId; label: string; style?: "primary" | "danger" }> = {
  reply: { id: "case.reply", label: "Reply", style: "primary" },
  escalate: { id: "case.escalate", label: "Escalate" },
  recommendClose: { id: "case.recommendClose", label: "Recommend to close" },
  reopen: { id: "case.reopen", label: "Reopen", style: "primary" },
  newLinkedCase: { id: "case.newLinkedCase", label: "New linked case", style: "primary" },
  details: { id: "case.details", label: "Details" },
  take: { id: "case.take", label: "Take", style: "primary" },
  assign: { id: "case.assign", label: "Assign" },
  setStatus: { id: "case.setInProgress", label: "Set In Progress" },
  changeSeverity: { id: "case.changeSeverity", label: "Change severity" },
  setPriority: { id: "case.setPriority", label: "Set priority" },
  askCustomer: { id: "case.askCustomer", label: "Ask customer" },
  internalNote: { id: "case.internalNote", label: "Internal note" },
  close: { id: "case.close", label: "Close", style: "danger" },
  handToPartner: { id: "case.handToPartner", label: "Hand to partner" },
  revealCredentials: { id: "case.revealCredentials", label: "Show test login" },
};

const CUSTOMER_SIDE: CaseActionName[] = ["reply", "escalate", "recommendClose", "reopen", "newLinkedCase", "details"];
const STAFF_SIDE: CaseActionName[] = ["take", "reply", "askCustomer", "internalNote", "changeSeverity", "setPriority", "setStatus", "assign", "handToPartner", "close", "revealCredentials", "details"];

export function caseActions(view: CaseView, which: CaseActionName[]): CardAction[] {
  return which
    .filter((name) => view.actions.includes(name))
    .filter((name) => name !== "setStatus" || view.status === "PENDING" || view.status === "NEW")
    .map((name) => ({ ...ACTION[name], value: view.number }));
}

export function caseTitle(view: Pick<CaseView, "number" | "subject">): string {
  return `Case ${view.number}: ${view.subject}`;
}

function caseFacts(view: CaseView, catalog: Catalog): Block {
  const names = catalog.severities;
  const facts = [
    { label: "Status", value: STATUS_LABEL[view.status] ?? view.status },
    { label: "Severity", value: severityLabel(view.severity, names) },
    ...(view.priority ? [{ label: "Priority", value: severityLabel(view.priority, names) }] : []),
    { label: "Owner", value: view.owner?.name ?? "Not assigned yet" },
    { label: "Product", value: `${view.product.name} › ${view.feature.name}` },
    { label: "Account", value: view.account.name },
    { label: "Last update", value: formatTime(view.updatedAt) },
  ];
  return { type: "facts", facts };
}

function stateNotes(view: CaseView, catalog: Catalog): Block[] {
  const notes: Block[] = [];
  if (view.status === "CLOSED" && view.closeReason) {
    const reason = catalog.closeReasons[view.closeReason].label;
    notes.push({ type: "context", text: `Closed: ${reason}${view.duplicateOf ? ` of case ${view.duplicateOf}` : ""}${view.closedAt ? ` on ${formatTime(view.closedAt)}` : ""}.` });
  }
  if (view.partner) notes.push({ type: "context", text: `Handed to certified partner ${view.partner.name}, who answers on this case.` });
  if (view.recommendedCloseAt && view.status !== "CLOSED") notes.push({ type: "context", text: `Closing recommended on ${formatTime(view.recommendedCloseAt)}; support will close it.` });
  if (view.linkedFrom) notes.push({ type: "context", text: `Continues case ${view.linkedFrom}.` });
  return notes;
}

function latestComments(view: CaseView, max: number): Block[] {
  const shown = view.comments.slice(-max);
  const blocks: Block[] = [];
  const earlier = view.comments.length - shown.length;
  if (shown.length > 0) blocks.push({ type: "divider", optional: true });
  if (earlier > 0) blocks.push({ type: "context", text: `${earlier} earlier ${earlier === 1 ? "comment" : "comments"}: open Details to read them.`, optional: true });
  for (const c of shown) {
    const who = c.author?.name ?? "Support";
    blocks.push({ type: "labelled", label: `${who} · ${formatTime(c.createdAt)}${c.internal ? " · internal note" : ""}`, text: c.body, optional: true });
  }
  return blocks;
}

/** Where a file came from, as the card says it. */
const FILE_SOURCE: Record<string, string> = { slack: "Slack", teams: "Teams", email: "email", http: "the web", cli: "the operator" };

/** "12 KB": a file's size, short. */
function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** How many files a card lists (the newest); the rest are counted. */
const FILES_SHOWN = 10;

/**
 * The case's files: name, size, who added them and from where. `view.attachments` is
 * already what this reader may see (files of internal notes: vendor staff only, filtered
 * by the core). A download button appears only with `fileUrl`, which signs an expiring
 * link for one reader (src/files/file-links.ts): a card posted in a thread is read by
 * many, so it names the files and Details gives each reader their own links. The button
 * is a link (Slack sends the app nothing to handle for a url button; Teams opens it), so
 * the action id it carries is never run.
 */
function fileBlocks(view: CaseView, fileUrl?: (attachmentId: string) => string | undefined): Block[] {
  const files = view.attachments ?? [];
  if (files.length === 0) return [];
  const shown = files.slice(-FILES_SHOWN);
  const blocks: Block[] = [{ type: "context", text: `Files (${files.length})${files.length > shown.length ? `: the latest ${shown.length}, open Details for the rest` : ""}`, optional: true }];
  for (const f of shown) {
    const url = fileUrl?.(f.id);
    blocks.push({
      type: "item",
      title: f.name,
      subtitle: `${fileSize(f.size)} · ${f.addedBy ? `${f.addedBy.name} via` : "Added via"} ${FILE_SOURCE[f.source] ?? f.source} · ${formatTime(f.createdAt)}`,
      ...(url ? { action: { id: "case.details" as const, label: "Download", value: f.id, url } } : {}),
      optional: true,
    });
  }
  return blocks;
}

/**
 * The customer's card (also what anyone opens a case with). Of the service levels it shows
 * only the promise, in the reader's time zone when the platform gave one (options.timeZone),
 * else the vendor's business-hours zone; never the staff clocks, even when the view has them.
 */
export function buildCaseCard(view: CaseView, catalog: Catalog, options: { maxComments?: number; timeZone?: string; fileUrl?: (attachmentId: string) => string | undefined } = {}): MessageCard {
  const actions = caseActions(view, CUSTOMER_SIDE);
  return {
    surface: "message",
    summary: `${caseTitle(view)} (${STATUS_LABEL[view.status]})`,
    blocks: [
      { type: "heading", text: caseTitle(view) },
      caseFacts(view, catalog),
      ...promiseBlocks(view.promise, catalog, options.timeZone ?? view.promise?.timeZone),
      ...stateNotes(view, catalog),
      ...latestComments(view, options.maxComments ?? 5),
      ...fileBlocks(view, options.fileUrl),
      { type: "actions", actions },
    ],
  };
}

/** The case's latest escalations, each with its support feedback (staff only) and the button that writes it. */
function escalationsForStaff(view: CaseView): Block[] {
  return view.escalations.slice(-3).map<Block>((e) => ({
    type: "item",
    title: `Escalated by ${e.escalatedBy.name}: ${e.reasonLabel}`,
    subtitle: `${e.description}\n${e.supportFeedback ? `Support feedback: ${e.supportFeedback}` : "No support feedback yet."}`,
    action: { id: "escalation.feedback", label: e.supportFeedback ? "Edit feedback" : "Support feedback", value: `${view.number}:${e.id}` },
  }));
}

/** What the triage channel shows staff: who filed what, and every staff action. */
export function buildTriageCard(view: CaseView, catalog: Catalog, options: { maxComments?: number; fileUrl?: (attachmentId: string) => string | undefined } = {}): MessageCard {
  const details = [
    { label: "Type", value: CASE_TYPE_LABEL[view.caseType] ?? view.caseType },
    { label: "Contact", value: `${view.contact.name} <${view.contact.email}>${view.phone ? `, ${view.phone}` : ""}` },
    ...(view.pid ? [{ label: "Partner ID", value: view.pid }] : []),
    ...(view.exampleUrl ? [{ label: "Example", value: view.exampleUrl }] : []),
    ...(view.cc.length ? [{ label: "CC", value: view.cc.join(", ") }] : []),
    { label: "Test login", value: view.hasCredentials ? "Provided (Show test login)" : "None" },
  ];
  return {
    surface: "message",
    summary: `${caseTitle(view)} (${severityLabel(view.severity, catalog.severities)}, ${view.account.name})`,
    blocks: [
      { type: "heading", text: caseTitle(view) },
      caseFacts(view, catalog),
      ...staffServiceLevelBlocks(view.serviceLevel),
      { type: "facts", facts: details },
      ...stateNotes(view, catalog),
      { type: "labelled", label: "Description", text: view.description, optional: true },
      ...(view.stepsToReproduce ? [{ type: "labelled" as const, label: "Steps to reproduce", text: view.stepsToReproduce, optional: true }] : []),
      ...escalationsForStaff(view),
      ...latestComments(view, options.maxComments ?? 3),
      ...fileBlocks(view, options.fileUrl),
      { type: "actions", actions: caseActions(view, STAFF_SIDE) },
    ],
  };
}
