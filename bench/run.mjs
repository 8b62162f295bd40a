#!/usr/bin/env node
// `npm run bench`: the measurements of issues 7 and 16, each the median of several whole-process
// runs after a warm-up, each reported as a ratio to a reference measured in the same run (reference
// and subject alternate, so a noisy neighbour slows both), on both corpus shapes (bench/corpus.mjs:
// plain = autogenerate style with the whole upgrade SQL per file; annotated = Alembic 1.13's typed
// template with one SQL statement per file). Wall and CPU (user + system) time are both reported:
// on a shared machine wall time is mostly waiting for a core.
//
//   node bench/run.mjs [--runs 5] [--only version,sql,alembic,precommit,cache,memory]
//                      [--corpus plain,annotated] [--no-build]   (GONOGO_BIN=… measures another build)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string", default: "version,sql,alembic,precommit,cache,memory" },
    corpus: { type: "string", default: "plain,annotated" },
    "no-build": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected a whole number ≥ 1`);
const only = new Set(values.only.split(","));
const shapes = values.corpus.split(",");
for (const shape of shapes) if (shape !== "plain" && shape !== "annotated") throw new Error(`--corpus ${shape}: expected plain or annotated`);

const root = path.resolve(import.meta.dirname, "..");
const node = process.execPath;
// GONOGO_BIN=<other checkout>/bin/gonogo.js measures another build (a before/after pair), on the same corpora.
const gonogo = process.env.GONOGO_BIN ? path.resolve(process.env.GONOGO_BIN) : path.join(root, "bin/gonogo.js");
// squawk-cli is not a devDependency: its package lists optional binaries for every platform, and
// `npm ci` needs them all in the lock file, which a registry mirror without them cannot give.
// The bench installs it on first use into bench/.tools (gitignored), from the npm registry.
const squawkPrefix = path.join(root, "bench/.tools");
const squawk = path.join(squawkPrefix, "node_modules/squawk-cli/js/bin/squawk");
function ensureSquawk() {
  if (existsSync(squawk)) return;
  execFileSync("npm", ["install", "--prefix", squawkPrefix, "--no-save", "--no-package-lock", "squawk-cli@2.66.0"], { stdio: "inherit" });
}
const timeBinary = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function run(argv, cwd, { quiet = true, okCodes = [0] } = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd, stdio: quiet ? "ignore" : "inherit", maxBuffer: 1 << 30 });
  if (!okCodes.includes(result.status)) throw new Error(`${argv.join(" ")} exited ${result.status ?? result.signal}`);
}

/** One whole-process run: wall milliseconds and peak resident set size in KB. */
function measureOnce(argv, cwd, okCodes, expect) {
  const wrapped = timeBinary ? [timeBinary, "-f", "gonogo-bench-rss %M %U %S", ...argv] : argv;
  const started = process.hrtime.bigint();
  // stdout is read (a pipe costs both sides alike) so a run that did not do the work is caught.
  const result = spawnSync(wrapped[0], wrapped.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const stderr = result.stderr?.toString() ?? "";
  const match = /gonogo-bench-rss (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  // GNU time reports "exited with non-zero status N" for the child's code; its own status is the child's.
  if (!okCodes.includes(result.status)) throw new Error(`${argv.join(" ")} exited ${result.status ?? result.signal}\n${stderr.slice(-2000)}`);
  const summary = expect ? expect.exec(result.stdout.toString())?.[0] : "";
  if (summary === undefined) throw new Error(`${argv.join(" ")}: output does not match ${expect}`);
  return { ms, rssKb: match ? Number(match[1]) : NaN, cpuMs: match ? (Number(match[2]) + Number(match[3])) * 1000 : NaN, summary };
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Alternates reference and subject: one warm-up each, then `runs` measured pairs. */
function compare(name, reference, subject) {
  process.stderr.write(`\n${name}\n  reference: ${reference.label}\n  subject:   ${subject.label}\n`);
  const ok = (s) => s.okCodes ?? [0, 1];
  const summaries = new Map();
  const once = (s) => {
    const sample = measureOnce(s.argv, s.cwd, ok(s), s.expect);
    // Every run of a command must report the same thing (e.g. "3528 problems").
    if (summaries.has(s) && summaries.get(s) !== sample.summary) throw new Error(`${s.label}: "${sample.summary}" after "${summaries.get(s)}"`);
    summaries.set(s, sample.summary);
    return sample;
  };
  for (const s of [reference, subject]) once(s);
  const samples = { reference: [], subject: [] };
  for (let i = 0; i < runs; i++) {
    for (const [key, s] of [["reference", reference], ["subject", subject]]) {
      const sample = once(s);
      samples[key].push(sample);
      process.stderr.write(`  ${key.padEnd(9)} run ${i + 1}: ${sample.ms.toFixed(0)} ms, cpu ${sample.cpuMs.toFixed(0)} ms, ${(sample.rssKb / 1024).toFixed(0)} MB\n`);
    }
  }
  const ref = median(samples.reference.map((s) => s.ms));
  const sub = median(samples.subject.map((s) => s.ms));
  const refCpu = median(samples.reference.map((s) => s.cpuMs));
  const subCpu = median(samples.subject.map((s) => s.cpuMs));
  return {
    name,
    referenceLabel: reference.label,
    subjectLabel: subject.label,
    referenceMs: ref,
    subjectMs: sub,
    ratio: sub / ref,
    referenceCpuMs: refCpu,
    subjectCpuMs: subCpu,
    cpuRatio: subCpu / refCpu,
    load: loadavg()[0],
    subjectRssMb: median(samples.subject.map((s) => s.rssKb)) / 1024,
    subjectPeakRssMb: Math.max(...samples.subject.map((s) => s.rssKb)) / 1024,
    referenceRssMb: median(samples.reference.map((s) => s.rssKb)) / 1024,
    referenceSummary: summaries.get(reference),
    subjectSummary: summaries.get(subject),
  };
}

function corpus(n, shape) {
  const suffix = shape === "annotated" ? "-annotated-sqlsmall" : "";
  const dir = path.join(root, "bench/corpus", `n${n}${suffix}`);
  const style = shape === "annotated" ? ["--style", "annotated", "--sql-size", "small"] : [];
  if (!existsSync(path.join(dir, "sql"))) run([node, path.join(root, "bench/corpus.mjs"), "--n", String(n), ...style, "--out", dir], root, { quiet: false });
  return dir;
}

if (!values["no-build"]) {
  process.stderr.write("building dist/ (npm run build)\n");
  run(["npm", "run", "build"], root, { quiet: false });
}
const results = [];
const PROBLEMS = /\d+ problems? \(\d+ errors?, \d+ warnings?\)/;
const gonogoScan = (...args) => [node, gonogo, "scan", "--no-config", ...args];

if (only.has("version")) {
  results.push({
    target: "(start-up)",
    ...compare(
      "0. Start-up: gonogo --version vs node -e 0",
      { label: "node -e 0", argv: [node, "-e", "0"], cwd: root, okCodes: [0] },
      { label: "gonogo --version", expect: /^\d+\.\d+\.\d+/, argv: [node, gonogo, "--version"], cwd: root, okCodes: [0] },
    ),
  });
}
for (const shape of shapes) {
  const small = corpus(1000, shape);
  const large = corpus(10000, shape);
  if (only.has("sql")) {
    ensureSquawk();
    if (!existsSync(squawk)) throw new Error("squawk-cli could not be installed into bench/.tools: it is the SQL reference");
    results.push({
      target: shape === "annotated" ? "≤ 1.0×" : "≤ 0.6×",
      ...compare(
        `1. [${shape}] SQL: gonogo scan vs squawk, 10,000 .sql files`,
        { label: "squawk 'sql/*.sql'", expect: /Found \d+ issues in \d+ files \(checked \d+ source files\)/, argv: [node, squawk, "sql/*.sql"], cwd: large },
        { label: "gonogo scan sql", expect: PROBLEMS, argv: gonogoScan("sql"), cwd: large },
      ),
    });
  }
  if (only.has("alembic") || only.has("memory")) {
    const result = compare(
      `2. [${shape}] Alembic: gonogo scan vs bare single-threaded tree-sitter parse, 10,000 migrations`,
      { label: "node bench/parse-only.mjs alembic", expect: /parsed \d+ files/, argv: [node, path.join(root, "bench/parse-only.mjs"), "alembic"], cwd: large, okCodes: [0] },
      { label: "gonogo scan alembic", expect: PROBLEMS, argv: gonogoScan("alembic"), cwd: large },
    );
    if (only.has("alembic")) results.push({ target: "≤ 1.0×", ...result });
    if (only.has("memory")) {
      results.push({
        name: `5. [${shape}] Peak RSS of the 10,000-migration scan`,
        subjectLabel: "gonogo scan alembic",
        memory: true,
        subjectRssMb: result.subjectRssMb,
        subjectPeakRssMb: result.subjectPeakRssMb,
        target: "≤ 250 MB",
      });
    }
  }
  if (only.has("precommit")) {
    const versions = path.join(small, "alembic/versions");
    // A migration in the middle of the chain that has a finding (so the run prints a summary).
    const one = readdirSync(versions).sort().filter((f) => f.includes("_drop_column_"))[5];
    results.push({
      target: "≤ 2.5×",
      ...compare(
        `3. [${shape}] Pre-commit: gonogo scan of one migration among 1,000 vs node -e 0`,
        { label: "node -e 0", argv: [node, "-e", "0"], cwd: small, okCodes: [0] },
        { label: `gonogo scan alembic/versions/${one}`, expect: PROBLEMS, argv: gonogoScan(`alembic/versions/${one}`), cwd: small },
      ),
    });
    // The hook as docs/performance.md recommends it: with --cache, the 999 siblings are not re-parsed.
    const cacheDir = mkdtempSync(path.join(tmpdir(), "gonogo-bench-hook-"));
    const hookArgs = ["--cache", "--cache-location", path.join(cacheDir, "cache.json"), `alembic/versions/${one}`];
    run(gonogoScan(...hookArgs), small, { okCodes: [0, 1] });
    results.push({
      target: "≤ 2.0×",
      ...compare(
        `3b. [${shape}] Pre-commit with --cache (warm, sibling index): one migration among 1,000 vs node -e 0`,
        { label: "node -e 0", argv: [node, "-e", "0"], cwd: small, okCodes: [0] },
        { label: `gonogo scan --cache alembic/versions/${one}`, expect: PROBLEMS, argv: gonogoScan(...hookArgs), cwd: small },
      ),
    });
    rmSync(cacheDir, { recursive: true, force: true });
  }
  if (only.has("cache")) {
    const cacheDir = mkdtempSync(path.join(tmpdir(), "gonogo-bench-cache-"));
    const cacheFile = path.join(cacheDir, "cache.json");
    run(gonogoScan("--cache", "--cache-location", cacheFile, "alembic"), large, { okCodes: [0, 1] });
    results.push({
      target: "≤ 0.15×",
      ...compare(
        `4. [${shape}] Re-scan of the unchanged 10,000 migrations with --cache vs the cold scan`,
        { label: "gonogo scan alembic (no cache)", expect: PROBLEMS, argv: gonogoScan("alembic"), cwd: large },
        { label: "gonogo scan --cache alembic (warm)", expect: PROBLEMS, argv: gonogoScan("--cache", "--cache-location", cacheFile, "alembic"), cwd: large },
      ),
    });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

const cpu = cpus()[0]?.model ?? "unknown";
for (const r of results) if (!r.memory) process.stdout.write(`${r.name}\n  reference said: ${r.referenceSummary || "-"}\n  gonogo said:    ${r.subjectSummary || "-"}\n`);
process.stdout.write(`\nmachine: ${cpus().length} CPUs (${cpu}), node ${process.version}; median of ${runs} runs after one warm-up\n\n`);
process.stdout.write("| measurement | reference (median) | gonogo (median) | ratio | CPU: reference / gonogo / ratio | load | target |\n| --- | --- | --- | --- | --- | --- | --- |\n");
for (const r of results) {
  if (r.memory) {
    process.stdout.write(`| ${r.name} | | ${r.subjectRssMb.toFixed(0)} MB (max ${r.subjectPeakRssMb.toFixed(0)} MB) | | | | ${r.target} |\n`);
  } else {
    const cpu = `${(r.referenceCpuMs / 1000).toFixed(2)} s / ${(r.subjectCpuMs / 1000).toFixed(2)} s / ${r.cpuRatio.toFixed(2)}×`;
    process.stdout.write(`| ${r.name} | ${(r.referenceMs / 1000).toFixed(2)} s | ${(r.subjectMs / 1000).toFixed(2)} s | ${r.ratio.toFixed(2)}× | ${cpu} | ${r.load.toFixed(1)} | ${r.target} |\n`);
  }
}
