import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Sets variables in a `.env` file as a person would edit it: a variable already there is
 * changed on its own line, a new one is appended, and every other line (comments, other
 * settings, secrets) stays as it was. The file is created when missing.
 */
export function setEnvValues(file: string, values: Record<string, string>): { changed: string[] } {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n") : [];
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const changed: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}=${quote(value)}`;
    const at = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${key}\\s*=`).test(l));
    if (at >= 0) {
      if (lines[at] === line) continue;
      lines[at] = line;
    } else {
      lines.push(line);
    }
    changed.push(key);
  }
  if (changed.length > 0 || !existsSync(file)) writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return { changed };
}

/** Plain values stay bare; anything a .env parser could misread is double-quoted. */
function quote(value: string): string {
  if (/^[\w@:./,+-]*$/.test(value)) return value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
