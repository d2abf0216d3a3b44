import type { CaseSummary, CaseView } from "../core/cases/presenter.ts";
import type { Page } from "../core/cases/queries.ts";

/** Plain-text output for operators; --json prints the raw result instead. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v)).replace(/\s+/g, " ");
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (values: string[]) => values.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join("\n");
}

export function casePage(page: Page<CaseSummary>): string {
  const rows = page.items.map((c) => ({
    number: c.number,
    status: c.status,
    sev: c.severity,
    account: c.account.name,
    owner: c.owner?.name ?? "-",
    subject: c.subject,
  }));
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  return `${table(rows, ["number", "status", "sev", "account", "owner", "subject"])}\npage ${page.page} of ${pages} (${page.total} cases)`;
}

export function caseDetail(c: CaseView): string {
  const lines: (string | null)[] = [
    `Case ${c.number}: ${c.subject}`,
    `  status     ${c.status}${c.closeReason ? ` (${c.closeReason}${c.duplicateOf ? ` of ${c.duplicateOf}` : ""})` : ""}`,
    `  severity   ${c.severity}   priority ${c.priority ?? c.severity}   type ${c.caseType}`,
    `  account    ${c.account.name}`,
    `  contact    ${c.contact.name} <${c.contact.email}>${c.phone ? `  ${c.phone}` : ""}`,
    `  product    ${c.product.name} / ${c.feature.name}`,
    `  owner      ${c.owner?.name ?? "-"}${c.partner ? `   partner ${c.partner.name}` : ""}`,
    c.pid ? `  PID        ${c.pid}` : null,
    c.exampleUrl ? `  example    ${c.exampleUrl}` : null,
    c.cc.length ? `  cc         ${c.cc.join(", ")}` : null,
    c.linkedFrom ? `  continues  ${c.linkedFrom}` : null,
    `  credentials ${c.hasCredentials ? "stored (staff may reveal them)" : "none"}`,
    "",
    c.description,
  ];
  if (c.escalations.length) {
    lines.push("", "Escalations:");
    for (const e of c.escalations) lines.push(`  ${e.createdAt.toISOString()}  ${e.reasonLabel} by ${e.escalatedBy.name}: ${e.description} [${e.acknowledgement}]`);
  }
  if (c.comments.length) {
    lines.push("", "Comments:");
    for (const m of c.comments) lines.push(`  ${m.createdAt.toISOString()}  ${m.author?.name ?? "Support"}${m.internal ? " (internal)" : ""} via ${m.source}: ${m.body}`);
  }
  return lines.filter((l) => l !== null).join("\n");
}
