#!/usr/bin/env node
import { existsSync } from "node:fs";

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
