#!/usr/bin/env node
// CommonJS (bin/package.json): a CommonJS entry spares every run Node's ES module loader (~20
// internal modules to load before the first line of gonogo runs).
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const { setFlagsFromString } = require("node:v8");

// WebAssembly stays on V8's baseline compiler (Liftoff). libpg-query's parser is one very large
// function: V8 recompiles it with TurboFan once it is warm, in every thread that parses SQL, which
// costs ~0.35 s of CPU and ~40 MB per thread and holds the process open until it is done, more than
// the faster code ever gives back in a scan (bench/RESULTS.md, round 2). Set before any WASM is
// compiled; V8 flags are per process, so the worker threads follow.
const V8_FLAGS = "--liftoff-only";
setFlagsFromString(V8_FLAGS);

// The bundled CLI (scripts/bundle-cli.mjs): one CommonJS script, compiled with V8's code cache kept
// in the user's cache directory (src/cli/compile-cache.ts, bundled beside it). A checkout built
// without the bundler (tsc only) runs the same code from the modules in dist/src/.
const dist = path.join(__dirname, "..", "dist");
const bundled = path.join(dist, "cli", "gonogo.cjs");

async function load() {
  if (existsSync(bundled)) {
    const { loadBundle } = require(path.join(dist, "cli", "compile-cache.cjs"));
    // A scan (scan, check) compiles much that other commands do not: its own cache.
    const variant = ["scan", "check"].includes(process.argv[2] ?? "") ? "scan" : "other";
    return loadBundle(bundled, { flags: V8_FLAGS, variant });
  }
  const exports = await import(pathToFileURL(path.join(dist, "src", "cli", "main.js")).href);
  return { exports, done: () => undefined };
}

load()
  .then(async ({ exports: { main }, done }) => {
    process.exitCode = await main(process.argv.slice(2));
    done();
  })
  .catch((error) => {
    process.stderr.write(`gonogo: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  });
