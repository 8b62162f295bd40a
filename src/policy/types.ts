// The policy as data, and the release facts it is evaluated against.
import type { Severity } from "../types.js";

export type ApprovalMode = "never" | "first-time" | "always";

/** npm audit's severity scale (note `moderate`, not `medium`). */
export type AuditSeverity = "info" | "low" | "moderate" | "high" | "critical";
export const AUDIT_SEVERITIES: readonly AuditSeverity[] = ["critical", "high", "moderate", "low", "info"];

/** Thresholds the release wrappers read to decide on an automatic rollback. */
export interface RollbackTriggers {
  /** Consecutive failed health checks that count as a failed release. */
  healthFailures: number;
  /** Error rate, in percent, above which the release has failed. */
  errorRatePercent: number;
  /** p95 latency above this multiple of the baseline means the release has failed. */
  p95LatencyFactor: number;
}

export interface BlockPolicy {
  /** Findings of these severities block (no-go). */
  severities: Severity[];
  /** Findings of these rule ids block whatever their severity. */
  rules: string[];
  /** A failed gate (tests failed, coverage under the minimum, blocking vulnerabilities, SARIF errors) blocks. */
  failedGates: boolean;
  /** Vulnerabilities of these npm audit severities are a failed gate when an audit report is given. */
  vulnerabilities: AuditSeverity[];
}

export interface RequirePolicy {
  /** Test results (JUnit XML) must be given and show no failures or errors. */
  tests: boolean;
  /** A coverage report must be given and show at least this line coverage (percent); null: not required. */
  coverage: number | null;
  /** An npm audit report must be given (when non-empty) and hold no vulnerability of these severities. */
  audit: AuditSeverity[];
  /** SARIF from other tools must be given and hold no error-level result. */
  sarif: boolean;
  /** The migrations must have been scanned (at least one Alembic migration analysed). */
  migrationsChecked: boolean;
}

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** A time when releases to an environment are frozen: on these weekdays, from `from` until `to` (local time). */
export interface FreezeWindow {
  days: Weekday[];
  /** "HH:MM", inclusive. */
  from: string;
  /** "HH:MM", exclusive; earlier than `from` means the window runs past midnight. */
  to: string;
  /** IANA time zone the times are in (default UTC). */
  timeZone: string;
  /** What a release inside the window gets (default no-go). */
  effect: "no-go" | "needs-approval";
  /** Shown in the reason, e.g. "no Friday-evening deploys". */
  reason?: string;
}

/**
 * How the size of a table changes the severity of a lock or rewrite finding on it (with table
 * statistics given). Rows are the catalog's estimate; bytes include indexes and TOAST.
 */
export interface TableSizeThresholds {
  /** Fewer rows than this: the lock is over in moments, the finding is info. */
  infoBelowRows: number;
  /** More rows, or more bytes, than these: high. */
  highAboveRows: number;
  highAboveBytes: number;
  /** More rows, or more bytes, than these: critical. */
  criticalAboveRows: number;
  criticalAboveBytes: number;
}

/** The effective policy of one environment (after `extends` is resolved). */
export interface EnvironmentPolicy {
  /** The environment this one was derived from, if any. */
  extends?: string;
  approval: ApprovalMode;
  /** Approval for rollbacks: production asks for every rollback. */
  rollbackApproval: "never" | "always";
  block: BlockPolicy;
  autoRollback: boolean;
  /** Unknowns (files that could not be analysed, unreadable inputs) are a no-go. */
  failClosed: boolean;
  require: RequirePolicy;
  rollbackTriggers: RollbackTriggers;
  /** Only these people may approve releases and rollbacks here (absent: anyone). */
  approvers?: string[];
  /** Approvals here must be given at a terminal, not with `--answer`. */
  interactiveApproval?: boolean;
  /** Windows when releases here are frozen. */
  freeze?: FreezeWindow[];
  /** Severity by table size for lock and rewrite findings (absent: the defaults). */
  tableSize?: TableSizeThresholds;
}

