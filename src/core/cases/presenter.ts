import type { Prisma } from "../../generated/prisma/client.ts";
import { canOnCase, isVendorSide, type Actor } from "../accounts/policy.ts";
import type { AttachmentView } from "../attachments/view.ts";
import type { Catalog } from "../catalog.ts";
import { canReopen, isOpen } from "./lifecycle.ts";
import { customerPromise, staffServiceLevel, type ServiceLevelClock } from "../sla/view.ts";

/**
 * What callers get back: display-ready, filtered for the viewer. Credentials are
 * never part of a view (staff reveal them through their own audited call);
 * internal notes, priority and partner notes' internals are vendor-side only.
 */
export const caseInclude = {
  account: { select: { id: true, name: true, timeZone: true } },
  contact: { select: { id: true, name: true, email: true } },
  owner: { select: { id: true, name: true } },
  partner: { select: { id: true, name: true } },
  duplicateOf: { select: { number: true } },
  linkedFrom: { select: { number: true } },
} satisfies Prisma.CaseInclude;

export type CaseRow = Prisma.CaseGetPayload<{ include: typeof caseInclude }>;

export const commentInclude = { author: { select: { id: true, name: true, kind: true } } } satisfies Prisma.CommentInclude;
export type CommentRow = Prisma.CommentGetPayload<{ include: typeof commentInclude }>;

export const escalationInclude = { escalatedBy: { select: { id: true, name: true } } } satisfies Prisma.EscalationInclude;
export type EscalationRow = Prisma.EscalationGetPayload<{ include: typeof escalationInclude }>;

export function formatCaseNumber(n: number): string {
  return String(n).padStart(8, "0");
}

export type CaseActionName =
  | "reply"
  | "escalate"
  | "recommendClose"
  | "reopen"
  | "newLinkedCase"
  | "details"
  | "take"
  | "assign"
  | "setStatus"
  | "changeSeverity"
  | "setPriority"
  | "askCustomer"
  | "internalNote"
  | "close"
  | "handToPartner"
  | "revealCredentials";

export interface CaseSummary {
  id: string;
  number: string;
  subject: string;
  status: CaseRow["status"];
  severity: CaseRow["severity"];
  account: { id: string; name: string };
  product: { key: string; name: string };
  owner: { id: string; name: string } | null;
  updatedAt: Date;
}

export interface CommentView {
  id: string;
  body: string;
  internal: boolean;
  source: CommentRow["source"];
  author: { id: string; name: string; staff: boolean } | null;
  createdAt: Date;
}

export interface EscalationView {
  id: string;
  reason: EscalationRow["reason"];
  reasonLabel: string;
  description: string;
  escalatedBy: { id: string; name: string };
  acknowledgement: string;
  toManagement: boolean;
  supportFeedback: string | null;
  createdAt: Date;
}

export interface CaseView extends CaseSummary {
  caseType: CaseRow["caseType"];
  /** Internal: present for vendor staff only. */
  priority?: CaseRow["severity"];
  description: string;
  feature: { key: string; name: string };
  pid: string | null;
  exampleUrl: string | null;
  stepsToReproduce: string | null;
  hasCredentials: boolean;
  contact: { id: string; name: string; email: string };
  phone: string | null;
  cc: string[];
  statusChangedAt: Date;
  closedAt: Date | null;
  closeReason: CaseRow["closeReason"];
  closeNote: string | null;
  duplicateOf: string | null;
  linkedFrom: string | null;
  partner: { id: string; name: string } | null;
  recommendedCloseAt: Date | null;
  createdAt: Date;
  comments: CommentView[];
  escalations: EscalationView[];
  /** What this viewer may do now; cards show exactly these actions. */
  actions: CaseActionName[];
  /** Internal, vendor staff only: the running service-level clocks, soonest first (src/core/sla/view.ts). */
  serviceLevel?: ServiceLevelClock[];
  /** The customer's promise, "next update by …"; null when none is owed. */
  promise?: { nextUpdateBy: Date; timeZone?: string } | null;
  /** Files on the case, oldest first (those of internal notes for vendor staff only); set by every full case read. */
  attachments?: AttachmentView[];
}

function productNames(catalog: Catalog, productKey: string, featureKey: string) {
  const product = catalog.products.find((p) => p.key === productKey);
  const feature = product?.features.find((f) => f.key === featureKey);
  return {
    product: { key: productKey, name: product?.name ?? productKey },
    feature: { key: featureKey, name: feature?.name ?? featureKey },
  };
}

