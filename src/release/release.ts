// deploy, rollback and cascade: thin wrappers that never decide on their own. Every step that
// runs is permitted by a decision that is in the deployment log.
import { createHash } from "node:crypto";
import path from "node:path";
import type { Decision, DecisionReason } from "../types.js";
import type { ScanResult } from "../engine/types.js";
import { check } from "../policy/check.js";
import { sha256Of } from "../policy/hash.js";
import { loadPolicy } from "../policy/load.js";
import { DEFAULT_ROLLBACK_TRIGGERS } from "../policy/defaults.js";
import { ConfigError } from "../policy/errors.js";
import type { Policy, RollbackTriggers } from "../policy/types.js";
import type { ReleaseFactFiles } from "../policy/readers/index.js";
import { scan } from "../engine/scan.js";
import { systemClock } from "./clock.js";
import { loadReleaseConfig, type EnvironmentSpec, type ReleaseConfig, type StepSpec } from "./config.js";
import { formatDuration } from "./duration.js";
import { processExecutor } from "./executor.js";
import { describeSource, readSignals, thresholdsFor, type SignalsReading } from "./signals.js";
import { httpHealthProbe, runHealthChecks, type HealthOutcome } from "./health.js";
import { currentVersion, DeploymentLog, newReleaseId, ReleaseBusyError, type LogEvent, type LogEventName } from "./log.js";
import { formatPlan, planDowngrade, type PlanFacts, type RollbackPlan } from "./plan.js";
import { createRedactor, redactDeep, type Redactor } from "./redact.js";
import type { ApprovalRequest, Approver, Clock, Executor, ExecResult, HealthProbe, ReleaseKind } from "./types.js";
import { expandArgv, ReleaseInputError, validateEnvironment, validateRevision, validateVersion, type PlaceholderValues } from "./validate.js";

/** What the preflight is asked. The default preflight passes it to the policy's `check`. */
export interface PreflightOptions extends ReleaseFactFiles {
  cwd: string;
  configFile?: string;
  environment: string;
  project: string;
  version: string;
  policyFile?: string;
  base?: string;
  /** The deployment log (the policy reads earlier approvals from it). */
  log: string;
  paths?: string[];
}

export interface PreflightResult {
  decision: Decision;
  scan?: ScanResult;
  policy?: Policy;
}

/** Scan + evaluate. May resolve to a bare Decision or to `check`'s `{ decision, scan, policy }`. */
export type Preflight = (options: PreflightOptions) => Promise<Decision | PreflightResult>;

export type Scanner = (options: { cwd: string; configFile?: string; paths?: string[] }) => Promise<Pick<ScanResult, "facts">>;

export interface ReleaseOptions extends ReleaseFactFiles {
  /** Working directory (default process.cwd()). */
  cwd?: string;
  /** Config file; default: gonogo.config.yaml found upward from cwd. */
  configFile?: string;
  /** An already loaded config (host tools); takes precedence over configFile. */
  config?: ReleaseConfig;
  policyFile?: string;
  base?: string;
  executor?: Executor;
  /** Who answers approvals; none: a release that needs approval stays pending. */
  approver?: Approver;
  healthProbe?: HealthProbe;
  clock?: Clock;
  preflight?: Preflight;
  /** Environment of the steps (default process.env); its secret-named values are redacted. */
  env?: Record<string, string | undefined>;
  /** Progress and reports, already redacted. */
  out?: (text: string) => void;
  /** Aborting (SIGINT/SIGTERM) stops the running step; the release is logged as interrupted. */
  signal?: AbortSignal;
  /** Output kept per step (default 64 KiB). */
  maxOutputBytes?: number;
  /** Set by cascade: ties the releases of one cascade together in the log. */
  cascadeId?: string;
}

export interface DeployOptions extends ReleaseOptions {
  environment: string;
  version: string;
}

export interface RollbackOptions extends ReleaseOptions {
  environment: string;
  /** The application version to roll back to. */
  to: string;
  /** Downgrade the migrations to this revision (`base` for all). */
  migrationsTo?: string;
  /** Scans the migrations for the downgrade plan (default: the engine's scan). */
  scanner?: Scanner;
  /** The policy (rollback approval, automatic rollback); default: loaded from the config. */
  policy?: Policy;
}

export interface CascadeOptions extends ReleaseOptions {
  version: string;
  /** Last stage (default: the last configured of development, staging, production). */
  through?: string;
  /** Stage order (default: development, staging, production as configured). */
  stages?: string[];
}

export type ReleaseStatus = "completed" | "failed" | "pending" | "rejected" | "no-go" | "interrupted" | "busy";

export interface StepOutcome {
  name: string;
  argv: string[];
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  outputBytes: number;
  /** Redacted, capped output. */
  output: string;
  error?: string;
}

export interface RollbackOutcome {
  automatic: boolean;
  ok?: boolean;
  to?: string;
  steps: StepOutcome[];
  health?: HealthOutcome;
  /** The command to run by hand when no automatic rollback happened. */
  manualCommand?: string;
}

