// One release run: its log, redaction, clock, executor and health probe; running steps and
// health checks. The config, environment and policy lookups every wrapper starts with.
import path from "node:path";
import { loadPolicy } from "../policy/load.js";
import { assertTrustedLog } from "../engine/log-location.js";
import { ConfigError } from "../policy/errors.js";
import type { EnvironmentPolicy, Policy, RollbackTriggers } from "../policy/types.js";
import { systemClock } from "./clock.js";
import { loadReleaseConfig, type EnvironmentSpec, type ReleaseConfig, type StepSpec } from "./config.js";
import { formatDuration } from "./duration.js";
import { processExecutor } from "./executor.js";
import { describeSource, readSignals, thresholdsFor, type SignalsReading } from "./signals.js";
import { httpHealthProbe, runHealthChecks, type HealthOutcome } from "./health.js";
import { openLogStore, type EnvironmentLock, type LogEvent, type LogEventName, type LogStore } from "./log.js";
import { Notifier, withWebhookUrlsRedacted } from "./notify.js";
import { finish, type ReleaseOptions, type ReleaseOutcome, type StepOutcome } from "./outcome.js";
import { createRedactor, redactDeep, type Redactor } from "./redact.js";
import type { Clock, Executor, ExecResult, HealthProbe, ReleaseKind } from "./types.js";
import { expandArgv, ReleaseInputError, validateEnvironment, type PlaceholderValues } from "./validate.js";
import { plural } from "../plural.js";

const DEFAULT_MAX_OUTPUT = 64 * 1024;

/** Shared state of one release run. */
export class Run {
  readonly log: LogStore;
  readonly redact: Redactor;
  readonly clock: Clock;
  readonly executor: Executor;
  readonly probe: HealthProbe;
  readonly env: Record<string, string | undefined>;
  /** Tells the config's webhooks about each outcome this run logs. */
  readonly notifier: Notifier;
  releaseId = "";
  version: string;
  /** The environment's lock while the release holds it. */
  lock: EnvironmentLock | undefined;
  private readonly print: (text: string) => void;

  constructor(
    readonly options: ReleaseOptions,
    readonly config: ReleaseConfig,
    readonly kind: ReleaseKind,
    readonly environment: EnvironmentSpec,
    version: string,
  ) {
    this.version = version;
    this.log = openLogStore(config.log, { project: config.project });
    this.env = options.env ?? process.env;
    const stepEnvs = [...environment.steps, ...environment.rollback, ...(environment.migrationRollback ? [environment.migrationRollback] : [])].map((s) => s.env);
    // A webhook URL is a secret (a Slack token sits in its path) wherever it would show up.
    this.redact = withWebhookUrlsRedacted(createRedactor(this.env, ...stepEnvs), config.notify ?? []);
    this.notifier = new Notifier(config.notify ?? [], { redact: this.redact, warn: options.warn ?? ((text) => process.stderr.write(text)) });
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
    const redacted = redactDeep(record, this.redact);
    await this.log.append(redacted);
    this.notifier.observe(redacted);
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
        // The environment's lock names the step's process group while it runs: if gonogo dies,
        // the lock holds until that group has ended too.
        onStart: (pid) => void this.lock?.noteStep({ pgid: pid, step: step.name }),
      });
      await this.lock?.noteStep(undefined);
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
      expect: health.expect,
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
    this.say(outcome.ok ? `✓ healthy after ${plural(outcome.checks, "check")}` : `✗ unhealthy: ${outcome.failure ?? `${plural(outcome.consecutiveFailures, "consecutive failed check")}${outcome.lastError ? ` (${outcome.lastError})` : ""}`}`);
    return outcome;
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
export async function loadReleasePolicy(config: ReleaseConfig, policyFile?: string): Promise<Policy> {
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

/**
 * Refuses a log the change under review could have written (inside the git work tree without
 * logInWorkTree, or tracked by git): a ConfigError, exit 2, before anything is logged or run.
 */
export async function assertTrustedReleaseLog(config: ReleaseConfig): Promise<void> {
  if (config.log.backend !== "file") return;
  await assertTrustedLog(config.logTrust ?? { path: config.log.path, source: "the config's log", explicit: true, inWorkTreeAllowed: false, projectRoot: config.baseDir });
}

export function resolveConfig(options: ReleaseOptions): ReleaseConfig {
  return options.config ?? loadReleaseConfig({ cwd: options.cwd ?? process.cwd(), ...(options.configFile ? { configFile: options.configFile } : {}), ...(options.env ? { env: options.env } : {}) });
}

export function environmentOf(config: ReleaseConfig, name: string): EnvironmentSpec {
  validateEnvironment(name);
  const spec = config.environments[name];
  if (!spec) {
    const known = Object.keys(config.environments);
    throw new ReleaseInputError(`environment ${JSON.stringify(name)} is not configured${known.length ? ` (configured: ${known.join(", ")})` : " (the config has no environments)"}`);
  }
  return spec;
}


/** The policy of `environment`; a config error (exit 2, before anything is logged) when the policy does not declare it. */
export function policyOf(policy: Policy, environment: string): EnvironmentPolicy {
  const env = policy.environments[environment];
  if (!env) throw new ConfigError(`--env ${environment}: the policy (${policy.source}) declares no such environment (known: ${Object.keys(policy.environments).join(", ")})`);
  return env;
}

export async function interrupted(run: Run, outcome: ReleaseOutcome, step?: string): Promise<ReleaseOutcome> {
  const manual = `gonogo rollback --env ${run.environment.name} --to ${outcome.previousVersion ?? "<previous version>"}`;
  await run.event("interrupted", { ...(step ? { step } : {}), message: "interrupted by a signal", manualRollback: manual });
  run.say(`✗ interrupted${step ? ` during ${step}` : ""}. The release may be half done; to roll back: ${manual}`);
  outcome.rollback = { automatic: false, steps: [], manualCommand: manual };
  return finish(outcome, "interrupted", "interrupted");
}

