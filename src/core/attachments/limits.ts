/**
 * What a case's files may be: set by the operator (ATTACHMENT_* settings, src/config.ts)
 * and checked by the core for every way a file arrives (chat, forms, email), so one
 * place says what is refused and every refusal names the limit in the sender's words.
 */
export interface AttachmentLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most files one case may hold. */
  maxPerCase: number;
  /** File name extensions refused whatever type the sender declared (lower case, no dot); the shipped list when absent. */
  refusedExtensions?: readonly string[];
}

/**
 * Kinds a support case has no use for and a customer's colleague might be tricked into
 * running when staff forward them: refused whatever type the sender declared.
 */
export const DEFAULT_REFUSED_EXTENSIONS: readonly string[] = ["exe", "scr", "com", "bat", "cmd", "msi", "pif", "vbs", "vbe", "jse", "wsf", "hta", "cpl", "lnk"];

/** The shipped limits: 10 MiB a file (what common mail systems let through), 50 files a case. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 10 * 1024 * 1024, maxPerCase: 50, refusedExtensions: DEFAULT_REFUSED_EXTENSIONS };

/** "10 MB", "512 KB": a size as the limit's message says it. */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.floor((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