export interface ReleaseOutcome {
  kind: ReleaseKind;
  releaseId?: string;
  project: string;
  environment: string;
  version: string;
  previousVersion?: string;
  status: ReleaseStatus;
  /** 0 completed, 1 failed/no-go/rejected/busy/interrupted, 3 pending approval. */
  exitCode: 0 | 1 | 3;
  message: string;
  decision?: Decision;
  decisionId?: string;
  approver?: string;
  steps: StepOutcome[];
  health?: HealthOutcome;
  rollback?: RollbackOutcome;
  plan?: RollbackPlan;
}

export interface CascadeStage {
  environment: string;
  status: ReleaseStatus | "skipped" | "not-run";
  message: string;
  releaseId?: string;
}

export interface CascadeOutcome {
  cascadeId: string;
  project: string;
  version: string;
  stages: CascadeStage[];
  exitCode: 0 | 1 | 3;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const DEFAULT_STAGES = ["development", "staging", "production"];

async function defaultPreflight(options: PreflightOptions): Promise<PreflightResult> {
  return check({
    cwd: options.cwd,
    env: options.environment,
    project: options.project,
    version: options.version,
    logFile: options.log,
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.paths ? { paths: options.paths } : {}),
    ...(options.junit ? { junit: options.junit } : {}),
    ...(options.coverage ? { coverage: options.coverage } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.sarif ? { sarif: options.sarif } : {}),
    ...(options.policyFile ? { policyFile: options.policyFile } : {}),
    ...(options.base ? { base: options.base } : {}),
  });
}

async function defaultScanner(options: { cwd: string; configFile?: string; paths?: string[] }): Promise<Pick<ScanResult, "facts">> {
  return scan({ cwd: options.cwd, ...(options.configFile ? { configFile: options.configFile } : {}), ...(options.paths?.length ? { paths: options.paths } : {}) });
}

function normalizePreflight(result: Decision | PreflightResult): PreflightResult {
  return typeof (result as Decision).decision === "string" ? { decision: result as Decision } : (result as PreflightResult);
}

export function decisionIdOf(decision: Decision): string {
  return `d-${createHash("sha256").update(JSON.stringify(decision)).digest("hex").slice(0, 12)}`;
}

function exitFor(status: ReleaseStatus): 0 | 1 | 3 {
  return status === "completed" ? 0 : status === "pending" ? 3 : 1;
}

/** Shared state of one release run. */
class Run {
  readonly log: DeploymentLog;
  readonly redact: Redactor;
  readonly clock: Clock;
  readonly executor: Executor;
  readonly probe: HealthProbe;
  readonly env: Record<string, string | undefined>;
  releaseId = "";
  version: string;
  private readonly print: (text: string) => void;

  constructor(
    readonly options: ReleaseOptions,
    readonly config: ReleaseConfig,
    readonly kind: ReleaseKind,
    readonly environment: EnvironmentSpec,
    version: string,
  ) {
    this.version = version;
    this.log = new DeploymentLog(config.logPath);
    this.env = options.env ?? process.env;
    const stepEnvs = [...environment.steps, ...environment.rollback, ...(environment.migrationRollback ? [environment.migrationRollback] : [])].map((s) => s.env);
    this.redact = createRedactor(this.env, ...stepEnvs);
    this.clock = options.clock ?? systemClock;
    this.executor = options.executor ?? processExecutor();
    this.probe = options.healthProbe ?? httpHealthProbe();
    const out = options.out;
    this.print = out ? (text) => out(this.redact(text)) : () => undefined;
  }

  say(text: string): void {
    this.print(text.endsWith("\n") ? text : `${text}\n`);
  }

  async event(event: LogEventName, fields: Record<string, unknown> = {}): Promise<void> {
    const record: LogEvent = {
      v: 1,
      ts: this.clock.now().toISOString(),
      releaseId: this.releaseId,
      event,
      project: this.config.project,
      environment: this.environment.name,
      version: this.version,
      kind: this.kind,
      ...(this.options.cascadeId ? { cascadeId: this.options.cascadeId } : {}),
      ...fields,
    };
    await this.log.append(redactDeep(record, this.redact));
  }

