#!/usr/bin/env node
// Generates docs/rules/<family>/<name>.md (and docs/rules/README.md) from the rule modules.
//   npm run docs:rules   write the pages (and delete pages of rules that no longer exist)
//   npm run docs:check   exit 1, naming the files, when the pages are not what the rules say
// Options: --check; --root DIR (the repository whose docs/ is written or checked; default this one).
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

register("./source-hooks.mjs", import.meta.url);
const { allRules } = await import("../rules/index.ts");
const { renderAllRuleDocs } = await import("../src/cli/rule-docs.ts");

const args = process.argv.slice(2);
const check = args.includes("--check");
const rootIndex = args.indexOf("--root");
const root = rootIndex >= 0 ? path.resolve(args[rootIndex + 1] ?? ".") : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const unknown = args.filter((a, i) => a !== "--check" && a !== "--root" && !(rootIndex >= 0 && i === rootIndex + 1));
if (unknown.length > 0 || (rootIndex >= 0 && !args[rootIndex + 1])) {
  process.stderr.write(`usage: gen-rule-docs.mjs [--check] [--root DIR]\n`);
  process.exit(2);
}

function markdownFilesUnder(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) return markdownFilesUnder(abs);
    return name.endsWith(".md") ? [abs] : [];
  });
}

const expected = renderAllRuleDocs(allRules);
const rulesDir = path.join(root, "docs/rules");
const extra = markdownFilesUnder(rulesDir)
  .map((abs) => path.relative(root, abs).split(path.sep).join("/"))
  .filter((rel) => !expected.has(rel));

const stale = [];
for (const [rel, content] of expected) {
  const abs = path.join(root, rel);
  let current;
  try {
    current = readFileSync(abs, "utf8");
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  stale.push(current === undefined ? `${rel} (missing)` : rel);
  if (!check) {
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

if (check) {
  const problems = [...stale, ...extra.map((rel) => `${rel} (no such rule)`)];
  if (problems.length > 0) {
    process.stderr.write(`Rule docs are stale; run \`npm run docs:rules\`:\n${problems.map((p) => `  ${p}\n`).join("")}`);
    process.exit(1);
  }
  process.stdout.write(`Rule docs are up to date (${expected.size} files).\n`);
} else {
  for (const rel of extra) rmSync(path.join(root, rel));
  process.stdout.write(`Rule docs: ${stale.length} written, ${extra.length} removed, ${expected.size - stale.length} unchanged.\n`);
}
