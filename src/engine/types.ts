// The public shape of a scan: what goes in, what comes out.
import type { FileResult, Finding, Severity, SqlDialect } from "../types.js";
import type { ProjectFacts } from "../../rules/define.js";
import type { SuppressionsRequest, SuppressionsSummary } from "./suppressions.js";

export type RuleSetting = Severity | "off";

/** Options of `scan()`. Every field is optional; `scan({})` scans the working directory. */
export interface ScanOptions {
  /** Files or directories to scan, relative to `cwd` (default `["."]`). */
  paths?: string[];
  /** Working directory: paths are relative to it (default `process.cwd()`). */
  cwd?: string;
  /**
   * In-memory files, scanned instead of reading `paths` from disk (paths are still relative to
   * `cwd`). Used by the ESLint plugin, rule examples and host tools.
   */
  files?: { path: string; content: string }[];
  /** Config file to use; `false` to use none; default: the nearest at or above the first of `paths` (warnings name other paths whose nearest differs). */
  configFile?: string | false;
  /** Rule settings that override the config (`--rule ID=SEVERITY|off`). */
  rules?: Record<string, RuleSetting>;
  /** SQL dialect (default from config, else postgresql). */
  dialect?: SqlDialect;
  /** Git revision to compare with for `infra/bucket-removed`. */
  base?: string;
  /**
   * Only these files are reported (pre-commit staged files); siblings in their migration
   * directories are still read for the revision graph.
   */
  reportOnly?: string[];
  /** Extra ignore globs on top of the config's. */
  ignore?: string[];
  /** Largest file analysed, in bytes (default 10 MiB); larger files get a parse-error finding. */
  maxFileBytes?: number;
  /**
   * Reuse per-file facts of unchanged files from the cache file (`--cache`); the cache holds facts,
   * not findings, and is valid only for the same gonogo version and analysis settings.
   */
  cache?: boolean;
  /** Cache file, or a directory (ending in `/`) to hold `.gonogocache` (default `.gonogocache` in `cwd`). */
  cacheLocation?: string;
  /**
   * The secret the cache file is bound to (`GONOGO_CACHE_KEY`); default: a random key kept in the
   * user's cache directory. A cache file not written under the key is ignored, so one committed
   * into the checkout is never trusted.
   */
  cacheKey?: string;
  /**
   * Report only the files of shard `index` of `count` (1-based), split by a hash of each path
   * (`--shard K/N`). Migrations beside a reported migration are still read for the revision graph.
   */
  shard?: { index: number; count: number };
  /**
   * Threads that parse (`--jobs`): 1 parses on the main thread only; N starts N worker threads, or
   * N - 1 in a scan whose parsed files are all SQL (the main thread parses batches too); default:
   * one per core when there are enough files to pay for starting workers.
   */
  jobs?: number;
  /**
   * Report only the findings in these files (POSIX paths relative to `cwd`): the diff scope of
   * `--base`, e.g. from `filesChangedSince()`. Every file is still read (graphs, Terraform
   * variables); the findings left out are counted in `outOfScope`. Findings of `alwaysRules` (the
   * revision-graph rules: a deleted migration orphans an unchanged child) are kept wherever they are.
   */
  scope?: { base: string; files: string[]; alwaysRules?: readonly string[] };
  /**
   * Leave out the findings the bulk suppressions file accepts (ESLint's `applySuppressions`).
   * Default false for the API; `gonogo scan` and `check()` apply it.
   */
  applySuppressions?: boolean;
  /** The bulk suppressions file, relative to `cwd` (default: gonogo-suppressions.json beside the config file, else in `cwd`). */
  suppressionsLocation?: string;
  /** Record (`all`, `rules`) or prune entries of the suppressions file, writing it; implies `applySuppressions`. */
  suppress?: SuppressionsRequest;
  /** Called as files are analysed (`done` of `total`), e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScanResult {
  /** One entry per scanned file that has findings (ESLint results array order: sorted by path). */
  results: FileResult[];
  /** All findings, sorted by file, line, column. */
  findings: Finding[];
  /** Findings of severity critical/high. */
  errorCount: number;
  /** Findings of severity medium/low/info. */
  warningCount: number;
  /** Number of files read. */
  filesScanned: number;
  /** Files that could not be analysed in full (also present as findings). */
  unanalysed: { file: string; ruleId: string; message: string }[];
  /** The facts, for tools that want more than findings (graph rendering, rollback planning). */
  facts: ProjectFacts;
  /** The config file used, if any. */
  configFile?: string;
  /** Things the caller should tell the user (a scanned path whose nearest config was not used, a pyproject.toml whose `[tool.alembic]` cannot be read). */
  warnings?: string[];
  /** Findings in reported files that inline `gonogo-disable` directives hid (ESLint's `suppressedMessages`). */
  suppressedByDirectives?: Finding[];
  /** With `applySuppressions`: the suppressions file and how many findings it left out. */
  suppressions?: SuppressionsSummary;
  /** With `scope`: how many findings were left out because their files did not change since `base`. */
  outOfScope?: { base: string; count: number };
}

/** Rule ids whose findings mean "this file could not be analysed": the policy fails closed on them. */
export const UNANALYSED_RULE_IDS: readonly string[] = [
  "alembic/parse-error",
  "sql/parse-error",
  "infra/parse-error",
  "gonogo/file-unreadable",
  // A rule that crashed checked nothing: as unknown as a file that could not be read.
  "gonogo/internal-error",
];

/**
 * Findings an inline `gonogo-disable` directive never hides: a file that could not be analysed, and
 * SQL that cannot be read statically (it could run anything). Only the bulk suppressions file, the
 * history a team accepted, and the policy may let them through.
 */
export const NOT_HIDDEN_BY_DIRECTIVES: readonly string[] = [...UNANALYSED_RULE_IDS, "alembic/dynamic-sql"];