  async runStep(step: StepSpec, values: PlaceholderValues, phase: "deploy" | "rollback"): Promise<StepOutcome> {
    const argv = expandArgv(step.run, values);
    await this.event("step-started", { step: step.name, phase, argv, cwd: path.relative(this.config.baseDir, step.cwd) || "." });
    this.say(`▶ ${phase === "rollback" ? "rollback " : ""}step ${step.name}: ${argv.join(" ")}`);
    let result: ExecResult;
    if (this.options.signal?.aborted) {
      result = { exitCode: null, signal: null, timedOut: false, interrupted: true, output: "", outputBytes: 0, truncated: false, durationMs: 0 };
    } else {
      result = await this.executor.run({
        argv,
        cwd: step.cwd,
        env: {
          ...this.env,
          ...step.env,
          GONOGO_RELEASE_ID: this.releaseId,
          GONOGO_ENVIRONMENT: this.environment.name,
          GONOGO_VERSION: this.version,
          GONOGO_PROJECT: this.config.project,
        },
        timeoutMs: step.timeoutMs,
        maxOutputBytes: this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
    }
    const output = this.redact(result.output);
    const ok = result.exitCode === 0 && !result.timedOut && !result.interrupted && !result.error;
    const outcome: StepOutcome = {
      name: step.name,
      argv,
      ok,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      interrupted: result.interrupted,
      durationMs: result.durationMs,
      outputBytes: result.outputBytes,
      output,
      ...(result.error ? { error: result.error } : {}),
    };
    await this.event("step-finished", {
      step: step.name,
      phase,
      ok,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      interrupted: result.interrupted,
      durationMs: result.durationMs,
      outputBytes: result.outputBytes,
      outputTruncated: result.truncated,
      output: tail(output, 4000),
      ...(result.error ? { error: result.error } : {}),
    });
    const why = result.error
      ? result.error
      : result.timedOut
        ? `timed out after ${formatDuration(step.timeoutMs)}`
        : result.interrupted
          ? "interrupted"
          : `exit code ${result.exitCode ?? result.signal ?? "?"}`;
    this.say(`${ok ? "✓" : "✗"} ${step.name} ${ok ? "" : `failed: ${why} `}(${formatDuration(result.durationMs)})`);
    if (output.trim() && !ok) this.say(indent(tail(output, 4000)));
    return outcome;
  }

  async runSteps(steps: StepSpec[], values: PlaceholderValues, phase: "deploy" | "rollback"): Promise<StepOutcome[]> {
    const outcomes: StepOutcome[] = [];
    for (const step of steps) {
      const outcome = await this.runStep(step, values, phase);
      outcomes.push(outcome);
      if (!outcome.ok) break;
    }
    return outcomes;
  }

  /** Verifies health; with `signals` (after a deploy) the configured error-rate / p95 signals are read too. */
  async health(defaultFailures: number, signals?: { triggers: RollbackTriggers; failClosed: boolean }): Promise<HealthOutcome | undefined> {
    const health = this.environment.health;
    if (!health) return undefined;
    const spec = signals ? health.signals : undefined;
    const thresholds = spec && signals ? thresholdsFor(spec, signals.triggers) : undefined;
    this.say(`▶ health ${health.url} (expect ${health.expect})${spec ? `, signals from ${describeSource(spec.source)}` : ""}`);
    const outcome = await runHealthChecks(
      this.probe,
      this.clock,
      {
        url: health.url,
        expect: health.expect,
        intervalMs: health.intervalMs,
        timeoutMs: health.timeoutMs,
        failures: health.failures ?? defaultFailures,
        successes: health.successes,
        ...(spec && thresholds && signals
          ? { signals: { read: (abort?: AbortSignal) => readSignals(spec, thresholds, { timeoutMs: health.timeoutMs, ...(abort ? { signal: abort } : {}) }), failClosed: signals.failClosed } }
          : {}),
      },
      this.options.signal,
      (result, index, reading) =>
        this.say(`  check ${index}: ${result.ok ? "ok" : "FAILED"} ${result.status ?? ""}${result.error ? ` ${result.error}` : ""}${reading ? `; ${signalsLine(reading)}` : ""}`),
    );
    await this.event("health", {
      url: health.url,
      ok: outcome.ok,
      checks: outcome.checks,
      consecutiveFailures: outcome.consecutiveFailures,
      ...(outcome.lastStatus !== undefined ? { status: outcome.lastStatus } : {}),
      ...(outcome.lastError ? { error: outcome.lastError } : {}),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(spec ? { signals: { source: describeSource(spec.source), failClosed: signals?.failClosed ?? false, ...signalFields(outcome.signals) } } : {}),
      ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
    });
    for (const warning of outcome.warnings) this.say(`⚠ ${warning} (a warning in ${this.environment.name}: the policy does not fail closed here)`);
    this.say(outcome.ok ? `✓ healthy after ${outcome.checks} check(s)` : `✗ unhealthy: ${outcome.failure ?? `${outcome.consecutiveFailures} consecutive failed check(s)${outcome.lastError ? ` (${outcome.lastError})` : ""}`}`);
    return outcome;
  }

  /** Asks for approval when the decision needs it. */
  async approval(decision: Decision, decisionId: string, migrations: string[], details?: string): Promise<{ status: "approved" | "pending" | "rejected"; approver?: string }> {
    const approver = this.options.approver;
    const request: ApprovalRequest = {
      releaseId: this.releaseId,
      decisionId,
      kind: this.kind,
      project: this.config.project,
      environment: this.environment.name,
      version: this.version,
      migrations,
      decision,
      ...(details ? { details } : {}),
    };
    const response = approver ? await approver.ask(request) : undefined;
    if (!response) {
      await this.event("pending", { reason: "approval-required", decisionId, message: "approval required; nobody answered" });
      this.say(
        `⏸ ${this.environment.name}: approval required — nothing ran. Release ${this.releaseId} is pending.\n` +
          `  Answer with --answer yes|no|wait --approver NAME (or run on a terminal).`,
      );
      return { status: "pending" };
    }
    const name = response.approver.trim();
    if (!name || /[\r\n]/.test(name) || name.length > 200) throw new ReleaseInputError(`invalid approver name ${JSON.stringify(response.approver)}`);
    await this.event("approval", { answer: response.answer, approver: name, decisionId });
    if (response.answer === "paused") {
      await this.event("pending", { reason: "paused", decisionId, approver: name, message: `${name} asked to wait` });
      this.say(`⏸ ${name} asked to wait — nothing ran. Release ${this.releaseId} is pending.`);
      return { status: "pending", approver: name };
    }
    if (response.answer === "rejected") {
      await this.event("failed", { reason: "rejected", decisionId, approver: name, message: `rejected by ${name}` });
      this.say(`✗ rejected by ${name} — nothing ran.`);
      return { status: "rejected", approver: name };
    }
    this.say(`✓ approved by ${name}`);
    return { status: "approved", approver: name };
  }
}

function signalsLine(reading: SignalsReading): string {
  const parts: string[] = [];
  const pct = (n: number) => `${Number((n * 100).toFixed(2))} %`;
  if (reading.errorRate) parts.push(`error rate ${pct(reading.errorRate.value)} (max ${pct(reading.errorRate.max)})${reading.errorRate.ok ? "" : " BREACH"}`);
  if (reading.p95LatencyMs) {
    const p = reading.p95LatencyMs;
    parts.push(`p95 ${Number(p.value.toFixed(2))} ms (limit ${Number(p.limit.toFixed(2))} ms = ${p.factor} × ${p.baseline})${p.ok ? "" : " BREACH"}`);
  }
  for (const problem of reading.problems) parts.push(`signals: ${problem}`);
  return parts.join(", ");
}

/** The values and thresholds of the last signals reading, for the `health` event. */
function signalFields(reading: SignalsReading | undefined): Record<string, unknown> {
  if (!reading) return {};
  return {
    ...(reading.errorRate ? { errorRate: reading.errorRate } : {}),
    ...(reading.p95LatencyMs ? { p95LatencyMs: reading.p95LatencyMs } : {}),
    ...(reading.breaches.length > 0 ? { breaches: reading.breaches } : {}),
    ...(reading.problems.length > 0 ? { problems: reading.problems } : {}),
  };
}

/**
 * The effective policy (--policy FILE, else the config's `policy`, else the default), loaded and
 * validated before anything is logged: a bad policy is a config error (exit 2) with nothing run.
 */
async function loadReleasePolicy(config: ReleaseConfig, policyFile?: string): Promise<Policy> {
  return loadPolicy({
    cwd: config.baseDir,
    configPolicy: config.raw.policy,
    ...(config.configFile ? { configFile: config.configFile } : {}),
    ...(policyFile !== undefined ? { policyFile } : {}),
  });
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max)}`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

function resolveConfig(options: ReleaseOptions): ReleaseConfig {
  return options.config ?? loadReleaseConfig({ cwd: options.cwd ?? process.cwd(), ...(options.configFile ? { configFile: options.configFile } : {}) });
}

function environmentOf(config: ReleaseConfig, name: string): EnvironmentSpec {
  validateEnvironment(name);
  const spec = config.environments[name];
  if (!spec) {
    const known = Object.keys(config.environments);
    throw new ReleaseInputError(`environment ${JSON.stringify(name)} is not configured${known.length ? ` (configured: ${known.join(", ")})` : " (the config has no environments)"}`);
  }
  return spec;
}

function migrationLines(scan: ScanResult | undefined): string[] {
  if (!scan) return [];
  return scan.facts.migrations.map((m) => `${m.revision ?? "?"} ${m.file}`).sort();
}

function reasonLines(reasons: DecisionReason[]): string[] {
  return reasons.map((r) => `  - [${r.code}] ${r.message}`);
}

function busyOutcome(kind: ReleaseKind, config: ReleaseConfig, environment: string, version: string, error: ReleaseBusyError): ReleaseOutcome {
  return { kind, project: config.project, environment, version, status: "busy", exitCode: 1, message: error.message, steps: [] };
}

/** Deploys `version` to `environment`: preflight, approval, steps, health, automatic rollback where allowed. */
export async function deploy(options: DeployOptions): Promise<ReleaseOutcome> {
  const config = resolveConfig(options);
  const environment = environmentOf(config, options.environment);
  const version = validateVersion(options.version);
  const run = new Run(options, config, "deploy", environment, version);
  const started = run.clock.now();
  run.releaseId = newReleaseId(started);
  // Every argv must expand before anything is logged or run ({previousVersion} is checked when used).
  for (const step of environment.steps) expandArgv(step.run, { version, environment: environment.name, project: config.project, releaseId: run.releaseId, previousVersion: "x", revision: "x" });
  const policy = await loadReleasePolicy(config, options.policyFile);
  if (!options.preflight && policy.environments[environment.name] === undefined)
    throw new ConfigError(`--env ${environment.name}: the policy (${policy.source}) declares no such environment (known: ${Object.keys(policy.environments).join(", ")})`);

  let lock;
  try {
    lock = await run.log.acquireEnvironment(environment.name, { releaseId: run.releaseId, kind: "deploy", version, startedAt: started.toISOString() });
  } catch (error) {
    if (error instanceof ReleaseBusyError) {
      run.say(`✗ ${error.message}`);
      return busyOutcome("deploy", config, environment.name, version, error);
    }
    throw error;
  }
  const outcome: ReleaseOutcome = { kind: "deploy", releaseId: run.releaseId, project: config.project, environment: environment.name, version, status: "failed", exitCode: 1, message: "", steps: [] };
  try {
    const { events } = await run.log.read();
    const previousVersion = currentVersion(events, config.project, environment.name);
    if (previousVersion) outcome.previousVersion = previousVersion;
    await run.event("requested", { ...(previousVersion ? { previousVersion } : {}), pid: process.pid, user: options.env?.USER ?? process.env.USER ?? null });
    run.say(`gonogo deploy ${config.project} ${version} → ${environment.name} (release ${run.releaseId})`);

    let pre: PreflightResult;
    try {
      pre = normalizePreflight(
        await (options.preflight ?? defaultPreflight)({
          cwd: config.baseDir,
          ...(config.configFile ? { configFile: config.configFile } : {}),
          environment: environment.name,
          project: config.project,
          version,
          ...(options.junit ? { junit: options.junit } : {}),
          ...(options.coverage ? { coverage: options.coverage } : {}),
          ...(options.audit ? { audit: options.audit } : {}),
          ...(options.sarif ? { sarif: options.sarif } : {}),
          ...(options.policyFile ? { policyFile: options.policyFile } : {}),
          ...(options.base ? { base: options.base } : {}),
          log: config.logPath,
        }),
      );
    } catch (error) {
      await run.event("failed", { reason: "preflight-error", message: (error as Error).message });
      throw error;
    }
    const decision = pre.decision;
    const decisionId = decisionIdOf(decision);
    outcome.decision = decision;
    outcome.decisionId = decisionId;
    await run.event("decision", decisionEventFields(decision, decisionId));
    run.say(`Decision: ${decision.decision.toUpperCase()} (${decisionId})`);
    const shown = decision.reasons.filter((r) => r.effect !== "info" || decision.decision !== "go");
    if (shown.length > 0) run.say(reasonLines(shown).join("\n"));

    if (decision.decision === "no-go") {
      await run.event("failed", { reason: "no-go", decisionId, message: "the policy said no-go" });
      return finish(outcome, "no-go", `no-go: nothing ran`);
    }
    if (decision.decision === "needs-approval") {
      const approval = await run.approval(decision, decisionId, migrationLines(pre.scan));
      if (approval.approver) outcome.approver = approval.approver;
      if (approval.status === "pending") return finish(outcome, "pending", "approval pending: nothing ran");
      if (approval.status === "rejected") return finish(outcome, "rejected", `rejected by ${approval.approver}: nothing ran`);
    }

    const values: PlaceholderValues = { version, environment: environment.name, project: config.project, releaseId: run.releaseId, ...(previousVersion ? { previousVersion } : {}) };
    outcome.steps = await run.runSteps(environment.steps, values, "deploy");
    const failedStep = outcome.steps.find((s) => !s.ok);
    if (failedStep?.interrupted || options.signal?.aborted) return await interrupted(run, outcome, failedStep?.name);
    let failure: string | undefined = failedStep ? `step ${failedStep.name} failed` : undefined;
    if (!failure) {
      const envPolicy = (pre.policy ?? policy).environments[environment.name];
      const health = await run.health(envPolicy?.rollbackTriggers.healthFailures ?? 3, {
        triggers: envPolicy?.rollbackTriggers ?? DEFAULT_ROLLBACK_TRIGGERS,
        failClosed: envPolicy?.failClosed ?? environment.name === "production",
      });
      if (health) outcome.health = health;
      if (health?.interrupted) return await interrupted(run, outcome, "health");
      if (health && !health.ok)
        failure = health.reason === "consecutive-failures" || !health.failure ? `health check failed (${health.consecutiveFailures} consecutive failures)` : `health verification failed: ${health.failure}`;
    }
    if (failure) {
      outcome.rollback = await recover(run, decision, previousVersion, failure);
      const rolled = outcome.rollback.automatic ? (outcome.rollback.ok ? `; rolled back to ${outcome.rollback.to}` : "; automatic rollback FAILED") : "";
      await run.event("failed", {
        reason: failedStep ? "step-failed" : "health-failed",
        message: failure,
        ...(!failedStep && outcome.health?.reason ? { trigger: outcome.health.reason } : {}),
        rolledBack: outcome.rollback.automatic && outcome.rollback.ok === true,
        ...(outcome.rollback.manualCommand ? { manualRollback: outcome.rollback.manualCommand } : {}),
      });
      return finish(outcome, "failed", `${failure}${rolled}`);
    }
    await run.event("completed", { durationMs: run.clock.now().getTime() - started.getTime(), ...(previousVersion ? { previousVersion } : {}) });
    run.say(`✓ ${config.project} ${version} is live in ${environment.name}`);
    return finish(outcome, "completed", `deployed ${version} to ${environment.name}`);
  } finally {
    await lock.release();
  }
}

function finish(outcome: ReleaseOutcome, status: ReleaseStatus, message: string): ReleaseOutcome {
  outcome.status = status;
  outcome.exitCode = exitFor(status);
  outcome.message = message;
  return outcome;
}

async function interrupted(run: Run, outcome: ReleaseOutcome, step?: string): Promise<ReleaseOutcome> {
  const manual = `gonogo rollback --env ${run.environment.name} --to ${outcome.previousVersion ?? "<previous version>"}`;
  await run.event("interrupted", { ...(step ? { step } : {}), message: "interrupted by a signal", manualRollback: manual });
  run.say(`✗ interrupted${step ? ` during ${step}` : ""}. The release may be half done; to roll back: ${manual}`);
  outcome.rollback = { automatic: false, steps: [], manualCommand: manual };
  return finish(outcome, "interrupted", "interrupted");
}

/** After a failed deploy: roll back automatically where the decision allows it, else print the manual command. */
async function recover(run: Run, decision: Decision, previousVersion: string | undefined, failure: string): Promise<RollbackOutcome> {
  const env = run.environment;
  const manual = `gonogo rollback --env ${env.name} --to ${previousVersion ?? "<previous version>"}`;
  if (!decision.autoRollback) {
    run.say(`✗ ${failure}. Automatic rollback is not allowed in ${env.name}: roll back by hand:\n    ${manual}`);
    return { automatic: false, steps: [], manualCommand: manual };
  }
  if (env.rollback.length === 0) {
    run.say(`✗ ${failure}. ${env.name} has no rollback steps configured; roll back by hand:\n    ${manual}`);
    return { automatic: false, steps: [], manualCommand: manual };
  }
  if (!previousVersion && env.rollback.some((s) => s.run.some((a) => a.includes("{previousVersion}")))) {
    run.say(`✗ ${failure}. No earlier release of ${env.name} is in the log, so there is no version to roll back to.`);
    return { automatic: false, steps: [], manualCommand: manual };
  }
  run.say(`↩ ${failure}: rolling back ${env.name} to ${previousVersion ?? "the previous version"} automatically`);
  const values: PlaceholderValues = { version: run.version, environment: env.name, project: run.config.project, releaseId: run.releaseId, ...(previousVersion ? { previousVersion } : {}) };
  const steps = await run.runSteps(env.rollback, values, "rollback");
  let ok = steps.every((s) => s.ok);
  let health: HealthOutcome | undefined;
  if (ok && !run.options.signal?.aborted) {
    health = await run.health(3);
    if (health && !health.ok) ok = false;
  }
  await run.event("rolled-back", { automatic: true, ok, ...(previousVersion ? { to: previousVersion } : {}), steps: steps.map((s) => ({ name: s.name, ok: s.ok })), ...(health ? { healthy: health.ok } : {}) });
  run.say(ok ? `↩ rolled back to ${previousVersion ?? "the previous version"}` : `✗ automatic rollback failed; roll back by hand: ${manual}`);
  return { automatic: true, ok, ...(previousVersion ? { to: previousVersion } : {}), steps, ...(health ? { health } : {}), ...(ok ? {} : { manualCommand: manual }) };
}

function rollbackDecision(environment: string, version: string, plan: RollbackPlan | undefined, approval: "always" | "never", project: string, policyHash: string): Decision {
  const reasons: DecisionReason[] = [];
  for (const refusal of plan?.refusals ?? [])
    reasons.push({ code: "downgrade-not-reversible", effect: "no-go", message: refusal });
  const destroys = plan?.migrations.flatMap((m) => m.destroys.map((d) => `${m.revision}: ${d}`)) ?? [];
  if (destroys.length > 0) reasons.push({ code: "downgrade-destroys-data", effect: "info", message: `the downgrade destroys ${destroys.join("; ")}`, inputs: { destroys } });
  if (approval === "always") reasons.push({ code: "approval-required", effect: "needs-approval", message: `every rollback in ${environment} needs approval` });
  const value = reasons.some((r) => r.effect === "no-go") ? "no-go" : reasons.some((r) => r.effect === "needs-approval") ? "needs-approval" : "go";
  const inputsHash = createHash("sha256").update(JSON.stringify({ environment, version, plan })).digest("hex");
  return {
    decision: value,
    environment,
    project,
    version,
    reasons,
    requiredApprovals: value === "needs-approval" ? 1 : 0,
    autoRollback: false,
    policyHash,
    inputsHash,
    evaluatedAt: new Date().toISOString(),
  };
}

/** Rolls `environment` back to version `to` (and the migrations to `migrationsTo`), with approval where the policy says. */
export async function rollback(options: RollbackOptions): Promise<ReleaseOutcome> {
  const config = resolveConfig(options);
  const environment = environmentOf(config, options.environment);
  const to = validateVersion(options.to);
  const migrationsTo = options.migrationsTo !== undefined ? validateRevision(options.migrationsTo) : undefined;
  if (migrationsTo && !environment.migrationRollback)
    throw new ReleaseInputError(`--migrations-to needs environments.${environment.name}.migrationRollback (e.g. ["alembic", "downgrade", "{revision}"]) in the config`);
  if (environment.rollback.length === 0 && !migrationsTo) throw new ReleaseInputError(`environments.${environment.name}.rollback has no steps`);
  const run = new Run(options, config, "rollback", environment, to);
  const started = run.clock.now();
  run.releaseId = newReleaseId(started);
  const values: PlaceholderValues = { version: to, previousVersion: to, environment: environment.name, project: config.project, releaseId: run.releaseId, ...(migrationsTo ? { revision: migrationsTo } : {}) };
  for (const step of environment.rollback) expandArgv(step.run, values);
  if (migrationsTo && environment.migrationRollback) expandArgv(environment.migrationRollback.run, values);
  const policy = options.policy ?? (await loadReleasePolicy(config, options.policyFile));

  let lock;
  try {
    lock = await run.log.acquireEnvironment(environment.name, { releaseId: run.releaseId, kind: "rollback", version: to, startedAt: started.toISOString() });
  } catch (error) {
    if (error instanceof ReleaseBusyError) {
      run.say(`✗ ${error.message}`);
      return busyOutcome("rollback", config, environment.name, to, error);
    }
    throw error;
  }
  const outcome: ReleaseOutcome = { kind: "rollback", releaseId: run.releaseId, project: config.project, environment: environment.name, version: to, status: "failed", exitCode: 1, message: "", steps: [] };
  try {
    const { events } = await run.log.read();
    const from = currentVersion(events, config.project, environment.name);
    if (from) outcome.previousVersion = from;
    await run.event("requested", { to, ...(from ? { from } : {}), ...(migrationsTo ? { migrationsTo } : {}), pid: process.pid });
    run.say(`gonogo rollback ${config.project} ${environment.name}: ${from ?? "?"} → ${to}${migrationsTo ? `, migrations → ${migrationsTo}` : ""} (release ${run.releaseId})`);

    const envPolicy = policy.environments[environment.name];
    const approvalMode = environment.rollbackApproval ?? envPolicy?.rollbackApproval ?? (environment.name === "production" ? "always" : "never");
    let plan: RollbackPlan | undefined;
    let details: string | undefined;
    if (migrationsTo) {
      const scanner = options.scanner ?? defaultScanner;
      const scanned = await scanner({ cwd: config.baseDir, ...(config.configFile ? { configFile: config.configFile } : {}), paths: config.migrations });
      plan = planDowngrade(scanned.facts as PlanFacts, migrationsTo);
      outcome.plan = plan;
      details = formatPlan(plan);
      run.say(details);
    }
    const decision = rollbackDecision(environment.name, to, plan, approvalMode, config.project, sha256Of(policy));
    const decisionId = decisionIdOf(decision);
    outcome.decision = decision;
    outcome.decisionId = decisionId;
    await run.event("decision", {
      ...decisionEventFields(decision, decisionId),
      // Rollbacks never roll back automatically.
      autoRollback: false,
      ...(plan ? { plan: plan.migrations.map((m) => ({ revision: m.revision, file: m.file, downgrade: m.downgrade, destroys: m.destroys })) } : {}),
    });
    run.say(`Decision: ${decision.decision.toUpperCase()} (${decisionId})`);
    if (decision.reasons.length > 0) run.say(reasonLines(decision.reasons).join("\n"));
    if (decision.decision === "no-go") {
      await run.event("failed", { reason: "no-go", decisionId, message: plan?.refusals.join("; ") ?? "no-go" });
      return finish(outcome, "no-go", `rollback refused: ${plan?.refusals.join("; ") ?? "no-go"}`);
    }
    if (decision.decision === "needs-approval") {
      const approval = await run.approval(decision, decisionId, plan?.migrations.map((m) => `${m.revision} ${m.file} (${m.downgrade})`) ?? [], details);
      if (approval.approver) outcome.approver = approval.approver;
      if (approval.status === "pending") return finish(outcome, "pending", "approval pending: nothing ran");
      if (approval.status === "rejected") return finish(outcome, "rejected", `rejected by ${approval.approver}: nothing ran`);
    }
    // The application first (old code tolerates the newer schema), then the migrations.
    const steps = [...environment.rollback, ...(migrationsTo && environment.migrationRollback ? [environment.migrationRollback] : [])];
    outcome.steps = await run.runSteps(steps, values, "rollback");
    const failedStep = outcome.steps.find((s) => !s.ok);
    if (failedStep?.interrupted || options.signal?.aborted) return await interrupted(run, outcome, failedStep?.name);
    let failure = failedStep ? `step ${failedStep.name} failed` : undefined;
    if (!failure) {
      const health = await run.health(envPolicy?.rollbackTriggers.healthFailures ?? 3);
      if (health) outcome.health = health;
      if (health?.interrupted) return await interrupted(run, outcome, "health");
      if (health && !health.ok) failure = `health check failed after the rollback (${health.consecutiveFailures} consecutive failures)`;
    }
    await run.event("rolled-back", { automatic: false, ok: !failure, to, ...(migrationsTo ? { migrationsTo } : {}), steps: outcome.steps.map((s) => ({ name: s.name, ok: s.ok })) });
    outcome.rollback = { automatic: false, ok: !failure, to, steps: outcome.steps, ...(outcome.health ? { health: outcome.health } : {}) };
    if (failure) {
      await run.event("failed", { reason: failedStep ? "step-failed" : "health-failed", message: failure });
      run.say(`✗ rollback failed: ${failure}`);
      return finish(outcome, "failed", failure);
    }
    await run.event("completed", { durationMs: run.clock.now().getTime() - started.getTime(), ...(from ? { from } : {}), ...(migrationsTo ? { migrationsTo } : {}) });
    run.say(`✓ ${environment.name} rolled back to ${to}`);
    return finish(outcome, "completed", `rolled back ${environment.name} to ${to}`);
  } finally {
    await lock.release();
  }
}

/** Stable id of a cascade: running the same cascade again resumes it. */
export function cascadeIdOf(project: string, version: string): string {
  return `c-${project.replace(/[^A-Za-z0-9._-]/g, "_")}-${version.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}

/** Deploys `version` development → staging → production, stopping at the first stage that does not complete. */
export async function cascade(options: CascadeOptions): Promise<CascadeOutcome> {
  const config = resolveConfig(options);
  const version = validateVersion(options.version);
  let stages = options.stages ?? DEFAULT_STAGES.filter((s) => s in config.environments);
  if (stages.length === 0) stages = Object.keys(config.environments);
  for (const stage of stages) environmentOf(config, stage);
  if (options.through !== undefined) {
    const index = stages.indexOf(validateEnvironment(options.through));
    if (index < 0) throw new ReleaseInputError(`--through ${options.through} is not one of the cascade stages (${stages.join(", ")})`);
    stages = stages.slice(0, index + 1);
  }
  await loadReleasePolicy(config, options.policyFile); // a bad policy stops the cascade before any stage
  const cascadeId = cascadeIdOf(config.project, version);
  const say = (text: string): void => options.out?.(`${text}\n`);
  say(`gonogo cascade ${config.project} ${version}: ${stages.join(" → ")} (${cascadeId})`);
  const log = new DeploymentLog(config.logPath);
  const result: CascadeStage[] = [];
  let exitCode: 0 | 1 | 3 = 0;
  let stopped = false;
  for (const stage of stages) {
    if (stopped) {
      result.push({ environment: stage, status: "not-run", message: "not run: an earlier stage did not complete" });
      continue;
    }
    const { events } = await log.read();
    if (currentVersion(events, config.project, stage) === version) {
      result.push({ environment: stage, status: "skipped", message: `already at ${version}` });
      say(`\n== ${stage}: already at ${version}, skipped`);
      continue;
    }
    say(`\n== ${stage}`);
    const outcome = await deploy({ ...options, config, environment: stage, version, cascadeId });
    result.push({ environment: stage, status: outcome.status, message: outcome.message, ...(outcome.releaseId ? { releaseId: outcome.releaseId } : {}) });
    if (outcome.status !== "completed") {
      stopped = true;
      exitCode = outcome.exitCode === 0 ? 1 : outcome.exitCode;
    }
  }
  say(`\nCASCADE REPORT ${config.project} ${version}`);
  for (const stage of result) say(`  ${stage.environment.padEnd(14)} ${stage.status.toUpperCase().padEnd(12)} ${stage.message}${stage.releaseId ? ` (${stage.releaseId})` : ""}`);
  if (exitCode === 3) say(`Halted for approval. Run the same cascade again with --answer yes --approver NAME to resume.`);
  return { cascadeId, project: config.project, version, stages: result, exitCode };
}

/** The fields of a `decision` event: what was decided, every reason, and the hashes behind it. */
function decisionEventFields(decision: Decision, decisionId: string): Record<string, unknown> {
  return {
    decisionId,
    decision: decision.decision,
    reasons: decision.reasons.map((r) => ({ code: r.code, effect: r.effect, message: r.message })),
    requiredApprovals: decision.requiredApprovals,
    autoRollback: decision.autoRollback,
    policyHash: decision.policyHash,
    inputsHash: decision.inputsHash,
    evaluatedAt: decision.evaluatedAt,
  };
}
