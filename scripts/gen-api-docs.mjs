#!/usr/bin/env node
// Generates docs/api/ (the API reference) from the types the package exports — the entry points of
// package.json `exports` (typedoc.json) — with TypeDoc and typedoc-plugin-markdown.
//   npm run docs:api     write docs/api/
//   npm run docs:check   (with --check) exit 1, naming the files, when docs/api/ is not what the
//                        exported types say (an export added, renamed or re-documented)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
if (args.some((a) => a !== "--check")) {
  process.stderr.write("usage: gen-api-docs.mjs [--check]\n");
  process.exit(2);
}
const apiDir = path.join(root, "docs/api");
const out = check ? mkdtempSync(path.join(tmpdir(), "gonogo-api-")) : apiDir;
const typedoc = path.join(path.dirname(createRequire(import.meta.url).resolve("typedoc/package.json")), "bin/typedoc");
// --treatWarningsAsErrors: a broken link or an exported type that names a missing one fails here.
execFileSync(process.execPath, [typedoc, "--options", path.join(root, "typedoc.json"), "--out", out, "--logLevel", "Warn", "--treatWarningsAsErrors"], { cwd: root, stdio: "inherit" });
if (!check) process.exit(0);

function files(dir, base = dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? files(abs, base) : [path.relative(base, abs)];
  });
}
const expected = new Set(files(out));
const actual = new Set(files(apiDir));
const stale = [...new Set([...expected, ...actual])].sort().filter((f) => !expected.has(f) || !actual.has(f) || readFileSync(path.join(out, f), "utf8") !== readFileSync(path.join(apiDir, f), "utf8"));
rmSync(out, { recursive: true, force: true });
if (stale.length > 0) {
  process.stderr.write(`docs/api/ is stale (${stale.join(", ")}): run npm run docs:api\n`);
  process.exit(1);
}
process.stdout.write(`API reference is up to date (${expected.size} files).\n`);
