import type { NotificationPayload } from "../core/notify/events.ts";
import type { MessageCard } from "./model.ts";

/**
 * The triage channel's card for a chat user who asked staff to confirm who they are
 * (src/core/accounts/identity-claims.ts): who asked, where, as whom, and Approve or
 * Decline. Approve links them to the one contact of the account named as they typed;
 * when no single contact matches, the card says so and staff add the contact first.
 */
export function buildIdentityApprovalCard(p: NotificationPayload<"identity.approval_requested">): MessageCard {
  const who = `${p.platform === "slack" ? "Slack" : "Teams"} user ${p.userId} (workspace ${p.tenantId})`;
  const as = p.contact ? `the contact ${p.contact}` : `"${p.typed}", which names no single contact of the account yet: add them as a contact first (npm run cli -- contact create), or decline`;
  return {
    surface: "message",
    summary: `${who} asks to be confirmed as a contact of ${p.account}`,
    blocks: [
      { type: "heading", text: `Confirm a contact of ${p.account}?` },
      { type: "text", text: `${who} in ${p.account}'s support channel ${p.channelId} cannot be recognised by email and asks to be confirmed as ${as}.` },
      { type: "context", text: "Approve only if you know this person is that contact: they will see and file the account's cases." },
      {
        type: "actions",
        actions: [
          { id: "identity.approve", label: "Approve", value: p.claimId, style: "primary" },
          { id: "identity.decline", label: "Decline", value: p.claimId, style: "danger" },
        ],
      },
    ],
  };
}
