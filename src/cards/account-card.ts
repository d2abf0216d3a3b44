import type { AccountView } from "../core/accounts/directory.ts";
import type { Block, MessageCard } from "./model.ts";

const TYPE_LABEL: Record<AccountView["type"], string> = { STANDARD: "Account", PARENT: "Parent account", SUB: "Sub-account" };

/** One account as its people (and staff) may see it: its place, seats, Customer Success Manager and contacts. */
export function buildAccountCard(account: AccountView): MessageCard {
  const active = account.contacts.filter((c) => c.active);
  const blocks: Block[] = [
    { type: "heading", text: account.name },
    {
      type: "facts",
      facts: [
        { label: "Type", value: TYPE_LABEL[account.type] },
        ...(account.parent ? [{ label: "Parent", value: account.parent.name }] : []),
        ...(account.subAccounts.length ? [{ label: "Sub-accounts", value: account.subAccounts.map((a) => a.name).join(", ") }] : []),
        { label: "Seats", value: `${account.seatsUsed} of ${account.seatLimit} used` },
        { label: "Customer Success Manager", value: account.csmEmail ? `${account.csmName} <${account.csmEmail}>` : account.csmName },
      ],
    },
    { type: "context", text: "More seats: ask your Customer Success Manager." },
    { type: "divider" },
    { type: "heading", text: `Contacts (${active.length})` },
    ...(active.length ? active.map<Block>((c) => ({ type: "item", title: c.name, subtitle: `${c.email}${c.phone ? ` · ${c.phone}` : ""}`, optional: true })) : [{ type: "context" as const, text: "No active contacts." }]),
  ];
  return { surface: "message", summary: `${account.name}: ${account.seatsUsed} of ${account.seatLimit} seats used`, blocks };
}

/** Several accounts to choose from (a parent account's people, or staff): each opens its account card. */
export function buildAccountList(accounts: { id: string; name: string; type: AccountView["type"] }[]): MessageCard {
  return {
    surface: "message",
    summary: "Your accounts",
    blocks: [
      { type: "heading", text: "Accounts" },
      ...(accounts.length
        ? accounts.slice(0, 20).map<Block>((a) => ({ type: "item", title: a.name, subtitle: TYPE_LABEL[a.type], action: { id: "account.open", label: "Open", value: a.id }, optional: true }))
        : [{ type: "context" as const, text: "No account is visible to you." }]),
    ],
  };
}
