#!/usr/bin/env node
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

// WebAssembly stays on V8's baseline compiler (Liftoff). libpg-query's parser is one very large
// function: V8 recompiles it with TurboFan once it is warm, in every thread that parses SQL, which
// costs ~0.35 s of CPU and ~40 MB per thread and holds the process open until it is done, more than
// the faster code ever gives back in a scan (bench/RESULTS.md, round 2). Set before any WASM is
// compiled; V8 flags are per process, so the worker threads follow.
const V8_FLAGS = "--liftoff-only";
setFlagsFromString(V8_FLAGS);

// The bundled CLI (scripts/bundle-cli.mjs): one CommonJS script, compiled with V8's code cache kept
// in the user's cache directory (src/cli/compile-cache.ts). A checkout built without the bundler
// (tsc only) runs the same code from the modules in dist/src/.
const bundled = fileURLToPath(new URL("../dist/cli/gonogo.cjs", import.meta.url));
let main;
let done = () => undefined;
if (existsSync(bundled)) {
  const { loadBundle } = await import("../dist/src/cli/compile-cache.js");
  ({ exports: { main }, done } = loadBundle(bundled, { flags: V8_FLAGS }));
} else {
  ({ main } = await import("../dist/src/cli/main.js"));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    done();
  },
  (error) => {
    process.stderr.write(`gonogo: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
