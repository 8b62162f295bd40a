#!/usr/bin/env node
// Before/after of whole commands on a noisy machine: the commands alternate (A B A B …) after one
// warm-up each, and each one's median wall time and peak RSS are printed with the ratio of each to
// the first, measured in the same run, and the load average before and after.
//
//   node bench/ab.mjs [--runs 5] [--cwd DIR] 'node /tmp/before/bin/gonogo.js scan --no-config sql' \
//                                            'node bin/gonogo.js scan --no-config sql'
//
// CPU time (user + system, from GNU time) is printed too: on a machine shared with other jobs, wall
// time mostly measures waiting for a core, CPU time much less so.
//
// A command is split on spaces (no shell, no quoting): give paths without spaces. Exit codes 0 and 1
// count as success (1 = findings); the stdout of every run of a command must be the same size.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "5" }, cwd: { type: "string", default: process.cwd() } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected a whole number ≥ 1`);
if (positionals.length < 2) throw new Error("usage: ab.mjs [--runs N] [--cwd DIR] 'command A' 'command B' …");
const commands = positionals.map((c) => c.split(" ").filter(Boolean));
const time = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "gonogo-bench-rss %M %U %S"] : [];

function once(argv) {
  const full = [...time, ...argv];
  const started = process.hrtime.bigint();
  const result = spawnSync(full[0], full.slice(1), { cwd: values.cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const stderr = result.stderr.toString();
  if (result.status !== 0 && result.status !== 1) throw new Error(`${argv.join(" ")} exited ${result.status ?? result.signal}\n${stderr.slice(-2000)}`);
  const m = /gonogo-bench-rss (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  const rss = Number(m?.[1] ?? NaN) / 1024;
  const cpu = (Number(m?.[2] ?? NaN) + Number(m?.[3] ?? NaN)) * 1000;
  return { ms, rss, cpu, bytes: result.stdout.length };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

const loadBefore = load();
const sizes = commands.map((c) => once(c).bytes);
const samples = commands.map(() => []);
for (let i = 0; i < runs; i++) {
  commands.forEach((c, k) => {
    const s = once(c);
    if (s.bytes !== sizes[k]) throw new Error(`${c.join(" ")}: ${s.bytes} bytes of output after ${sizes[k]}`);
    samples[k].push(s);
  });
}
const medians = samples.map((s) => median(s.map((x) => x.ms)));
const cpus = samples.map((s) => median(s.map((x) => x.cpu)));
process.stdout.write(`load average before ${loadBefore}, after ${load()}; median of ${runs} alternated runs\n`);
commands.forEach((c, k) => {
  const ms = samples[k].map((x) => x.ms.toFixed(0)).join(" ");
  const rss = median(samples[k].map((x) => x.rss));
  const maxRss = Math.max(...samples[k].map((x) => x.rss));
  process.stdout.write(
    `${String.fromCharCode(65 + k)}: ${(medians[k] / 1000).toFixed(3)} s  ×${(medians[k] / medians[0]).toFixed(2)}  cpu ${(cpus[k] / 1000).toFixed(2)} s ×${(cpus[k] / cpus[0]).toFixed(2)}  rss ${rss.toFixed(0)} MB (max ${maxRss.toFixed(0)})  [${ms}]  ${c.join(" ")}\n`,
  );
});
