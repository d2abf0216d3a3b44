import type { Prisma } from "../../generated/prisma/client.ts";

/** What every reader of a case is shown of one of its files (never where its bytes are stored). */
export const attachmentSelect = {
  id: true,
  name: true,
  contentType: true,
  size: true,
  source: true,
  commentId: true,
  createdAt: true,
  addedBy: { select: { id: true, name: true } },
} satisfies Prisma.AttachmentSelect;

export type AttachmentView = Prisma.AttachmentGetPayload<{ select: typeof attachmentSelect }>;
