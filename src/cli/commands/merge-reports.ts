// `gonogo merge-reports a.json b.json …`: joins the JSON (ESLint-style) or SARIF reports of a
// sharded scan (`gonogo scan --shard K/N`) into the report one unsharded scan would have written.
// Every file belongs to exactly one shard, so merging is a concatenation ordered by file.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compareStrings } from "../../types.js";
import type { EslintResult } from "../../report/json.js";
import { UsageError, type CliIO } from "../io.js";
import type { CommandRegistrar } from "../command.js";

interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; version?: string } }; results: SarifResult[] }[];
}

interface SarifResult {
  level?: string;
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
}

type Report = { kind: "json"; results: EslintResult[] } | { kind: "sarif"; log: SarifLog };

export const registerMergeReports: CommandRegistrar = (program, io, done) => {
  program
    .command("merge-reports")
    .description("Merge the JSON or SARIF reports of a sharded scan (gonogo scan --shard K/N) into one")
    .argument("<reports...>", "report files written by gonogo scan -f json|sarif -o FILE")
    .option("-o, --output <file>", "write the merged report to a file instead of stdout")
    .action((reports: string[], opts: { output?: string }) => {
      done(runMergeReports(reports, opts, io));
    });
};

export function runMergeReports(files: string[], opts: { output?: string }, io: CliIO): number {
  const reports = files.map((file) => readReport(path.resolve(io.cwd, file), file));
  const kinds = new Set(reports.map((r) => r.kind));
  if (kinds.size !== 1) throw new UsageError("merge-reports: the reports mix JSON and SARIF; merge reports of one format");
  const merged = reports[0]!.kind === "json" ? mergeJson(reports as Extract<Report, { kind: "json" }>[]) : mergeSarif(reports as Extract<Report, { kind: "sarif" }>[]);
  const text = JSON.stringify(merged.report, null, 2) + "\n";
  if (opts.output) {
    try {
      writeFileSync(path.resolve(io.cwd, opts.output), text);
    } catch (error) {
      throw new UsageError(`--output ${opts.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  } else {
    io.stdout.write(text);
  }
  return merged.hasErrors ? 1 : 0;
}

function readReport(absolute: string, shown: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(absolute, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof SyntaxError ? "not JSON" : String(error));
    throw new UsageError(`merge-reports: ${shown}: cannot read (${reason})`);
  }
  if (Array.isArray(value) && value.every((r) => r && typeof r === "object" && typeof r.filePath === "string" && Array.isArray(r.messages))) {
    return { kind: "json", results: value as EslintResult[] };
  }
  const log = value as SarifLog;
  if (log && typeof log === "object" && log.version === "2.1.0" && Array.isArray(log.runs) && log.runs.length === 1 && Array.isArray(log.runs[0]!.results)) {
    if (log.runs[0]!.tool?.driver?.name !== "gonogo") throw new UsageError(`merge-reports: ${shown}: a SARIF log not written by gonogo`);
    return { kind: "sarif", log };
  }
  throw new UsageError(`merge-reports: ${shown}: neither a gonogo JSON report (-f json) nor a gonogo SARIF log (-f sarif)`);
}

/** Same file in two reports (e.g. a config problem every shard sees): messages once each. */
function mergeJson(reports: { results: EslintResult[] }[]): { report: EslintResult[]; hasErrors: boolean } {
  const byFile = new Map<string, EslintResult>();
  for (const result of reports.flatMap((r) => r.results)) {
    const seen = byFile.get(result.filePath);
    if (!seen) {
      byFile.set(result.filePath, { ...result, messages: [...result.messages] });
      continue;
    }
    const known = new Set(seen.messages.map((m) => JSON.stringify(m)));
    for (const message of result.messages) if (!known.has(JSON.stringify(message))) seen.messages.push(message);
    seen.errorCount = seen.messages.filter((m) => m.severity === 2).length;
    seen.warningCount = seen.messages.length - seen.errorCount;
  }
  const report = [...byFile.values()].sort((a, b) => compareStrings(a.filePath, b.filePath));
  return { report, hasErrors: report.some((r) => r.errorCount > 0) };
}

function mergeSarif(reports: { log: SarifLog }[]): { report: SarifLog; hasErrors: boolean } {
  const versions = new Set(reports.map((r) => r.log.runs[0]!.tool.driver.version));
  if (versions.size !== 1) throw new UsageError(`merge-reports: the SARIF logs come from different gonogo versions (${[...versions].join(", ")})`);
  const uriOf = (r: SarifResult) => decodeURI(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "");
  // Group by file, keep each file's own order (already sorted by line), then order files by path.
  const byFile = new Map<string, { results: SarifResult[]; keys: Set<string> }>();
  for (const result of reports.flatMap((r) => r.log.runs[0]!.results)) {
    const uri = uriOf(result);
    let group = byFile.get(uri);
    if (!group) byFile.set(uri, (group = { results: [], keys: new Set() }));
    const key = JSON.stringify(result);
    if (group.keys.has(key)) continue;
    group.keys.add(key);
    group.results.push(result);
  }
  const results = [...byFile].sort(([a], [b]) => compareStrings(a, b)).flatMap(([, group]) => group.results);
  const first = reports[0]!.log;
  const report: SarifLog = { ...first, runs: [{ ...first.runs[0]!, results }] };
  return { report, hasErrors: results.some((r) => r.level === "error") };
}
