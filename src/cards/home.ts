import type { CaseSummary } from "../core/cases/presenter.ts";
import type { RecentItem } from "../core/search.ts";
import { formatTime } from "./labels.ts";
import { caseItem } from "./lists.ts";
import type { Block, HomeCard } from "./model.ts";

export interface Dashboard {
  viewerName: string;
  openCases: CaseSummary[];
  openTotal: number;
  recent: RecentItem[];
  knowledge: { title: string; url: string }[];
  productUpdates: { id: string; title: string; publishedAt: Date }[];
  rcas: { id: string; title: string; publishedAt: Date }[];
}

/** The home dashboard: open cases, recently viewed, knowledge links, product updates and RCAs. */
export function buildHome(d: Dashboard): HomeCard {
  const section = (title: string, items: Block[], empty: string): Block[] => [
    { type: "divider" },
    { type: "heading", text: title },
    ...(items.length ? items : [{ type: "context" as const, text: empty }]),
  ];
  return {
    surface: "home",
    blocks: [
      { type: "heading", text: `Support for ${d.viewerName}` },
      { type: "actions", actions: [
        { id: "case.new", label: "New case", value: "new", style: "primary" },
        { id: "severity.guide", label: "Which severity?", value: "guide" },
        { id: "home.refresh", label: "Refresh", value: "refresh" },
      ] },
      ...section(`Your open cases (${d.openTotal})`, d.openCases.slice(0, 10).map(caseItem), "No open cases."),
      ...section(
        "Recently viewed",
        d.recent.slice(0, 8).map<Block>((r) => ({
          type: "item",
          title: r.label,
          subtitle: `${r.kind === "CASE" ? "Case" : r.kind === "ACCOUNT" ? "Account" : "Contact"} · ${formatTime(r.viewedAt)}`,
          ...(r.kind === "CASE" ? { action: { id: "case.open" as const, label: "Open", value: r.label.split(" ")[0] ?? "" } } : {}),
          optional: true,
        })),
        "Nothing viewed yet.",
      ),
      ...section("Knowledge", d.knowledge.slice(0, 6).map<Block>((k) => ({ type: "item", title: k.title, action: { id: "knowledge.open", label: "Open", value: k.url, url: k.url }, optional: true })), "No links configured."),
      ...section("Product updates", d.productUpdates.slice(0, 5).map<Block>((p) => ({ type: "item", title: p.title, subtitle: formatTime(p.publishedAt), action: { id: "publication.open", label: "Read", value: p.id }, optional: true })), "No product updates yet."),
      ...section("Root-cause analyses (S1 incidents)", d.rcas.slice(0, 5).map<Block>((p) => ({ type: "item", title: p.title, subtitle: formatTime(p.publishedAt), action: { id: "publication.open", label: "Read", value: p.id }, optional: true })), "No RCAs published."),
    ],
  };
}