/** What a summary shows of a case: a list reads only these. */
export type SummaryRow = Pick<CaseRow, "id" | "number" | "subject" | "status" | "severity" | "product" | "feature" | "updatedAt"> & {
  account: { id: string; name: string };
  owner: { id: string; name: string } | null;
};

export function toSummary(row: SummaryRow, catalog: Catalog): CaseSummary {
  return {
    id: row.id,
    number: formatCaseNumber(row.number),
    subject: row.subject,
    status: row.status,
    severity: row.severity,
    account: row.account,
    product: productNames(catalog, row.product, row.feature).product,
    owner: row.owner,
    updatedAt: row.updatedAt,
  };
}

export function allowedActions(actor: Actor, row: CaseRow, now: Date, catalog: Catalog): CaseActionName[] {
  const target = { accountId: row.accountId, partnerId: row.partnerId };
  const actions: CaseActionName[] = ["details"];
  const open = isOpen(row.status);
  if (isVendorSide(actor)) {
    actions.push("reply", "internalNote");
    if (open) actions.push("take", "assign", "setStatus", "changeSeverity", "setPriority", "askCustomer", "close", "handToPartner");
    if (row.credentialsSealed) actions.push("revealCredentials");
    return actions;
  }
  if (actor.kind === "partner") {
    if (canOnCase(actor, "answer", target) && open) actions.push("reply");
    return actions;
  }
  if (!canOnCase(actor, "edit", target)) return actions;
  if (open) {
    actions.push("reply", "escalate");
    if (!row.recommendedCloseAt) actions.push("recommendClose");
  } else if (canReopen(row, now, catalog.timers)) {
    actions.push("reopen");
  } else {
    actions.push("newLinkedCase");
  }
  return actions;
}

export function toCommentView(row: CommentRow): CommentView {
  return {
    id: row.id,
    body: row.body,
    internal: row.visibility === "INTERNAL",
    source: row.source,
    author: row.author
      ? { id: row.author.id, name: row.author.name, staff: row.author.kind === "ENGINEER" || row.author.kind === "MANAGER" }
      : null,
    createdAt: row.createdAt,
  };
}

export function toEscalationView(row: EscalationRow, catalog: Catalog): EscalationView {
  return {
    id: row.id,
    reason: row.reason,
    reasonLabel: catalog.escalationReasons[row.reason].label,
    description: row.description,
    escalatedBy: row.escalatedBy,
    acknowledgement: row.acknowledgement,
    toManagement: row.toManagement,
    supportFeedback: row.supportFeedback,
    createdAt: row.createdAt,
  };
}

export function toCaseView(
  actor: Actor,
  row: CaseRow,
  comments: CommentRow[],
  escalations: EscalationRow[],
  now: Date,
  catalog: Catalog,
): CaseView {
  const vendor = isVendorSide(actor);
  const names = productNames(catalog, row.product, row.feature);
  return {
    ...toSummary(row, catalog),
    caseType: row.caseType,
    ...(vendor ? { priority: row.priority ?? row.severity } : {}),
    description: row.description,
    feature: names.feature,
    pid: row.pid,
    exampleUrl: row.exampleUrl,
    stepsToReproduce: row.stepsToReproduce,
    hasCredentials: row.credentialsSealed !== null,
    contact: row.contact,
    phone: row.phone,
    cc: row.cc,
    statusChangedAt: row.statusChangedAt,
    closedAt: row.closedAt,
    closeReason: row.closeReason,
    closeNote: row.closeNote,
    duplicateOf: row.duplicateOf ? formatCaseNumber(row.duplicateOf.number) : null,
    linkedFrom: row.linkedFrom ? formatCaseNumber(row.linkedFrom.number) : null,
    partner: row.partner,
    recommendedCloseAt: row.recommendedCloseAt,
    createdAt: row.createdAt,
    comments: comments.filter((c) => vendor || c.visibility === "PUBLIC").map(toCommentView),
    escalations: escalations.map((e) => toEscalationView(e, catalog)),
    actions: allowedActions(actor, row, now, catalog),
    ...(vendor ? { serviceLevel: staffServiceLevel(row, now) } : {}),
    promise: customerPromise(row, readerTimeZone(actor, row)),
  };
}

/**
 * The zone a customer's promise is told in when the platform did not give one with the
 * request: the reader's own (their chat identity's, else their account's), else, for a
 * card posted where several people read it, the case's account's.
 */
function readerTimeZone(actor: Actor, row: CaseRow): string | undefined {
  return (actor.kind === "contact" ? actor.timeZone : undefined) ?? row.account.timeZone ?? undefined;
}
