import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { envSchema } from "../src/config.ts";

/**
 * Finds what the documentation names that does not exist: `npm run X` scripts,
 * `npm run cli -- X` commands, environment variables, and repository files (in inline
 * code, code blocks and Markdown links), and tests cited by file and title. Used by test/docs/references.test.ts, so a
 * renamed script, command, setting or file fails `npm test` until the docs follow.
 */

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The documents checked: the README and every Markdown file under docs/. */
export function documentedFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith(".md") ? [join(dir, entry.name)] : [],
    );
  return ["README.md", ...walk("docs")];
}

export interface Facts {
  scripts: Set<string>;
  /** The CLI's source text (every file under src/cli), where its commands are string literals. */
  cliSource: string;
  envVariables: Set<string>;
  /** Source text of the code (src, scripts, test, bench, .ci): where a variable must be read. */
  codeText: string;
  exists: (path: string) => boolean;
  read: (path: string) => string;
  topLevel: Set<string>;
}

const CODE_DIRS = ["src", "scripts", "test", "bench", ".ci"];
const NOT_IN_REPO = new Set(["node_modules", "dist", "data", ".git", "coverage"]);

function readTree(dir: string): string {
  if (!existsSync(join(ROOT, dir))) return "";
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .map((entry) => {
      const path = join(dir, entry.name);
      // Not the generated client, not the card goldens, and not the docs tests, whose examples name what does not exist.
      if (entry.isDirectory()) return ["generated", "__golden__"].includes(entry.name) || path === join("test", "docs") ? "" : readTree(path);
      return /\.(ts|mts|mjs|js|json|sh)$/.test(entry.name) || !entry.name.includes(".") ? readFileSync(join(ROOT, path), "utf8") : "";
    })
    .join("\n");
}

export function repositoryFacts(): Facts {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return {
    scripts: new Set(Object.keys(pkg.scripts)),
    cliSource: readTree("src/cli"),
    envVariables: new Set(Object.keys(envSchema.shape)),
    codeText: CODE_DIRS.map(readTree).join("\n"),
    exists: (path) => existsSync(join(ROOT, path)),
    read: (path) => readFileSync(join(ROOT, path), "utf8"),
    topLevel: new Set(readdirSync(ROOT).filter((name) => !NOT_IN_REPO.has(name))),
  };
}

export interface Problem {
  file: string;
  kind: "script" | "cli command" | "setting" | "file" | "test";
  name: string;
}

/** Inline code spans and fenced code blocks: where commands, settings and paths are written. */
function codeSpans(markdown: string): string[] {
  const spans: string[] = [];
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n([\s\S]*?)^\1\s*$/gm, (_, _fence, body: string) => {
    spans.push(body);
    return "";
  });
  for (const match of withoutFences.matchAll(/(`+)([^`]+?)\1/g)) spans.push(match[2]!);
  return spans;
}

/** The anchors GitHub gives a Markdown file's headings (lower case, punctuation dropped, spaces to dashes). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    let anchor = base;
    for (let i = 1; anchors.has(anchor); i++) anchor = `${base}-${i}`;
    anchors.add(anchor);
  }
  return anchors;
}

const PLACEHOLDER = /[<>…*{}$]|\.\.\./;

function isReadFromEnvironment(name: string, code: string): boolean {
  return new RegExp(`env\\.${name}\\b|env\\[["'\`]${name}["'\`]\\]|\\b${name}\\s*[:=]|["'\`]${name}["'\`]`).test(code);
}

function cliCommandExists(words: string[], cliSource: string): boolean {
  const [group, verb] = words;
  if (!group) return true;
  const literal = (text: string) => cliSource.includes(`"${text}"`) || cliSource.includes(`'${text}'`) || cliSource.includes(`\`${text}\``);
  if (verb && /^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(verb)) {
    // `publish update|rca` names two commands; each must exist (a verb may also be an argument: `case show 00010001`).
    const verbs = verb.split("|");
    if (verbs.every((v) => literal(`${group} ${v}`))) return true;
    if (literal(group) && verbs.length === 1) return true;
    return false;
  }
  return literal(group) || new RegExp(`["'\`]${group} [a-z]`).test(cliSource);
}

export function referenceProblems(file: string, markdown: string, facts: Facts): Problem[] {
  const problems: Problem[] = [];
  const add = (kind: Problem["kind"], name: string) => {
    if (!problems.some((p) => p.kind === kind && p.name === name)) problems.push({ file, kind, name });
  };

  for (const match of markdown.matchAll(/\bnpm run ([a-z][\w:.-]*[\w])/g)) {
    if (!facts.scripts.has(match[1]!)) add("script", `npm run ${match[1]}`);
  }
  for (const match of markdown.matchAll(/\bnpm run cli -- ([^`\n]*)/g)) {
    const words = match[1]!.trim().split(/\s+/).filter((w) => !w.startsWith("-"));
    const command = words.slice(0, 2);
    if (command[0] && !PLACEHOLDER.test(command[0]) && !cliCommandExists(command, facts.cliSource)) add("cli command", `npm run cli -- ${command.join(" ")}`);
  }

  for (const span of codeSpans(markdown)) {
    for (const match of span.matchAll(/(?<![\w.-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w-])/g)) {
      const name = match[1]!;
      if (facts.envVariables.has(name) || isReadFromEnvironment(name, facts.codeText)) continue;
      add("setting", name);
    }
    for (const raw of span.split(/[\s=(),;'"]+/)) {
      const word = raw.replace(/[:.,]+$/, "").replace(/^\.\//, "");
      const first = word.split("/")[0]!;
      if (!word.includes("/") || PLACEHOLDER.test(word) || word.includes("://") || !facts.topLevel.has(first)) continue;
      if (!facts.exists(word)) add("file", word);
    }
  }

  // A test named as `test/x.test.ts` › "its title" must exist with that title (the QA stories cite them).
  for (const match of markdown.matchAll(/`(test\/[^`]+\.test\.ts)` › "(.+)"\s*$/gm)) {
    const [, path, title] = match as unknown as [string, string, string];
    if (!facts.exists(path) || !facts.read(path).includes(`"${title}"`)) add("test", `${path} › ${title}`);
  }

  // Markdown links to files in the repository, relative to the document, and the headings they point at.
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const [target = "", fragment] = match[1]!.split("#");
    if (/^[a-z]+:/i.test(target)) continue;
    const path = target ? relative(ROOT, join(ROOT, dirname(file), decodeURIComponent(target))) : file;
    if (path.startsWith("..") || NOT_IN_REPO.has(path.split("/")[0]!)) continue;
    if (!facts.exists(path)) add("file", path);
    else if (fragment && path.endsWith(".md") && !headingAnchors(target ? facts.read(path) : markdown).has(fragment)) add("file", `${path}#${fragment}`);
  }
  return problems;
}

export function allReferenceProblems(facts = repositoryFacts()): Problem[] {
  return documentedFiles().flatMap((file) => {
    if (!statSync(join(ROOT, file)).isFile()) return [];
    return referenceProblems(file, readFileSync(join(ROOT, file), "utf8"), facts);
  });
}
