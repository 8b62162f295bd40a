// Plain data shared by every layer. This module is a leaf: it imports nothing, so any layer
// may import it without breaking the one-way flow cli → release → policy → engine → rules →
// extract → parsers.

/** gonogo's own severity scale. critical and high are errors (ESLint severity 2). */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Rank for sorting and comparing: critical = 4 … info = 0. */
export function severityRank(severity: Severity): number {
  return 4 - SEVERITIES.indexOf(severity);
}

/** ESLint severity: critical/high → 2 (error), the rest → 1 (warning). */
export function eslintSeverity(severity: Severity): 1 | 2 {
  return severity === "critical" || severity === "high" ? 2 : 1;
}

/**
 * A 1-based range in a file, as ESLint reports it: `line`/`column` of the first character,
 * `endLine`/`endColumn` one past the last character. Columns count UTF-16 code units.
 */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A range in a named file. `file` is the path as given to the scan, POSIX separators. */
export interface SourceLocation extends SourceRange {
  file: string;
}

/** One problem found by one rule. Formatters and the policy read only this. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The source line(s) of the range, for code frames. */
  excerpt?: string;
  why: string;
  instead: string;
  docsUrl: string;
  /** Rule-specific details (table name, bucket name, revision, …). */
  data?: Record<string, unknown>;
}

/** Findings of one file, the unit of ESLint's results array. */
export interface FileResult {
  file: string;
  findings: Finding[];
  /** Source text, kept for code frames when the file was readable as text. */
  source?: string;
}

export type SqlDialect = "postgresql" | "mysql" | "sqlite" | "mssql";

/** The decision the policy reaches for one release. */
export type DecisionValue = "go" | "needs-approval" | "no-go";

/** One reason behind a decision. `code` is stable and documented. */
export interface DecisionReason {
  /** e.g. "blocking-finding", "required-input-missing", "unanalysed-file", "tests-failed", "approval-required". */
  code: string;
  /** What the reason does to the decision. */
  effect: "no-go" | "needs-approval" | "info";
  message: string;
  /** The findings behind it (rule id, file, line). */
  findings?: Pick<Finding, "ruleId" | "severity" | "file" | "line" | "column" | "message">[];
  /** The inputs behind it (file names, values, thresholds). */
  inputs?: Record<string, unknown>;
}

/** What the policy decided for one release to one environment. */
export interface Decision {
  decision: DecisionValue;
  environment: string;
  project?: string;
  version?: string;
  reasons: DecisionReason[];
  /** How many approvals are required before anything runs (0 for go/no-go without approval). */
  requiredApprovals: number;
  /** Whether the wrappers may roll back automatically in this environment. */
  autoRollback: boolean;
  /** sha256 of the canonical JSON of the effective policy. */
  policyHash: string;
  /** sha256 of the canonical JSON of findings + release facts. */
  inputsHash: string;
  evaluatedAt: string;
}

/** Code-unit order, the same on every machine and locale (localeCompare is not). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
