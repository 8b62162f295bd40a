#!/usr/bin/env node
// The long fuzz run (`npm run fuzz`): the properties of tests/hardening-fuzz.test.ts with many more
// cases and a fresh seed each time. A failure prints the seed; rerun it with
//   GONOGO_FUZZ_SEED=<seed> npm run fuzz
// Options (environment): GONOGO_FUZZ_RUNS (default 400 per property), GONOGO_FUZZ_SEED.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runs = process.env.GONOGO_FUZZ_RUNS ?? "400";
const seed = process.env.GONOGO_FUZZ_SEED ?? String(randomInt(1, 2 ** 31 - 1));
if (!/^\d+$/.test(runs) || !/^-?\d+$/.test(seed)) {
  console.error("GONOGO_FUZZ_RUNS and GONOGO_FUZZ_SEED must be whole numbers");
  process.exit(2);
}
console.log(`gonogo fuzz: ${runs} runs per property, seed ${seed}`);
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(process.execPath, [vitest, "run", "tests/hardening-fuzz.test.ts", "--testTimeout", "0"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, GONOGO_FUZZ_RUNS: runs, GONOGO_FUZZ_SEED: seed },
});
if (result.status !== 0) console.error(`\ngonogo fuzz FAILED with seed ${seed}: GONOGO_FUZZ_SEED=${seed} GONOGO_FUZZ_RUNS=${runs} npm run fuzz`);
process.exit(result.status ?? 1);
