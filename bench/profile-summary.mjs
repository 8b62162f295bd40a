#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per file,
// the top entries only. Used to write the profile notes in bench/RESULTS.md.
//
//   node bench/profile-summary.mjs <file.cpuprofile> [--top 25]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
if (positionals.length !== 1) throw new Error("usage: profile-summary.mjs <file.cpuprofile> [--top N]");
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], "utf8"));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const intervals = profile.timeDeltas;
const totalMs = intervals.reduce((a, b) => a + b, 0) / 1000;
const msPerSample = totalMs / profile.samples.length;

const byFunction = new Map();
const byFile = new Map();
for (const [id, count] of selfSamples) {
  const node = byId.get(id);
  const frame = node.callFrame;
  const file = frame.url ? frame.url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "") : `(${frame.functionName || "native"})`;
  const fn = `${frame.functionName || "(anonymous)"}  ${file}:${frame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
  const shortFile = file.includes("node_modules/") ? file.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, "node_modules/$1") : file;
  byFile.set(shortFile, (byFile.get(shortFile) ?? 0) + count);
}
const show = (title, map) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(count * msPerSample).toFixed(0).padStart(8)} ms  ${((100 * count) / profile.samples.length).toFixed(1).padStart(5)} %  ${name}\n`);
  }
};
process.stdout.write(`total ${totalMs.toFixed(0)} ms in ${profile.samples.length} samples\n`);
show("self time by file / package", byFile);
show("self time by function", byFunction);
