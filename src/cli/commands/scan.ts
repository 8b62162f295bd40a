// `gonogo scan [paths…]`: the ESLint-style CI step and pre-commit hook.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Option } from "commander";
import { allRules } from "../../../rules/index.js";
import { docsUrlFor } from "../../../rules/define.js";
import { scan } from "../../engine/scan.js";
import type { RuleSetting } from "../../engine/types.js";
import { FORMATS, loadFormatter, type FormatName } from "../../report/formats.js";
import { SEVERITIES, type SqlDialect } from "../../types.js";
import { UsageError, type CliIO } from "../io.js";
import { parseShard } from "../../engine/shard.js";
import { createProgressReporter } from "../progress.js";
import { markdownLinkBase } from "../../report/markdown.js";
import { filesChangedSince, isSafeRevision, revisionExists } from "../../git.js";
import type { SuppressionsRequest } from "../../engine/suppressions.js";
import type { ScanOptions, ScanResult } from "../../engine/types.js";
import { GRAPH_RULE_IDS } from "../../policy/scope.js";
import type { CommandRegistrar } from "../command.js";
import { assertPathsExist } from "../paths.js";
import { tableStatsInput, tableStatsNotes, withTableStatsOptions, type TableStatsFlags } from "../table-stats.js";

export interface ScanCliOptions extends TableStatsFlags {
  format: FormatName;
  output?: string;
  maxWarnings?: string;
  quiet?: boolean;
  config?: string | false;
  rule: string[];
  dialect?: SqlDialect;
  base?: string;
  color?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  shard?: string;
  jobs?: string;
  suppressAll?: boolean;
  suppressRule?: string[];
  pruneSuppressions?: boolean;
  suppressionsLocation?: string;
}

/** `--rule sql/drop-table=off` → { "sql/drop-table": "off" }. */
export function parseRuleOptions(values: string[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const value of values) {
    const eq = value.lastIndexOf("=");
    const id = value.slice(0, eq);
    const setting = value.slice(eq + 1);
    if (eq <= 0 || !([...SEVERITIES, "off"] as string[]).includes(setting)) {
      throw new UsageError(`--rule ${value}: expected RULE=SEVERITY with SEVERITY one of ${[...SEVERITIES, "off"].join(", ")}`);
    }
    out[id] = setting as RuleSetting;
  }
  return out;
}

export function useColor(io: CliIO, override?: boolean): boolean {
  if (override !== undefined) return override;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return Boolean(io.stdout.isTTY);
}

