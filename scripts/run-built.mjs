// Runs a compiled entry point (dist/<entry>.js), compiling src/ first when dist/ is
// missing or older than any source file. `npm start` and `npm run worker` go through
// it, so production runs plain JavaScript (no TypeScript compiler loaded at run time:
// faster to ready and less memory) while a fresh clone still needs only `npm start`.
// Usage: node scripts/run-built.mjs main|worker-main|cli/main [args...]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = process.argv[2] ?? "main";
const built = join(root, "dist", `${entry}.js`);
const stamp = join(root, "dist", ".tsbuildinfo");

/** The newest modification time under a folder (the sources, the build config). */
function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

const sources = Math.max(newest(join(root, "src")), newest(join(root, "tsconfig.json")), newest(join(root, "tsconfig.build.json")));
if (!existsSync(built) || !existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  process.stderr.write("carebot: compiling src/ to dist/ (npm run build)…\n");
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // tsc --incremental leaves its build info alone when nothing changed (a touched file, a
  // checkout): mark the build fresh, or every later start would compile again.
  const now = new Date();
  utimesSync(stamp, now, now);
}
// The entry reads its own arguments from process.argv: drop this script's.
process.argv.splice(1, 2, built);
await import(pathToFileURL(built).href);
