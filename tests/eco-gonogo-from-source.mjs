#!/usr/bin/env node
// `gonogo` from the TypeScript sources, for end-to-end tests that spawn it as a process
// (pre-commit hooks): same exit codes and output as bin/gonogo.js on a build.
import { register } from "node:module";

register("../scripts/source-hooks.mjs", import.meta.url);
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
