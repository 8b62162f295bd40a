#!/usr/bin/env node
import { existsSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

// WebAssembly stays on V8's baseline compiler (Liftoff). libpg-query's parser is one very large
// function: V8 recompiles it with TurboFan once it is warm, in every thread that parses SQL, which
// costs ~0.35 s of CPU and ~40 MB per thread and holds the process open until it is done, more than
// the faster code ever gives back in a scan (bench/RESULTS.md, round 2). Set before any WASM is
// compiled; V8 flags are per process, so the worker threads follow.
setFlagsFromString("--liftoff-only");

// The bundled CLI (scripts/bundle-cli.mjs): one script to load instead of the module graph. A
// checkout built without the bundler (tsc only, or node_modules older than package.json) runs
// the same code from the modules in dist/src/.
const bundled = new URL("../dist/cli/gonogo.js", import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : new URL("../dist/src/cli/main.js", import.meta.url).href);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gonogo: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