export const registerScan: CommandRegistrar = (program, io, done) => {
  const command = program
    .command("scan")
    .description("Scan migrations, SQL and infrastructure code for unsafe changes")
    .argument("[paths...]", "files or directories to scan", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices([...FORMATS]).default("stylish"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--max-warnings <n>", "exit 1 when there are more than n warnings")
    .option("--quiet", "report errors only (critical and high)")
    .option("-c, --config <file>", "use this config file")
    .option("--no-config", "use no config file")
    .option("--rule <id=severity>", "set a rule's severity or turn it off (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(new Option("--dialect <dialect>", "SQL dialect").choices(["postgresql", "mysql", "sqlite", "mssql"]))
    .option("--base <rev>", "report findings only in files changed since this git revision (and buckets removed since then)")
    .option("--color", "force colours")
    .option("--no-color", "disable colours")
    .option("--cache", "reuse the facts of unchanged files from the cache file")
    .option("--cache-location <path>", "cache file, or directory ending in / (default .gonogocache)")
    .option("--shard <K/N>", "scan only shard K of N (a CI matrix); merge the reports with gonogo merge-reports")
    .option("--jobs <n>", "threads that parse (1: the main thread only; default: one per core for large scans)")
    .option("--suppress-all", "accept every finding present now: record them in the suppressions file")
    .option("--suppress-rule <id>", "accept the findings of this rule present now (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--prune-suppressions", "remove suppressions that no longer match a finding")
    .option("--suppressions-location <file>", "the suppressions file (default: gonogo-suppressions.json at the project root)");
  withTableStatsOptions(command)
    .action(async (paths: string[], opts: ScanCliOptions) => {
      done(await runScan(paths, opts, io));
    });
};

export async function runScan(paths: string[], opts: ScanCliOptions, io: CliIO): Promise<number> {
  let maxWarnings: number | undefined;
  if (opts.maxWarnings !== undefined) {
    maxWarnings = Number(opts.maxWarnings);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings ${opts.maxWarnings}: expected a whole number ≥ 0`);
  }
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (opts.shard !== undefined && !shard) throw new UsageError(`--shard ${opts.shard}: expected K/N with 1 ≤ K ≤ N ≤ 1024, e.g. --shard 2/4`);
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)) throw new UsageError(`--jobs ${opts.jobs}: expected a whole number from 1 to 64`);
  assertPathsExist(paths, io.cwd);
  const statsInput = tableStatsInput(opts, io);
  for (const id of opts.suppressRule ?? []) {
    if (!allRules.some((r) => r.id === id)) throw new UsageError(`--suppress-rule ${id}: not a known rule id (see \`gonogo rules\`)`);
  }
  const scope = opts.base === undefined ? undefined : await diffScope(opts.base, io.cwd);
  const suppress: SuppressionsRequest = {
    ...(opts.suppressAll ? { all: true } : {}),
    ...(opts.suppressRule && opts.suppressRule.length > 0 ? { rules: opts.suppressRule } : {}),
    ...(opts.pruneSuppressions ? { prune: true } : {}),
  };
  const progress = createProgressReporter({ stream: io.stderr, env: io.env });
  const result = await scan({
    applySuppressions: true,
    ...(Object.keys(suppress).length > 0 ? { suppress } : {}),
    ...(opts.suppressionsLocation !== undefined ? { suppressionsLocation: opts.suppressionsLocation } : {}),
    ...(scope ? { scope } : {}),
    onProgress: progress.update,
    cwd: io.cwd,
    paths,
    configFile: opts.config === false ? false : opts.config,
    rules: parseRuleOptions(opts.rule ?? []),
    ...(opts.dialect ? { dialect: opts.dialect } : {}),
    ...(opts.base ? { base: opts.base } : {}),
    ...(opts.cache ? { cache: true } : {}),
    ...(opts.cacheLocation !== undefined ? { cacheLocation: opts.cacheLocation } : {}),
    ...(opts.cache && io.env.GONOGO_CACHE_KEY ? { cacheKey: io.env.GONOGO_CACHE_KEY } : {}),
    ...(shard ? { shard } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
  }).finally(() => progress.finish());
  // Table sizes are judged after the scan (and its cache): the facts stay the same, the policy's
  // thresholds decide what a lock or rewrite on that table is worth.
  if (statsInput) {
    const { applyTableStats, scanTableSizeThresholds } = await import("../../policy/table-stats/index.js");
    // The policy of the config the scan used (found from the scanned paths).
    const thresholds = await scanTableSizeThresholds(io.cwd, opts.config === false ? false : (result.configFile ?? opts.config));
    for (const note of tableStatsNotes(await applyTableStats(io.cwd, result, statsInput, thresholds))) io.stderr.write(`gonogo: ${note}\n`);
  }
  const results = opts.quiet
    ? result.results.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity === "critical" || f.severity === "high") })).filter((r) => r.findings.length > 0)
    : result.results;
  const rules = allRules.map((r) => ({ id: r.id, severity: r.severity, docs: r.docs, docsUrl: docsUrlFor(r.id) }));
  const format = await loadFormatter(opts.format);
  const text = format(results, {
    cwd: io.cwd,
    color: opts.output ? false : useColor(io, opts.color),
    rules,
    revisionGraphs: result.facts.revisionGraphs,
    ...(markdownLinkBase(io.env) ? { linkBase: markdownLinkBase(io.env)! } : {}),
  });
  if (opts.output) {
    try {
      writeFileSync(path.resolve(io.cwd, opts.output), text);
    } catch (error) {
      throw new UsageError(`--output ${opts.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  } else if (text) {
    io.stdout.write(text);
  }
  for (const note of scopeNotes(result, io.cwd)) io.stderr.write(`gonogo: ${note}\n`);
  for (const warning of result.warnings ?? []) io.stderr.write(`gonogo: warning: ${warning}\n`);
  // A file that could not be analysed fails the scan whatever its rule's severity (a medium
  // sql/parse-error for a vanished or unreadable .sql file must not exit 0).
  if (result.errorCount > 0 || result.unanalysed.length > 0) return 1;
  if (maxWarnings !== undefined && result.warningCount > maxWarnings) {
    io.stderr.write(`gonogo: ${result.warningCount} warning${result.warningCount === 1 ? "" : "s"}, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/** `--base REV`: the files changed since REV; a value git does not know is a usage error naming it. */
async function diffScope(base: string, cwd: string): Promise<NonNullable<ScanOptions["scope"]>> {
  if (!isSafeRevision(base) || !(await revisionExists(cwd, base))) {
    throw new UsageError(`--base ${JSON.stringify(base)}: not a git revision known here (expected a branch, tag or commit; a shallow CI clone must fetch it first)`);
  }
  try {
    // The graph rules judge the graph as a whole: a deleted migration orphans an unchanged child.
    return { base, files: await filesChangedSince(cwd, base), alwaysRules: GRAPH_RULE_IDS };
  } catch (error) {
    throw new UsageError(`--base ${JSON.stringify(base)}: cannot list the files changed since it (${(error as Error).message})`);
  }
}

/** What the scan left out and why, one line each: findings never vanish silently. */
export function scopeNotes(result: Pick<ScanResult, "suppressions" | "outOfScope">, cwd: string): string[] {
  const notes: string[] = [];
  const s = result.suppressions;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (s) {
    const shown = toPosixRelative(cwd, s.file);
    if (s.written) notes.push(`wrote ${shown}`);
    if (s.suppressed > 0) notes.push(`${plural(s.suppressed, "finding")} suppressed by ${shown}`);
    if (s.unused > 0) notes.push(`${plural(s.unused, "suppression")} in ${shown} ${s.unused === 1 ? "matches" : "match"} fewer findings than recorded: run gonogo scan --prune-suppressions`);
  }
  if (result.outOfScope && result.outOfScope.count > 0) {
    notes.push(`${plural(result.outOfScope.count, "finding")} left out: in files unchanged since ${result.outOfScope.base}`);
  }
  return notes;
}

function toPosixRelative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel === "" || rel.startsWith("..") ? file : rel).split(path.sep).join("/");
}
