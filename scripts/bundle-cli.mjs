#!/usr/bin/env node
// `npm run build`, second step: the CLI as one script (dist/cli/gonogo.js) bundled by esbuild from
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
import { build } from "esbuild";
import { rmSync } from "node:fs";
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

await build({
  absWorkingDir: root,
  entryPoints: { gonogo: "dist/src/cli/main.js", "pool-worker": "dist/src/engine/pool-worker.js" },
  outdir,
  bundle: true,
  splitting: false,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  // CommonJS dependencies bundled into ES modules (commander, picomatch) call require() for Node's
  // built-ins: give every output file a real one.
  banner: { js: 'import { createRequire as __gonogoCreateRequire } from "node:module";\nconst require = __gonogoCreateRequire(import.meta.url);' },
  logLevel: "warning",
});
