// The default policy: DESIGN.md's table of the operators' rules.
import type { EnvironmentPolicy, Policy, RollbackTriggers, TableSizeThresholds } from "./types.js";

export const DEFAULT_ROLLBACK_TRIGGERS: RollbackTriggers = {
  healthFailures: 3,
  errorRatePercent: 5,
  p95LatencyFactor: 2,
};

/** Severity by table size (issue 19): below 10,000 rows info, above 1 M rows or 1 GB high, above 10 M rows or 10 GB critical. */
export const DEFAULT_TABLE_SIZE: TableSizeThresholds = {
  infoBelowRows: 10_000,
  highAboveRows: 1_000_000,
  highAboveBytes: 1_000_000_000,
  criticalAboveRows: 10_000_000,
  criticalAboveBytes: 10_000_000_000,
};

/** The built-in environments, in promotion order. */
export const BUILTIN_ENVIRONMENTS = ["development", "staging", "production"] as const;

function development(): EnvironmentPolicy {
  return {
    approval: "never",
    rollbackApproval: "never",
    // Findings are reported, nothing blocks.
    block: { severities: [], rules: [], failedGates: false, vulnerabilities: [] },
    autoRollback: true,
    failClosed: false,
    require: { tests: false, coverage: null, audit: [], sarif: false, migrationsChecked: false },
    rollbackTriggers: { ...DEFAULT_ROLLBACK_TRIGGERS },
    tableSize: { ...DEFAULT_TABLE_SIZE },
  };
}

function staging(): EnvironmentPolicy {
  return {
    approval: "first-time",
    rollbackApproval: "never",
    block: { severities: ["critical"], rules: [], failedGates: true, vulnerabilities: ["critical"] },
    autoRollback: true,
    failClosed: false,
    require: { tests: false, coverage: null, audit: [], sarif: false, migrationsChecked: false },
    rollbackTriggers: { ...DEFAULT_ROLLBACK_TRIGGERS },
    tableSize: { ...DEFAULT_TABLE_SIZE },
  };
}

function production(): EnvironmentPolicy {
  return {
    approval: "always",
    rollbackApproval: "always",
    block: {
      severities: ["critical", "high"],
      // Dynamic SQL cannot be checked: production fails closed on it as on an unanalysed file.
      // Relax it by leaving alembic/dynamic-sql out of block.rules (a weakening under --base).
      rules: ["alembic/missing-downgrade", "alembic/empty-downgrade", "alembic/dynamic-sql"],
      failedGates: true,
      vulnerabilities: ["critical", "high"],
    },
    autoRollback: false,
    failClosed: true,
    require: { tests: true, coverage: null, audit: [], sarif: false, migrationsChecked: false },
    rollbackTriggers: { ...DEFAULT_ROLLBACK_TRIGGERS },
    tableSize: { ...DEFAULT_TABLE_SIZE },
  };
}

/** The default policy; a fresh copy each call, so callers may change it. */
export function defaultPolicy(): Policy {
  return {
    environments: { development: development(), staging: staging(), production: production() },
    source: "default",
  };
}
