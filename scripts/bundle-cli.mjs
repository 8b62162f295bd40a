#!/usr/bin/env node
// `npm run build`, second step: the CLI as one script (dist/cli/gonogo.cjs) bundled by esbuild from
// what tsc just wrote to dist/src/, so `gonogo` starts by loading one file instead of ~200 ES
// modules (Node 20 has no module compile cache: each module costs a resolve, a read and a compile).
// The library (dist/src/, package.json `exports`) stays as modules for `import … from "gonogo"`.
//
// - One file, no chunks: code reached only through `import()` (other commands, report formats)
//   is wrapped by esbuild in a function that runs on first use, so it is parsed but not run;
//   chunks would bring back a graph of ~50 files.
// - The worker-thread entry (engine/pool-worker) is a second entry point in the same directory:
//   engine/pool.ts finds it as `./pool-worker.js` beside the code that starts the pool.
// - Packages with native or WebAssembly parts (tree-sitter and its grammars, libpg-query), the
//   worker pool (piscina starts its own worker script from its package) and the big parsers loaded
//   only for some inputs stay external: they load from node_modules as before. Every other
//   dependency is bundled: esbuild hoists an external package's static import to the top of the
//   bundle, so an external yaml or ajv would load on every run, while a bundled CommonJS
//   package is wrapped and runs only when first required. Modules loaded with
//   createRequire at run time (yaml, ajv, smol-toml, @babel/parser…) are untouched by esbuild.
import { build, transform } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist/cli");
rmSync(outdir, { recursive: true, force: true });

export const EXTERNAL = [
  "tree-sitter",
  "tree-sitter-*",
  "@tree-sitter-grammars/*",
  "libpg-query",
  "piscina",
  "node-sql-parser",
  "node-sql-parser/*",
  "pg",
  "@babel/parser",
  "eslint",
];

const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: false,
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  logLevel: "warning",
};

// The command: CommonJS, so that bin/gonogo.js can compile it as one classic script with V8's code
// cache (src/cli/compile-cache.ts; Node 20 has no compile cache for ES modules). Every external is
// a CommonJS-requirable package; `import()` of one becomes a require() (a classic script compiled
// by vm has no dynamic-import host), `import.meta.url` the file's own URL.
await build({
  ...common,
  entryPoints: { gonogo: "dist/src/cli/main.js" },
  outdir,
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  supported: { "dynamic-import": false },
  define: { "import.meta.url": "__gonogoModuleUrl" },
  banner: { js: '"use strict";\nvar __gonogoModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// ASCII only, so that bin/gonogo.js reads it as Latin-1 into a one-byte string (half the memory of
// UTF-8 decoding into a two-byte one, and faster). esbuild escapes every non-ASCII character of
// the code (charset "ascii") but copies comments as they are: those characters become \u escapes.
// Checked, not assumed: the bundle minified without comments must be the same before and after.
const cli = path.join(outdir, "gonogo.cjs");
const text = readFileSync(cli, "utf8");
const ascii = text.replace(/[^\t\n\r\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
if (ascii !== text) {
  const minified = async (code) => (await transform(code, { minifyWhitespace: true, format: "cjs", platform: "node", target: "node20" })).code;
  if ((await minified(text)) !== (await minified(ascii))) throw new Error(`${cli}: a non-ASCII character outside a comment`);
  writeFileSync(cli, ascii);
}

// bin/gonogo.js (CommonJS) loads the bundle through the compile cache's loader: that loader as
// CommonJS too, beside the bundle.
await build({
  ...common,
  entryPoints: { "compile-cache": "dist/src/cli/compile-cache.js" },
  outdir,
  outExtension: { ".js": ".cjs" },
  format: "cjs",
});

// The worker threads' entry (piscina loads it as a module).
await build({
  ...common,
  entryPoints: { "pool-worker": "dist/src/engine/pool-worker.js" },
  outdir,
  format: "esm",
  // CommonJS dependencies bundled into ES modules (picomatch) call require() for Node's built-ins:
  // give the output file a real one.
  banner: { js: 'import { createRequire as __gonogoCreateRequire } from "node:module";\nconst require = __gonogoCreateRequire(import.meta.url);' },
});
