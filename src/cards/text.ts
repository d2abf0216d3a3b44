/**
 * Text fitting that never splits a character: emoji, combining marks and surrogate
 * pairs stay whole (Intl.Segmenter), lengths are counted in UTF-16 code units, which
 * is never less than what the platforms count.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const ELLIPSIS = "…";

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let out = "";
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > max - ELLIPSIS.length) break;
    out += segment;
  }
  return out + ELLIPSIS;
}

/** Collapses all whitespace to single spaces: for one-line places (titles, options, buttons). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Fits text that will be transformed (escaped) before it is sent: shortens the
 * plain text until its transformed form fits, so an escape is never cut in half.
 */
export function fitTransformed(plain: string, max: number, transform: (s: string) => string): string {
  let candidate = plain;
  let out = transform(candidate);
  while (out.length > max) {
    const overflow = out.length - max;
    candidate = truncate(candidate, Math.max(0, candidate.length - Math.max(overflow, 1) - 1));
    out = transform(candidate);
  }
  return out;
}
