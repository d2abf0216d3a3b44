import { z } from "zod";
import { slackFilesOf } from "./files.ts";

/**
 * The values of a submitted modal: view.state.values[block_id][action_id], each a
 * typed value, a selected option or nothing. Block ids are our input ids.
 * @link https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 */
const elementState = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  /** A file_input's uploaded files: handed on as a JSON list of { id, name, size } (src/interactions/form-files.ts). */
  files: z.array(z.unknown()).nullish(),
});
const stateSchema = z.record(z.string(), z.record(z.string(), elementState));

export function formValues(state: unknown): Record<string, string> {
  const parsed = stateSchema.safeParse((state as { values?: unknown } | undefined)?.values ?? {});
  if (!parsed.success) return {};
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(parsed.data)) {
    for (const element of Object.values(actions)) {
      const value = element.files ? JSON.stringify(slackFilesOf(element.files)) : (element.selected_option?.value ?? element.value ?? undefined);
      if (value !== undefined && value !== null) out[blockId] = value;
    }
  }
  return out;
}

/** The form's private state (JSON written by the renderer); anything else is treated as empty. */
export function formState(privateMetadata: string | undefined): Record<string, string> {
  try {
    const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(privateMetadata ?? "{}"));
    return parsed.success ? parsed.data : {};
  } catch {
    // Not ours or not JSON: the form then simply carries no state, and the core re-checks everything.
    return {};
  }
}
