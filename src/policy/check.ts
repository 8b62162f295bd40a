// check(): scan + read the release facts + evaluate. What `gonogo check` and the wrappers' preflight run.
import { dirname, resolve } from "node:path";
import { loadConfig, type GonogoConfig } from "../engine/config.js";
import { scan } from "../engine/scan.js";
import type { ScanOptions, ScanResult } from "../engine/types.js";
import type { Decision, Finding } from "../types.js";
import { ConfigError } from "./errors.js";
import { evaluate } from "./evaluate.js";
import { environmentStateOf, hasApprovedReleaseIn, unresolvedFailureOf } from "./history.js";
import { logLocationOf, logTrustOf, type LogSetting } from "../log/location.js";
import { openLogStore, readVerified, type LogLocation } from "../log/store.js";
import { environmentMigrationScope } from "./release-scope.js";
import { partitionByScope } from "./scope.js";
import { loadPolicy } from "./load.js";
import { revisionExists, validateGitRevision } from "../git.js";
import { assertTrustedLog } from "../engine/log-location.js";
import { weakeningsSinceBase } from "./config-weakening.js";
import { directiveWeakenings } from "./directive-weakening.js";
import { leftOutFacts, prepareScope, suppressionsWeakenings } from "./change-scope.js";
import { readReleaseInputs, type ReleaseFactFiles, type ReleaseInputs } from "./readers/index.js";
import type { Policy, ReleaseFacts } from "./types.js";
import { applyTableStats, wantsTableStats, type TableStatsInput } from "./table-stats/index.js";

/** Where the release wrappers keep the deployment log unless the config says otherwise. */
export { DEFAULT_LOG_PATH as DEFAULT_DEPLOYMENT_LOG } from "../log/location.js";

const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export interface CheckOptions extends ReleaseFactFiles {
  cwd: string;
  /** The environment to decide for. */
  env: string;
  /** Files or directories to scan (default: the working directory). */
  paths?: string[];
  project?: string;
  version?: string;
  policyFile?: string;
  /** Deployment log file (default: the config's `log`, else .gonogo/deployments.jsonl). */
  logFile?: string;
  /** The deployment log wherever it is (the release wrappers pass the config's); wins over logFile. */
  log?: LogLocation;
  /** Git revision to compare with. */
  base?: string;
  /**
   * With `base`: judge only the findings in files changed since it (`gonogo check --base`). The
   * release wrappers leave it off: a deploy is judged on what it applies, not on a diff.
   */
  narrowToBase?: boolean;
  configFile?: string | false;
  /** Extra scan options (paths, cwd, configFile and base above win). */
  scanOptions?: ScanOptions;
  /** Fixes the decision time (tests, replays); default now. */
  evaluatedAt?: string;
  /**
   * The migration revisions the environment runs (one per revision graph), for an environment the
   * log has no record of, or to override it: only migrations after them are judged.
   */
  fromRevision?: string[];
  /** Judge every migration, not only those pending in the environment. */
  all?: boolean;
  /** The environment's health checked before the release (the deploy wrapper's health.preflight). */
  environmentHealth?: { ok: boolean; url: string; detail: string };
  /**
   * Release facts read earlier, used instead of reading junit/coverage/audit/sarif files: the
   * request recorded with a pending release, which `gonogo approve` decides on again.
   */
  releaseInputs?: ReleaseInputs;
  /** Table statistics (a file, or the database read-only): lock and rewrite findings are judged by table size. */
  tableStats?: TableStatsInput;
}

export interface CheckResult {
  decision: Decision;
  scan: ScanResult;
  policy: Policy;
  /** The release facts the decision was made on. */
  facts: ReleaseFacts;
  /** The findings the decision judged (those in migrations already applied in the environment left out). */
  findings: Finding[];
  /** The test, coverage, audit and SARIF results read (or given as releaseInputs). */
  inputs: ReleaseInputs;
}