/** A fully resolved policy: every environment carries every key. */
export interface Policy {
  environments: Record<string, EnvironmentPolicy>;
  /** Where the policy came from ("default", a file path, or a config file's `policy` section). */
  source: string;
}

/** Results of JUnit XML files (pytest, vitest, jest-junit, surefire …), summed. */
export interface TestResults {
  files: string[];
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** The first failing test cases (at most 20), for the reasons. */
  failures: { name: string; classname?: string; kind: "failure" | "error"; message?: string }[];
}

/** Line coverage from an Istanbul `coverage-summary.json` or an lcov file. */
export interface CoverageResult {
  file: string;
  format: "istanbul-summary" | "lcov";
  linesTotal: number;
  linesCovered: number;
  /** Percentage of lines covered, 0–100 (100 when there are no lines). */
  linesPct: number;
}

/** Vulnerability counts of an `npm audit --json` report. */
export interface AuditResult {
  file: string;
  counts: Record<AuditSeverity, number>;
  total: number;
  /** Vulnerable packages with their severity (at most 50). */
  packages: { name: string; severity: AuditSeverity }[];
}

/** Results of one SARIF log written by another tool. */
export interface SarifResult {
  file: string;
  tools: string[];
  errors: number;
  warnings: number;
  notes: number;
  /** The first error-level results (at most 20). */
  errorResults: { tool: string; ruleId?: string; message: string; uri?: string; line?: number }[];
}

/** An input file that was given but could not be read or understood. */
export interface InputProblem {
  kind: "tests" | "coverage" | "audit" | "sarif" | "log" | "base" | "state" | "suppressions" | "table-stats";
  file: string;
  message: string;
}

/**
 * Where an environment stands on the migrations, and so which migrations a release to it applies.
 * Findings in the applied ones are history: the decision leaves them out and says so.
 */
export interface MigrationScope {
  /** Where the revisions came from: the deployment log, `--from-revision`, the config's `current:`. */
  source: "log" | "from-revision" | "config";
  /** The revisions the environment runs (heads of each graph when recorded). */
  revisions: string[];
  /** The release that recorded them (source "log"). */
  recordedBy?: { version: string; releaseId?: string; ts?: string };
  /** Migration files already applied in the environment. */
  appliedFiles: string[];
  /** Migration files pending there: what this release applies. */
  pendingFiles: string[];
}

/** Everything about a release besides the findings. */
export interface ReleaseFacts {
  environment: string;
  project?: string;
  version?: string;
  /** ISO timestamp; the decision carries it. Absent: the time of evaluation. */
  evaluatedAt?: string;
  tests?: TestResults;
  coverage?: CoverageResult;
  audit?: AuditResult;
  sarif?: SarifResult[];
  /** true when the deployment log holds an approved release of this project to this environment */
  approvedBefore?: boolean;
  /** true when the scan analysed the project's Alembic migrations. */
  migrationsChecked?: boolean;
  /** With a base revision: how the policy or the config's rule settings got weaker since `base`. */
  policyWeakenings?: { base: string; changes: string[] };
  /** Findings the scan left out: in files unchanged since `--base`, or accepted in the suppressions file (info reasons). */
  findingsLeftOut?: {
    unchangedSinceBase?: { base: string; count: number };
    suppressed?: { file: string; count: number };
  };
  /** Given inputs that could not be read: unknowns, failed closed where the policy says so. */
  inputProblems?: InputProblem[];
  /** The migrations already applied in the environment; absent: every migration is judged. */
  migrationScope?: MigrationScope;
  /** The environment's own health, checked before the release (health.preflight). */
  environmentHealth?: { ok: boolean; url: string; detail: string };
  /** Table statistics the lock and rewrite findings were judged by (--stats, --database). */
  tableStats?: { source: string; tables: number; judged: number; missingTables: string[] };
  /** An earlier release that failed there and was neither rolled back nor acknowledged. */
  unresolvedFailure?: { releaseId: string; version: string; ts?: string; message: string };
}
