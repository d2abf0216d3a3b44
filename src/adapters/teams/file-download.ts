import type { Config } from "../../config.ts";

/**
 * Fetching the bytes of a file a Teams user sent the bot. The address comes in the
 * activity, that is from the sender's side: taken on trust it would let anyone who can
 * post an activity make the server fetch any URL (the cloud metadata address, an
 * internal service) and file the answer on a case. So a file is fetched only from a host
 * on the list, never followed by a redirect off it, within a byte limit counted while
 * streaming (a missing or false Content-Length cannot make it read more), and within a
 * time limit.
 */

/**
 * Where Teams keeps a file sent in a personal chat: the sender's OneDrive for Business,
 * which is SharePoint ("<tenant>-my.sharepoint.com"). The download address of a
 * `file.download.info` attachment is a pre-authenticated link there.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4#receive-files-in-personal-chat
 */
export const SHAREPOINT_HOST_PATTERNS: readonly string[] = ["*.sharepoint.com"];

export interface FileHostPolicy {
  /** Host names or "*.domain" patterns, lower case. */
  readonly patterns: readonly string[];
  /** Hosts the operator named (TEAMS_FILE_HOSTS): a sovereign cloud's SharePoint, or a test server; http allowed for them. */
  readonly extra: readonly string[];
}

export function fileHostPolicy(config: Pick<Config, "TEAMS_FILE_HOSTS">): FileHostPolicy {
  const extra = (config.TEAMS_FILE_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return { patterns: SHAREPOINT_HOST_PATTERNS, extra };
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/** Why carebot will not fetch this address, in the sender's words, or undefined when it may. */
export function fileUrlProblem(policy: FileHostPolicy, raw: unknown): string | undefined {
  const refused = "it is not stored in SharePoint or OneDrive, the only places carebot fetches Teams files from";
  if (typeof raw !== "string") return refused;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refused;
  }
  if (url.username || url.password) return refused;
  const host = url.hostname.toLowerCase();
  if (policy.extra.some((p) => hostMatches(p, host))) return url.protocol === "https:" || url.protocol === "http:" ? undefined : refused;
  if (policy.patterns.some((p) => hostMatches(p, host))) return url.protocol === "https:" ? undefined : refused;
  return refused;
}

/**
 * What a download gave: the bytes, or why there are none (the sender's words).
 * `retryable`: the host failed or was slow (a 5xx, a 429, a timeout, a dropped connection),
 * so trying again later may work; a refused host, a file too large or a 4xx will not.
 */
export type Downloaded = { ok: true; content: Buffer; contentType: string | null } | { ok: false; problem: string; retryable?: boolean };

const MAX_REDIRECTS = 3;

/**
 * GETs a trusted address within `maxBytes`. Redirects are followed by hand, each hop
 * checked against the list like the first. `authorization` goes to the first host only
 * (a bot token for the Bot Connector's inline images; never to SharePoint, whose links
 * carry their own short-lived authorization). `trusted` vouches for an address the list
 * does not name (the activity's own Bot Connector), hop by hop like the list.
 */
export async function downloadFile(
  policy: FileHostPolicy,
  address: string,
  options: { maxBytes: number; timeoutMs?: number; authorization?: string; tooLarge: string; trusted?: (url: string) => boolean },
): Promise<Downloaded> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  let url = address;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const problem = options.trusted?.(url) ? undefined : fileUrlProblem(policy, url);
      if (problem) return { ok: false, problem };
      const response = await fetch(url, { redirect: "manual", signal, headers: hop === 0 && options.authorization ? { authorization: options.authorization } : {} });
      if (response.status >= 300 && response.status < 400 && response.headers.get("location")) {
        await response.body?.cancel();
        url = new URL(response.headers.get("location")!, url).toString();
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        return { ok: false, problem: `the download failed (HTTP ${response.status}); send the file again`, retryable: response.status >= 500 || response.status === 429 };
      }
      const declared = Number(response.headers.get("content-length") ?? "NaN");
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        await response.body?.cancel();
        return { ok: false, problem: options.tooLarge };
      }
      const chunks: Buffer[] = [];
      let total = 0;
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          // Counted as it streams: whatever the headers said, no more than the limit is held.
          if (total > options.maxBytes) {
            await reader.cancel().catch(() => undefined);
            return { ok: false, problem: options.tooLarge };
          }
          chunks.push(Buffer.from(value));
        }
      }
      return { ok: true, content: Buffer.concat(chunks), contentType: response.headers.get("content-type") };
    }
    return { ok: false, problem: "the download was redirected too many times" };
  } catch (error) {
    const name = (error as { name?: string }).name;
    return { ok: false, retryable: true, problem: name === "TimeoutError" || name === "AbortError" ? "the download took too long; send the file again" : "the download failed; send the file again" };
  }
}
