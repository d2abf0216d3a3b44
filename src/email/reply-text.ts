/**
 * The customer's own words of an emailed reply: the quoted history their mail program
 * appends (or interleaves) and their signature taken off, so the case gets one comment
 * with what they wrote, not the whole thread again. Works on plain text; HTML mail is
 * made text first (mailparser's html-to-text). Deliberately conservative: a line that
 * only looks a little like a quote header stays, since losing a customer's words is
 * worse than keeping a stray line.
 */

/** A line that starts the quoted history: everything from it on is the old thread. */
const HISTORY_STARTS: RegExp[] = [
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|forwarded message)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/, // Outlook's rule above its "From: … Sent: …" block
  /^(on|am|le|el|il|op)\s.{4,300}(wrote|schrieb|a écrit|escribió|ha scritto|schreef)\s*:\s*$/i,
];

/** A signature's first line: the standard delimiter, and the mobile clients' sign-offs. */
const SIGNATURE_STARTS: RegExp[] = [/^-- ?$/, /^(sent from my \w+|get outlook for \w+|sent from (mail|yahoo mail|outlook) for \w+)/i];

/** An Outlook header block without a rule: From:, then Sent:/Date: and To:/Subject: within the next lines. */
function isHeaderBlock(lines: string[], i: number): boolean {
  if (!/^\*?from:\*?\s/i.test(lines[i]!)) return false;
  const next = lines.slice(i + 1, i + 5).join("\n");
  return /^\*?(sent|date):\*?\s/im.test(next) && /^\*?(to|subject):\*?\s/im.test(next);
}

export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    // "On Mon, 2 Mar 2026 at 10:00, Support <reply+…@…>" and "wrote:" split over two lines by the client's wrapping.
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1]!.trim()}` : line;
    if (HISTORY_STARTS.some((r) => r.test(line)) || (/^(on|am|le|el|il|op)\s/i.test(line) && HISTORY_STARTS[2]!.test(joined)) || isHeaderBlock(lines, i)) {
      end = i;
      break;
    }
    if (SIGNATURE_STARTS.some((r) => r.test(line))) {
      end = i;
      break;
    }
  }
  return lines
    .slice(0, end)
    .filter((line) => !/^\s*>/.test(line)) // interleaved quotes: the customer's answers between them stay
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
