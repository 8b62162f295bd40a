// Table statistics as release facts, and severity by table size.
export type * from "./types.js";
export { TABLE_STATS_FORMAT_VERSION } from "./types.js";
export { readTableStatsFile, parseTableStats } from "./file.js";
export { readTableStatsFromDatabase, resolveDatabaseSource, displayDatabaseUrl, TableStatsReadError, DEFAULT_STATS_TIMEOUT_MS, type DatabaseSource, type ReadDatabaseOptions } from "./database.js";
export { judgeTableSizes, SIZE_DEPENDENT_RULE_IDS, sizeText, rowsText, bytesText, type TableSizeJudgement, type JudgeTableSizesOptions } from "./severity.js";
export { applyTableStats, readTableStats, tablesCreatedIn, wantsTableStats, scanTableSizeThresholds, type TableStatsInput, type AppliedTableStats } from "./apply.js";