/** Scans, reads the release facts and decides. Throws ConfigError for a bad config, policy or environment. */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const cwd = resolve(options.cwd);
  if (!ENVIRONMENT_NAME.test(options.env)) {
    throw new ConfigError(`--env ${JSON.stringify(options.env)}: expected an environment name (lowercase letters, digits, "-", "_", ".")`);
  }
  if (options.base !== undefined) validateGitRevision(options.base);
  const loaded = loadConfig({ cwd, configFile: options.configFile });
  const policyOptions: Parameters<typeof loadPolicy>[0] = { cwd, configPolicy: loaded.config.policy };
  if (options.policyFile !== undefined) policyOptions.policyFile = options.policyFile;
  if (loaded.file !== undefined) policyOptions.configFile = loaded.file;
  const policy = await loadPolicy(policyOptions);
  if (policy.environments[options.env] === undefined) {
    throw new ConfigError(`--env ${options.env}: the policy (${policy.source}) declares no such environment (known: ${Object.keys(policy.environments).join(", ")})`);
  }

  const scanOptions: ScanOptions = { ...options.scanOptions, cwd };
  if (options.paths && options.paths.length > 0) scanOptions.paths = options.paths;
  // The decision and its scan read one config: the project's (found from the working directory).
  scanOptions.configFile = options.configFile ?? loaded.file ?? false;
  // An unknown base (a shallow CI clone, a typo) must not abort the decision: the comparisons that
  // need it are skipped and the decision says so (production fails closed on it below).
  const baseKnown = options.base !== undefined && (await revisionExists(cwd, options.base));
  if (options.base !== undefined && baseKnown) scanOptions.base = options.base;
  const scope = await prepareScope({ cwd, base: baseKnown ? options.base : undefined, narrow: options.narrowToBase === true, configFile: loaded.file, scanOptions });
  const scanResult = await scan(scope.scanOptions);

  const inputs = options.releaseInputs ?? (await readReleaseInputs({ cwd, junit: options.junit, coverage: options.coverage, audit: options.audit, sarif: options.sarif }));
  const project = options.project ?? loaded.config.project;
  const setting = loaded.config.log as LogSetting | undefined;
  const baseDir = loaded.file !== undefined ? dirname(loaded.file) : cwd;
  const location: LogLocation = options.log
    ?? (options.logFile !== undefined
      ? { backend: "file", path: resolve(cwd, options.logFile) }
      : logLocationOf(setting, { baseDir, ...(loaded.file ? { file: loaded.file } : {}), ...(project !== undefined ? { project } : {}) }));
  const store = openLogStore(location, project !== undefined ? { project } : {});
  const logPath = store.where;
  // History the change under review could have written is not read: unknown, failed closed. (A
  // wrapper's preflight passes the log it already checked.)
  const trust = options.log ? undefined : logTrustOf(location, { setting, ...(loaded.config.logInWorkTree !== undefined ? { logInWorkTree: loaded.config.logInWorkTree } : {}), baseDir, ...(loaded.file ? { file: loaded.file } : {}), override: options.logFile !== undefined });
  const logDistrust = trust ? await assertTrustedLog(trust).then(() => undefined, (error: Error) => error.message) : undefined;
  // The log is read once, its hash chain verified: a broken chain is a "log" input problem (production fails closed).
  let history: Promise<Record<string, unknown>[]> | undefined;
  const readHistory = (): Promise<Record<string, unknown>[]> => (history ??= readVerified(store).then((c) => c.events));

  const facts: ReleaseFacts = { environment: options.env, evaluatedAt: options.evaluatedAt ?? new Date().toISOString() };
  if (project !== undefined) facts.project = project;
  if (options.version !== undefined) facts.version = options.version;
  if (inputs.tests) facts.tests = inputs.tests;
  if (inputs.coverage) facts.coverage = inputs.coverage;
  if (inputs.audit) facts.audit = inputs.audit;
  if (inputs.sarif) facts.sarif = inputs.sarif;
  if (inputs.inputProblems.length > 0 || scope.problems.length > 0) facts.inputProblems = [...inputs.inputProblems, ...scope.problems];
  const leftOut = leftOutFacts(scanResult);
  if (leftOut) facts.findingsLeftOut = leftOut;
  facts.migrationsChecked = scanResult.facts.migrations.length > 0;
  if (options.environmentHealth) facts.environmentHealth = options.environmentHealth;
  const env = policy.environments[options.env];
  if (logDistrust !== undefined) {
    (facts.inputProblems ??= []).push({ kind: "log", file: logPath, message: logDistrust });
    if (env?.approval === "first-time") facts.approvedBefore = false;
  } else if (env?.approval === "first-time") {
    try {
      facts.approvedBefore = hasApprovedReleaseIn(await readHistory(), project, options.env);
    } catch (error) {
      // An unreadable log is an unknown: no approval is assumed, and the decision says why.
      facts.approvedBefore = false;
      (facts.inputProblems ??= []).push({ kind: "log", file: logPath, message: (error as Error).message });
    }
  }
  if (logDistrust === undefined) try {
    const failed = unresolvedFailureOf(await readHistory(), project, options.env);
    if (failed) facts.unresolvedFailure = failed;
  } catch (error) {
    if (!(facts.inputProblems ?? []).some((p) => p.kind === "log")) (facts.inputProblems ??= []).push({ kind: "log", file: logPath, message: (error as Error).message });
  }
  if (options.base !== undefined && !baseKnown) {
    (facts.inputProblems ??= []).push({ kind: "base", file: options.base, message: `not known to git here (a shallow clone?): removed buckets and policy weakening were not checked${options.narrowToBase ? ", and every finding is judged" : ""}` });
  } else if (options.base !== undefined) {
    try {
      const changes = await weakeningsSinceBase({
        cwd,
        base: options.base,
        env: options.env,
        headConfig: loaded.config,
        configFile: loaded.file,
        configOption: options.configFile,
        policyFile: options.policyFile,
        headPolicy: policy,
      });
      if (scanResult.suppressions) changes.push(...(await suppressionsWeakenings(cwd, options.base, scanResult.suppressions.file)));
      const configFile = options.configFile === false ? false : (loaded.file ?? false);
      changes.push(...(await directiveWeakenings({ cwd, base: options.base, configFile, hidden: scanResult.suppressedByDirectives ?? [] })));
      if (changes.length > 0) facts.policyWeakenings = { base: options.base, changes };
    } catch (error) {
      (facts.inputProblems ??= []).push({ kind: "base", file: options.base, message: `cannot compare the policy with ${options.base}: ${(error as Error).message}` });
    }
  }
  if (options.all !== true) {
    const scope = await environmentMigrationScope({
      environment: options.env,
      graphs: scanResult.facts.revisionGraphs,
      migrations: scanResult.facts.migrations,
      fromRevision: options.fromRevision,
      configCurrent: configuredCurrent(loaded.config, options.env),
      configFile: loaded.file,
      readState: async () => (logDistrust === undefined ? environmentStateOf(await readHistory(), project, options.env) : undefined),
    });
    if (scope.scope) facts.migrationScope = scope.scope;
    if (scope.problems.length > 0) (facts.inputProblems ??= []).push(...scope.problems);
  }
  if (wantsTableStats(options.tableStats)) {
    // A database that cannot be read is an unknown the decision names, never a silent downgrade.
    const applied = await applyTableStats(cwd, scanResult, options.tableStats, env?.tableSize);
    if (applied.problem !== undefined) (facts.inputProblems ??= []).push({ kind: "table-stats", file: applied.source, message: applied.problem });
    if (applied.judgement) facts.tableStats = { source: applied.source, tables: applied.judgement.tables.length, judged: applied.judgement.changed, missingTables: applied.judgement.missingTables };
  }
  const decision = evaluate(scanResult.findings, facts, policy);
  return { decision, scan: scanResult, policy, facts, findings: partitionByScope(scanResult.findings, facts.migrationScope).judged, inputs };
}

/** The `current:` revision(s) the config gives for `env` (environments deployed before gonogo). */
function configuredCurrent(config: GonogoConfig, env: string): string[] | undefined {
  const spec = config.environments?.[env];
  if (typeof spec !== "object" || spec === null) return undefined;
  const current = (spec as { current?: unknown }).current;
  if (typeof current === "string") return [current];
  if (Array.isArray(current) && current.every((c) => typeof c === "string")) return current as string[];
  return undefined;
}
