// The policy layer: policy as data, evaluate(), release-fact readers and check().
export { defaultPolicy, DEFAULT_ROLLBACK_TRIGGERS, BUILTIN_ENVIRONMENTS } from "./defaults.js";
export { evaluate, REASON_CODES, type ReasonCode } from "./evaluate.js";
export { evaluateRollback, withRollbackApprovalOverrides, ROLLBACK_REASON_CODES, type RollbackFacts, type DowngradePlanFacts } from "./rollback.js";
export { loadPolicy, resolvePolicy, parsePolicyText, type LoadPolicyOptions } from "./load.js";
export { ConfigError } from "./errors.js";
export { check, DEFAULT_DEPLOYMENT_LOG, type CheckOptions, type CheckResult } from "./check.js";
export { readApprovalHistory, hasApprovedRelease, type ApprovalEvent } from "./history.js";
export {
  readReleaseInputs,
  parseJUnit,
  mergeTestResults,
  parseCoverage,
  parseIstanbulSummary,
  parseLcov,
  parseNpmAudit,
  parseSarif,
  InputFormatError,
  type ReleaseFactFiles,
  type ReleaseInputFiles,
  type ReleaseInputs,
} from "./readers/index.js";
export { formatDecisionText, formatDecisionMarkdown, formatDecisionJson } from "./format.js";
export { canonicalJson, sha256Of } from "./hash.js";
export type * from "./types.js";
export { AUDIT_SEVERITIES } from "./types.js";
export { environmentPolicy } from "./environment.js";
export { environmentWeakenings, ruleSettingWeakenings, type RuleSettingsSnapshot } from "./weakening.js";
export { readFileAtRevision, isSafeRevision, filesChangedSince } from "../git.js";
export {
  applyTableStats,
  readTableStats,
  readTableStatsFile,
  parseTableStats,
  readTableStatsFromDatabase,
  resolveDatabaseSource,
  judgeTableSizes,
  SIZE_DEPENDENT_RULE_IDS,
  TableStatsReadError,
  type TableStatsInput,
  type AppliedTableStats,
  type TableStatsSet,
  type TableStats,
  type TableSizeJudgement,
} from "./table-stats/index.js";
export { DEFAULT_TABLE_SIZE } from "./defaults.js";
