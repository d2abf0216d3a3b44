import { z } from "zod";

/** A Slack team id (T…), Enterprise Grid enterprise id (E…) or Teams tenant id, as the platform names it. */
const tenantId = z
  .string({ error: "Give the workspace or tenant id." })
  .trim()
  .min(1, "Give the workspace or tenant id.")
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, "A workspace id is letters, digits and . _ : - (a Slack T… or E… id, or a Teams tenant id).");

export const workspaceLinkSchema = z.object({
  platform: z.enum(["slack", "teams"], { error: "Choose slack or teams." }),
  tenantId,
  accountId: z.uuid({ error: "Choose an account." }),
});
export type WorkspaceLinkInput = z.input<typeof workspaceLinkSchema>;

export const listWorkspaceLinksSchema = z.object({ accountId: z.uuid({ error: "Choose an account." }).optional() });

/** An account as staff type it in chat: its name (or part of it) or its id. */
export const accountNameSchema = z.string({ error: "Name the account." }).trim().min(1, "Name the account.").max(200, "An account name is at most 200 characters.");
