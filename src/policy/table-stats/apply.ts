// Table statistics in a scan's findings: read them (a file, or the database read-only), then
// re-judge the lock and rewrite findings by the size of their tables. What `scan`, `check` and
// the release wrappers share. A file that cannot be read is a configuration error; a database that
// cannot be read is a problem the caller reports (check: a reason), the findings keep their severity.
import type { ScanResult } from "../../engine/types.js";
import { loadConfig } from "../../engine/config.js";
import { DEFAULT_TABLE_SIZE } from "../defaults.js";
import { loadPolicy } from "../load.js";
import { compareFindings } from "../../engine/scan.js";
import { eslintSeverity } from "../../types.js";
import { ConfigError } from "../errors.js";
import type { TableSizeThresholds } from "../types.js";
import { readTableStatsFromDatabase, resolveDatabaseSource, TableStatsReadError, type ReadDatabaseOptions } from "./database.js";
import { readTableStatsFile } from "./file.js";
import { judgeTableSizes, SIZE_DEPENDENT_RULE_IDS, type TableSizeJudgement } from "./severity.js";
import type { TableStatsSet } from "./types.js";

export interface TableStatsInput {
  /** `--stats FILE`: statistics `gonogo stats export` wrote. */
  statsFile?: string;
  /** `--database URL` or `--database env:NAME`. */
  database?: string;
  /** Where env:NAME is looked up (default process.env). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  onStatement?: ReadDatabaseOptions["onStatement"];
}

export interface AppliedTableStats {
  /** The file, or the database URL without its password (or env:NAME). */
  source: string;
  /** What the statistics changed; absent when they could not be read. */
  judgement?: TableSizeJudgement;
  /** Why the database could not be read (the findings kept their severity). */
  problem?: string;
  /** Said on stderr (a password on the command line). */
  warnings: string[];
}

/** Whether any table statistics were asked for. */
export function wantsTableStats(input: TableStatsInput | undefined): input is TableStatsInput {
  return input !== undefined && (input.statsFile !== undefined || input.database !== undefined);
}

/** Tables the scanned upgrades create, lower-cased, with and without schema: empty when the release runs. */
export function tablesCreatedIn(scan: ScanResult): Set<string> {
  const created = new Set<string>();
  for (const change of scan.facts.schemaChanges) {
    if (change.kind !== "create-table" || change.table === undefined || change.migration?.direction === "downgrade") continue;
    created.add(change.table.toLowerCase());
    if (change.schema) created.add(`${change.schema}.${change.table}`.toLowerCase());
  }
  return created;
}

/** The tables the size-dependent findings name (what --database reads). */
function tablesNamed(scan: ScanResult): string[] {
  const names = new Set<string>();
  for (const f of scan.findings) if (SIZE_DEPENDENT_RULE_IDS.includes(f.ruleId) && typeof f.data?.table === "string") names.add(f.data.table);
  return [...names].sort();
}

/** Reads the statistics asked for. Throws ConfigError for a bad --stats file or --database value; a database that cannot be read is `{ problem }`. */
export async function readTableStats(cwd: string, input: TableStatsInput, tables?: readonly string[]): Promise<{ stats?: TableStatsSet; source: string; problem?: string; warnings: string[] }> {
  if (input.statsFile !== undefined && input.database !== undefined) throw new ConfigError("--stats and --database: give one of them, not both");
  if (input.statsFile !== undefined) return { stats: readTableStatsFile(cwd, input.statsFile), source: input.statsFile, warnings: [] };
  const source = resolveDatabaseSource(input.database!, input.env ?? process.env);
  const warnings = source.warning ? [source.warning] : [];
  try {
    const stats = await readTableStatsFromDatabase(source, {
      ...(tables ? { tables } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      ...(input.onStatement ? { onStatement: input.onStatement } : {}),
    });
    return { stats, source: source.shown, warnings };
  } catch (error) {
    if (!(error instanceof TableStatsReadError)) throw error;
    return { source: source.shown, problem: error.reason, warnings };
  }
}

/**
 * Reads the statistics and re-judges the scan's findings in place (severity, message, data), then
 * its counts and order. Without statistics nothing changes.
 */
export async function applyTableStats(cwd: string, scan: ScanResult, input: TableStatsInput, thresholds?: TableSizeThresholds): Promise<AppliedTableStats> {
  const read = await readTableStats(cwd, input, tablesNamed(scan));
  if (!read.stats) return { source: read.source, ...(read.problem !== undefined ? { problem: read.problem } : {}), warnings: read.warnings };
  const judgement = judgeTableSizes(scan.findings, { stats: read.stats, createdTables: tablesCreatedIn(scan), ...(thresholds ? { thresholds } : {}) });
  if (judgement.changed > 0) {
    scan.findings.sort(compareFindings);
    for (const result of scan.results) result.findings.sort(compareFindings);
    scan.errorCount = scan.findings.filter((f) => eslintSeverity(f.severity) === 2).length;
    scan.warningCount = scan.findings.length - scan.errorCount;
  }
  return { source: read.source, judgement, warnings: read.warnings };
}

/**
 * The thresholds a scan judges by: the policy's (the config's `policy` section) for `environment`,
 * production by default, the strictest. A scan has no environment of its own.
 */
export async function scanTableSizeThresholds(cwd: string, configFile: string | false | undefined, environment = "production"): Promise<TableSizeThresholds> {
  const loaded = loadConfig({ cwd, configFile });
  if (loaded.config.policy === undefined) return { ...DEFAULT_TABLE_SIZE };
  const policy = await loadPolicy({ cwd, configPolicy: loaded.config.policy, ...(loaded.file !== undefined ? { configFile: loaded.file } : {}) });
  return policy.environments[environment]?.tableSize ?? { ...DEFAULT_TABLE_SIZE };
}
