// The one pure function: findings + release facts + policy → decision, with every reason.
import { UNANALYSED_RULE_IDS } from "../engine/types.js";
import type { Decision, DecisionReason, DecisionValue, Finding } from "../types.js";
import { sha256Of } from "./hash.js";
import { partitionByScope } from "./scope.js";
import { activeFreezeWindow } from "./approval.js";
import { leftOutReasons } from "./change-scope.js";
import type { AuditSeverity, EnvironmentPolicy, InputProblem, Policy, ReleaseFacts } from "./types.js";
import { AUDIT_SEVERITIES } from "./types.js";

/** Every reason code `evaluate` can give, with what it means (documented in docs/policy.md). */
export const REASON_CODES = {
  "unknown-environment": "The policy declares no such environment.",
  "blocking-finding": "A finding whose severity or rule id the environment blocks.",
  "unanalysed-file": "A file could not be analysed; fail-closed environments refuse to guess.",
  "findings-reported": "Findings that do not block in this environment, reported for information.",
  "required-input-missing": "An input the policy requires (test results, coverage, audit, SARIF, migrations checked) was not given.",
  "input-unreadable": "An input file was given but could not be read or understood.",
  "tests-failed": "The test results hold failures or errors.",
  "tests-empty": "The test results hold no test that ran.",
  "tests-passed": "The test results show every test that ran passed.",
  "coverage-below-minimum": "Line coverage is under the policy's minimum.",
  "coverage-reported": "Line coverage, reported for information.",
  "vulnerabilities-found": "The npm audit report holds vulnerabilities of severities the policy blocks.",
  "sarif-errors": "Another tool's SARIF holds error-level results.",
  "findings-out-of-scope": "With `check --base`: findings in files unchanged since the base revision were left out.",
  "findings-suppressed": "Findings accepted in the bulk suppressions file were left out.",
  "policy-weakened": "The policy or the config's rule settings are weaker than at the base revision: approvals cannot come from the code being deployed.",
  "approval-required": "The environment needs a human approval for every release.",
  "first-time-approval": "First release of this project to this environment: a human must approve it.",
  "approved-before": "An approved release of this project to this environment is in the deployment log.",
  "environment-unhealthy": "The environment's health check failed before the release started (health.preflight).",
  "deploy-freeze": "The release falls in one of the environment's freeze windows.",
  "failed-release-unresolved": "An earlier release to this environment failed and was neither rolled back nor acknowledged: its state is unknown.",
  "table-sizes": "Lock and rewrite findings were judged by the size of their tables (table statistics given); tables the statistics do not hold keep the default severity.",
  "migrations-applied": "Findings in migrations the environment already runs are history: left out of the decision (`--all` judges them).",
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

const EFFECT_RANK: Record<DecisionReason["effect"], number> = { "no-go": 0, "needs-approval": 1, info: 2 };

function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function findingRef(f: Finding): NonNullable<DecisionReason["findings"]>[number] {
  return { ruleId: f.ruleId, severity: f.severity, file: f.file, line: f.line, column: f.column, message: f.message };
}

const INPUT_NAMES: Record<InputProblem["kind"], string> = {
  tests: "test results",
  coverage: "coverage report",
  audit: "npm audit report",
  sarif: "SARIF",
  log: "deployment log",
  base: "base revision",
  state: "environment state",
  suppressions: "suppressions file",
  "table-stats": "table statistics from",
};

/**
 * Decides whether a release may go to `facts.environment`. Pure: the same findings, facts
 * (including `evaluatedAt`) and policy always give the same decision. A no-go always wins
 * over needs-approval.
 */
export function evaluate(findings: Finding[], facts: ReleaseFacts, policy: Policy): Decision {
  const evaluatedAt = facts.evaluatedAt ?? new Date().toISOString();
  const sorted = [...findings].sort(compareFindings);
  const env = policy.environments[facts.environment];
  const reasons: DecisionReason[] = env
    ? reasonsFor(sorted, facts, env)
    : [
        {
          code: "unknown-environment",
          effect: "no-go",
          message: `the policy declares no environment "${facts.environment}" (known: ${Object.keys(policy.environments).join(", ")})`,
          inputs: { environment: facts.environment },
        },
      ];
  reasons.sort((a, b) => EFFECT_RANK[a.effect] - EFFECT_RANK[b.effect]);
  const decision: DecisionValue = reasons.some((r) => r.effect === "no-go")
    ? "no-go"
    : reasons.some((r) => r.effect === "needs-approval")
      ? "needs-approval"
      : "go";
  const { evaluatedAt: _ignored, ...factsForHash } = facts;
  const result: Decision = {
    decision,
    environment: facts.environment,
    reasons,
    requiredApprovals: reasons.some((r) => r.code === "approval-required" || r.code === "first-time-approval") ? 1 : 0,
    autoRollback: env?.autoRollback ?? false,
    policyHash: sha256Of({ environment: facts.environment, policy: env ?? null }),
    inputsHash: sha256Of({ findings: sorted, facts: factsForHash }),
    evaluatedAt,
  };
  if (facts.project !== undefined) result.project = facts.project;
  if (facts.version !== undefined) result.version = facts.version;
  return result;
}

function reasonsFor(allFindings: Finding[], facts: ReleaseFacts, env: EnvironmentPolicy): DecisionReason[] {
  const reasons: DecisionReason[] = [];
  const where = `in ${facts.environment}`;
  const { judged: findings, applied } = partitionByScope(allFindings, facts.migrationScope);
  const scope = facts.migrationScope;
  if (scope && scope.appliedFiles.length > 0) {
    const files = new Set(applied.map((f) => f.file)).size;
    const at = scope.source === "log" && scope.recordedBy ? `recorded by release ${scope.recordedBy.version}${scope.recordedBy.ts ? ` on ${scope.recordedBy.ts}` : ""}` : scope.source === "from-revision" ? "given by --from-revision" : "given by the config's current:";
    reasons.push({
      code: "migrations-applied",
      effect: "info",
      message: `${facts.environment} runs revision ${scope.revisions.join(", ")} (${at}): ${scope.pendingFiles.length} migration${scope.pendingFiles.length === 1 ? "" : "s"} pending; ${applied.length} finding${applied.length === 1 ? "" : "s"} in ${files} of the ${scope.appliedFiles.length} applied migration${scope.appliedFiles.length === 1 ? "" : "s"} left out (--all judges them)`,
      inputs: { source: scope.source, revisions: scope.revisions, pending: scope.pendingFiles.length, applied: scope.appliedFiles.length, findingsLeftOut: applied.length },
    });
  }
  const gateEffect = (required: boolean): DecisionReason["effect"] => (required || env.block.failedGates ? "no-go" : "info");

  // Findings.
  const reported: Finding[] = [];
  for (const finding of findings) {
    const blockedBySeverity = env.block.severities.includes(finding.severity);
    const blockedByRule = env.block.rules.includes(finding.ruleId);
    const blocking = blockedBySeverity || blockedByRule;
    const at = `${finding.file}:${finding.line}`;
    if (UNANALYSED_RULE_IDS.includes(finding.ruleId)) {
      const effect = env.failClosed || blocking ? "no-go" : "info";
      reasons.push({
        code: "unanalysed-file",
        effect,
        message: `${finding.file} could not be analysed (${finding.ruleId}): ${finding.message}${effect === "no-go" ? ` — ${facts.environment} fails closed on unknowns` : ""}`,
        findings: [findingRef(finding)],
      });
    } else if (blocking) {
      const because = blockedByRule ? `rule ${finding.ruleId} blocks ${where}` : `${finding.severity} findings block ${where}`;
      reasons.push({
        code: "blocking-finding",
        effect: "no-go",
        message: `${at} ${finding.ruleId}: ${finding.message} (${because})`,
        findings: [findingRef(finding)],
      });
    } else {
      reported.push(finding);
    }
  }
  if (reported.length > 0) {
    reasons.push({
      code: "findings-reported",
      effect: "info",
      message: `${reported.length} finding${reported.length === 1 ? "" : "s"} reported, none blocking ${where}`,
      findings: reported.map(findingRef),
    });
  }

  reasons.push(...leftOutReasons(facts));
  const sizes = facts.tableStats;
  if (sizes) {
    const missing = sizes.missingTables.length > 0 ? `; no statistics for ${sizes.missingTables.join(", ")} (default severity)` : "";
    reasons.push({
      code: "table-sizes",
      effect: "info",
      message: `${sizes.judged} lock or rewrite finding${sizes.judged === 1 ? "" : "s"} judged by table size from ${sizes.source} (${sizes.tables} table${sizes.tables === 1 ? "" : "s"})${missing}`,
      inputs: { ...sizes },
    });
  }

  // Inputs that were given but could not be read.
  const problems = facts.inputProblems ?? [];
  const required: Record<InputProblem["kind"], boolean> = {
    tests: env.require.tests,
    coverage: env.require.coverage !== null,
    audit: env.require.audit.length > 0,
    sarif: env.require.sarif,
    log: false,
    base: false,
    state: false,
    suppressions: false,
    "table-stats": false,
  };
  for (const problem of problems) {
    const effect = env.failClosed || required[problem.kind] ? "no-go" : "info";
    reasons.push({
      code: "input-unreadable",
      effect,
      message: `${INPUT_NAMES[problem.kind]} ${problem.file} could not be read: ${problem.message}`,
      inputs: { kind: problem.kind, file: problem.file },
    });
  }
  const unreadable = (kind: InputProblem["kind"]) => problems.some((p) => p.kind === kind);
  const missing = (kind: InputProblem["kind"], what: string, inputs: Record<string, unknown>) => {
    if (unreadable(kind)) return; // already a no-go: the given file could not be read
    reasons.push({ code: "required-input-missing", effect: "no-go", message: `required input missing: ${what}`, inputs: { input: kind, ...inputs } });
  };

  // Tests.
  const tests = facts.tests;
  if (tests) {
    const inputs = { files: tests.files, total: tests.total, passed: tests.passed, failed: tests.failed, errors: tests.errors, skipped: tests.skipped };
    if (tests.failed + tests.errors > 0) {
      const names = tests.failures.slice(0, 5).map((f) => (f.classname ? `${f.classname}.${f.name}` : f.name));
      reasons.push({
        code: "tests-failed",
        effect: gateEffect(env.require.tests),
        message: `tests failed: ${tests.failed} failure${tests.failed === 1 ? "" : "s"}, ${tests.errors} error${tests.errors === 1 ? "" : "s"} of ${tests.total} test${tests.total === 1 ? "" : "s"}${names.length > 0 ? ` (${names.join(", ")}${tests.failures.length > names.length ? ", …" : ""})` : ""}`,
        inputs: { ...inputs, failures: tests.failures },
      });
    } else if (tests.total - tests.skipped <= 0) {
      reasons.push({
        code: "tests-empty",
        effect: env.require.tests ? "no-go" : "info",
        message: `the test results hold no test that ran (${tests.total} test${tests.total === 1 ? "" : "s"}, ${tests.skipped} skipped): no evidence that tests passed`,
        inputs,
      });
    } else {
      reasons.push({ code: "tests-passed", effect: "info", message: `tests passed: ${tests.passed} of ${tests.total} (${tests.skipped} skipped)`, inputs });
    }
  } else if (env.require.tests) {
    missing("tests", "test results", { hint: "pass JUnit XML with --junit" });
  }

  // Coverage.
  const coverage = facts.coverage;
  const minimum = env.require.coverage;
  if (coverage) {
    const inputs = { file: coverage.file, format: coverage.format, linesPct: coverage.linesPct, linesCovered: coverage.linesCovered, linesTotal: coverage.linesTotal, minimum };
    if (minimum !== null && coverage.linesPct < minimum) {
      reasons.push({ code: "coverage-below-minimum", effect: "no-go", message: `line coverage ${formatPct(coverage.linesPct)} % is under the minimum of ${minimum} %`, inputs });
    } else {
      reasons.push({ code: "coverage-reported", effect: "info", message: `line coverage ${formatPct(coverage.linesPct)} %${minimum !== null ? ` (minimum ${minimum} %)` : ""}`, inputs });
    }
  } else if (minimum !== null) {
    missing("coverage", `coverage report (minimum ${minimum} %)`, { minimum, hint: "pass coverage-summary.json or lcov.info with --coverage" });
  }

  // npm audit.
  const audit = facts.audit;
  if (audit) {
    const blocking = AUDIT_SEVERITIES.filter((s) => env.require.audit.includes(s) || env.block.vulnerabilities.includes(s));
    const found = blocking.filter((s) => audit.counts[s] > 0);
    if (found.length > 0) {
      const hard = found.some((s) => env.require.audit.includes(s));
      reasons.push({
        code: "vulnerabilities-found",
        effect: hard ? "no-go" : gateEffect(false),
        message: `npm audit: ${found.map((s) => `${audit.counts[s]} ${s}`).join(", ")} vulnerabilit${found.reduce((n, s) => n + audit.counts[s], 0) === 1 ? "y" : "ies"} (${facts.environment} blocks ${blocking.join(", ")})`,
        inputs: { file: audit.file, counts: audit.counts, blocking, packages: audit.packages.filter((p) => found.includes(p.severity as AuditSeverity)) },
      });
    }
  } else if (env.require.audit.length > 0) {
    missing("audit", "npm audit report", { blocking: env.require.audit, hint: "pass `npm audit --json` output with --audit" });
  }

  // SARIF from other tools.
  const sarif = facts.sarif ?? [];
  if (sarif.length > 0) {
    for (const log of sarif) {
      if (log.errors === 0) continue;
      reasons.push({
        code: "sarif-errors",
        effect: gateEffect(env.require.sarif),
        message: `${log.file}: ${log.errors} error-level result${log.errors === 1 ? "" : "s"} from ${log.tools.join(", ") || "an unnamed tool"}`,
        inputs: { file: log.file, tools: log.tools, errors: log.errors, results: log.errorResults },
      });
    }
  } else if (env.require.sarif) {
    missing("sarif", "SARIF results", { hint: "pass other tools' SARIF with --sarif" });
  }

  if (env.require.migrationsChecked && facts.migrationsChecked !== true) {
    reasons.push({ code: "required-input-missing", effect: "no-go", message: "required input missing: migrations checked (no Alembic migration was analysed)", inputs: { input: "migrationsChecked" } });
  }

  // The environment's own health before anything runs.
  const health = facts.environmentHealth;
  if (health && !health.ok) {
    reasons.push({ code: "environment-unhealthy", effect: "no-go", message: `${facts.environment} is unhealthy before the release (${health.url}: ${health.detail}): fix it or roll back first`, inputs: { ...health } });
  }

  // A freeze window (the operators' "no Friday-evening production deploys").
  const frozen = activeFreezeWindow(env, new Date(facts.evaluatedAt ?? Date.now()));
  if (frozen) {
    reasons.push({
      code: "deploy-freeze",
      effect: frozen.effect,
      message: `${facts.environment} is frozen ${frozen.days.join(",")} ${frozen.from}–${frozen.to} ${frozen.timeZone}${frozen.reason ? ` (${frozen.reason})` : ""}`,
      inputs: { ...frozen },
    });
  }

  // An earlier release that failed and left the environment in an unknown state.
  const failed = facts.unresolvedFailure;
  if (failed) {
    const hint = `roll it back (gonogo rollback --env ${facts.environment} --to VERSION) or acknowledge it (--acknowledge-failure ${failed.releaseId} --approver NAME)`;
    reasons.push({
      code: "failed-release-unresolved",
      effect: env.failClosed ? "no-go" : "info",
      message: `release ${failed.releaseId} (${failed.version}${failed.ts ? `, ${failed.ts}` : ""}) failed in ${facts.environment} and was not rolled back: ${failed.message}${env.failClosed ? ` — ${hint}` : ""}`,
      inputs: { ...failed },
    });
  }

  // A policy weakened by the change being released.
  const weakened = facts.policyWeakenings;
  if (weakened && weakened.changes.length > 0) {
    reasons.push({
      code: "policy-weakened",
      effect: env.failClosed ? "no-go" : "needs-approval",
      message: `the policy is weaker than at ${weakened.base}: ${weakened.changes.join("; ")}${env.failClosed ? " — land the policy change on the base branch first" : ""}`,
      inputs: { base: weakened.base, changes: weakened.changes },
    });
  }

  // Approval.
  if (env.approval === "always") {
    reasons.push({ code: "approval-required", effect: "needs-approval", message: `every release to ${facts.environment} needs an approval` });
  } else if (env.approval === "first-time") {
    if (facts.approvedBefore === true) {
      reasons.push({ code: "approved-before", effect: "info", message: `${facts.project ?? "this project"} has an approved ${facts.environment} release in the deployment log` });
    } else {
      reasons.push({
        code: "first-time-approval",
        effect: "needs-approval",
        message: `first release of ${facts.project ?? "this project"} to ${facts.environment}: needs an approval`,
      });
    }
  }
  return reasons;
}

function formatPct(value: number): string {
  return (Math.floor(value * 100) / 100).toString();
}
