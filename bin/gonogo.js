#!/usr/bin/env node
// The bundled CLI (scripts/bundle-cli.mjs): one script to load instead of the module graph.
import { main } from "../dist/cli/gonogo.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gonogo: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
