// The last steps of the scan: accepted debt (the bulk suppressions file) and the diff scope leave
// findings out; excerpts give each finding its source line; findings are ordered and grouped by file.
import { SourceText } from "../extract/source.js";
import { compareStrings, severityRank, type FileResult, type Finding } from "../types.js";
import { groupBy } from "./findings.js";
import { applyBulkSuppressions, applyScope, resolveSuppressionsLocation, type SuppressionsSummary } from "./suppressions.js";
import type { ScanOptions } from "./types.js";

const MAX_EXCERPT = 400;

/** Leaves out the findings the suppressions file accepts (recording or pruning first when asked), then those outside the diff scope. */
export function bulkAndScope(findings: Finding[], options: ScanOptions, cwd: string, configFile: string | undefined, isScanned: (file: string) => boolean) {
  let kept = findings;
  let suppressions: SuppressionsSummary | undefined;
  if (options.applySuppressions || options.suppress) {
    const location = resolveSuppressionsLocation(cwd, configFile, options.suppressionsLocation);
    const outcome = applyBulkSuppressions({ cwd, location, findings, isScanned, ...(options.suppress ? { request: options.suppress } : {}) });
    kept = outcome.kept;
    suppressions = outcome.summary;
  }
  let outOfScope = 0;
  if (options.scope) {
    const scoped = applyScope(kept, new Set(options.scope.files), options.scope.alwaysRules);
    kept = scoped.kept;
    outOfScope = scoped.leftOut;
  }
  return { findings: kept, outOfScope, ...(suppressions ? { suppressions } : {}) };
}

/** Sets each finding's excerpt: its first source line, bounded (a minified file can hold megabytes on one line). */
export function addExcerpts(findings: Finding[], texts: ReadonlyMap<string, string>): void {
  const sources = new Map<string, SourceText>();
  for (const finding of findings) {
    const text = texts.get(finding.file);
    if (text === undefined) continue;
    let source = sources.get(finding.file);
    if (!source) sources.set(finding.file, (source = new SourceText(finding.file, text)));
    const line = source.lineText(finding.line);
    finding.excerpt = line.length > MAX_EXCERPT ? `${line.slice(Math.max(0, finding.column - 1 - 80), finding.column - 1 + MAX_EXCERPT - 80)}…` : line;
  }
}

/** Sorts the findings (in place) and groups them by file, each file with its source for code frames. */
export function fileResults(findings: Finding[], texts: ReadonlyMap<string, string>): FileResult[] {
  findings.sort(compareFindings);
  return [...groupBy(findings, (f) => f.file)].map(([file, list]) => {
    const result: FileResult = { file, findings: list };
    const text = texts.get(file);
    if (text !== undefined) result.source = text;
    return result;
  });
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column || severityRank(b.severity) - severityRank(a.severity) || compareStrings(a.ruleId, b.ruleId);
}
