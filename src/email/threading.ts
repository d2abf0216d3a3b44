/**
 * Threading of a case's emails: every email about a case answers one root Message-ID
 * that stands for the case, so mail programs show the case as one conversation whatever
 * order the emails arrive in. Ids are derived, not stored: the root from the case id,
 * each email's own id from its notification id (a retried send keeps its id, so a
 * receiver that already has it can tell).
 */
export interface ThreadHeaders {
  messageId: string;
  inReplyTo: string;
  references: string[];
}

export function caseRootMessageId(caseId: string, domain: string): string {
  return `<case-${caseId}@${domain}>`;
}

export function caseThreadHeaders(options: { caseId: string; notificationId: string; recipientKey: string; domain: string }): ThreadHeaders {
  const root = caseRootMessageId(options.caseId, options.domain);
  return {
    // One per notification and recipient: each recipient's copy is its own message.
    messageId: `<n-${options.notificationId}.${options.recipientKey}@${options.domain}>`,
    inReplyTo: root,
    references: [root],
  };
}
