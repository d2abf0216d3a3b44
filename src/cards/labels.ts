/** Display words shared by every card. */
export const STATUS_LABEL: Record<string, string> = {
  NEW: "New",
  IN_PROGRESS: "In Progress",
  PENDING: "Pending Your Response",
  CLOSED: "Closed",
};

export const CASE_TYPE_LABEL: Record<string, string> = {
  FEATURE_REQUEST: "Feature Request",
  HOW_TO: "How-To question",
  TECHNICAL_ISSUE: "Technical Issue",
};

export function severityLabel(severity: string, names: Record<string, { name: string }>): string {
  return `${severity} ${names[severity]?.name ?? ""}`.trim();
}

/** "12 Mar 2026, 09:00 UTC": one fixed format so both platforms and golden files agree. */
export function formatTime(at: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getUTCDate()} ${months[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
}
