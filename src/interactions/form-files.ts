import { z } from "zod";
import type { SharedFile } from "../core/attachments/attachments.ts";
import type { CaseOrigin } from "../core/cases/schemas.ts";
import type { Env } from "./outcome.ts";

/**
 * A form's file input (issue 14). The platform hands its files over as a form value: a
 * JSON list of { id, name, size } that the adapter wrote (Slack's file_input, see
 * src/adapters/slack/view-state.ts). The files are checked against the limits before the
 * form's write (a refusal lands on the file input with everything typed kept), and after
 * it the core records them for the platform's file channel to fetch and attach once the
 * form was answered: a download must not hold up the platform's 3-second answer.
 */
const sharedFiles = z.array(z.object({ id: z.string().min(1).max(255), name: z.string().max(1000).nullish(), size: z.number().int().min(0).nullish() })).max(50);

export function filesOfForm(value: string | undefined): SharedFile[] {
  if (!value) return [];
  try {
    const parsed = sharedFiles.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : [];
  } catch {
    // Not a list an adapter wrote: no files.
    return [];
  }
}

/** Refuses files the core would refuse, before anything is written. */
export function checkFormFiles({ core }: Env, files: SharedFile[]): void {
  if (files.length) core.email.attachments.check(files.map((f) => ({ name: f.name ?? "file", size: f.size })));
}

/** After the write: the files to fetch from the platform the form came from, for the case (and the reply). */
export async function requestFormFiles({ core, ctx }: Env, number: string, files: SharedFile[], source: { origin?: CaseOrigin }, commentId?: string): Promise<void> {
  const origin = source.origin;
  if (!files.length || !origin) return;
  await core.email.attachments.request(ctx, number, { commentId, from: { platform: origin.platform, tenantId: origin.tenantId, userId: origin.userId }, files });
}

/**
 * Download links for a card answered to one reader (Details, `show`), signed for that
 * reader. Only where the answer is private: Slack answers these ephemerally or in the
 * app's DM; Teams may answer in a channel everyone in it reads, where a link signed for
 * the asker would let the others in for an hour, so Teams cards name the files without
 * links until its adapter can say an answer is private.
 */
export async function readerFileLinks({ core, ctx }: Env): Promise<((attachmentId: string) => string) | undefined> {
  return ctx.source === "slack" ? core.email.attachments.linksFor(ctx) : undefined;
}
