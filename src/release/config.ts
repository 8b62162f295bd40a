// The release part of gonogo.config.yaml: project, log, environments with steps, health checks
// and rollback commands. The engine's loader validates the whole file against the schemas;
// this module turns the validated data into what the wrappers run.
import path from "node:path";
import { ConfigError, loadConfig, type GonogoConfig } from "../engine/config.js";
import { allRules } from "../../rules/index.js";
import { parseDuration } from "./duration.js";
import { logLocationOf, logTrustOf, type LogSetting } from "../log/location.js";
import type { LogTrust } from "../engine/log-location.js";
import { openLogStore, type LogLocation } from "../log/store.js";
import { notifyTargetsFrom, type NotifyTarget } from "./notify-config.js";
import { signalsSpecFrom, type SignalsSpec } from "./signals.js";
import { PLACEHOLDERS, placeholdersIn, validateProject } from "./validate.js";

export interface StepSpec {
  name: string;
  run: string[];
  timeoutMs: number;
  /** Absolute working directory. */
  cwd: string;
  env: Record<string, string>;
  /** The step applies the migrations (skipped for a plan item without migrations). */
  migrations?: boolean;
}

export interface HealthSpec {
  url: string;
  expect: number;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures that count as failed; undefined: the policy's rollback trigger (3). */
  failures?: number;
  successes: number;
  /** Error-rate / p95-latency signals read alongside the HTTP checks after a deploy. */
  signals?: SignalsSpec;
  /** Check the environment is healthy before a deploy runs any step (an unhealthy one is a no-go). */
  preflight?: boolean;
}

export interface EnvironmentSpec {
  name: string;
  steps: StepSpec[];
  health?: HealthSpec;
  rollback: StepSpec[];
  migrationRollback?: StepSpec;
  rollbackApproval?: "always" | "never";
}

export interface ReleaseConfig {
  project: string;
  /** Directory relative paths are resolved against (the config file's directory). */
  baseDir: string;
  configFile?: string;
  migrations: string[];
  /** Where the deployment log is (`log:`): a file, or a PostgreSQL database. */
  log: LogLocation;
  /** The log's file path, or its database URL without a password: for messages. */
  logPath: string;
  /** A file log: whether the config named it and may keep it in the work tree (assertTrustedLog before a release). */
  logTrust?: LogTrust;
  /** How long a pending release stays answerable (default 24 h). */
  pendingExpiryMs: number;
  environments: Record<string, EnvironmentSpec>;
  /** Webhooks told about release outcomes (`notify:`), their `${VARIABLE}`s read. */
  notify?: NotifyTarget[];
  /** The whole config, for the policy. */
  raw: GonogoConfig;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_PENDING_EXPIRY_MS = 24 * 60 * 60_000;

interface RawStep {
  name: string;
  run: string[];
  timeout?: string | number;
  cwd?: string;
  env?: Record<string, string>;
  migrations?: boolean;
}

interface RawEnvironment {
  steps?: RawStep[];
  health?: { url: string; expect?: number; interval?: string | number; timeout?: string | number; failures?: number; successes?: number; signals?: unknown; preflight?: boolean };
  rollback?: RawStep[];
  migrationRollback?: string[] | RawStep;
  rollbackApproval?: "always" | "never";
  env?: Record<string, string>;
}

function where(file: string | undefined, at: string): string {
  return `${file ?? "config"}: environments.${at}`;
}

function step(raw: RawStep, baseDir: string, inherited: Record<string, string>, file: string | undefined, at: string): StepSpec {
  for (const arg of raw.run) {
    for (const name of placeholdersIn(arg)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name))
        throw new ConfigError(`${where(file, at)}.run: unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`);
    }
  }
  let timeoutMs = DEFAULT_STEP_TIMEOUT_MS;
  if (raw.timeout !== undefined) {
    try {
      timeoutMs = parseDuration(raw.timeout, `${where(file, at)}.timeout`);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  return {
    name: raw.name,
    run: [...raw.run],
    timeoutMs,
    cwd: path.resolve(baseDir, raw.cwd ?? "."),
    env: { ...inherited, ...(raw.env ?? {}) },
    ...(raw.migrations === true ? { migrations: true } : {}),
  };
}

/** Builds the release config from an already validated config object. */
export function releaseConfigFrom(config: GonogoConfig, options: { baseDir: string; file?: string; env?: Record<string, string | undefined> }): ReleaseConfig {
  const file = options.file;
  if (!config.project) throw new ConfigError(`${file ?? "config"}: "project" is required to deploy, roll back or cascade`);
  try {
    validateProject(config.project);
  } catch (error) {
    throw new ConfigError(`${file ?? "config"}: project: ${(error as Error).message}`);
  }
  const environments: Record<string, EnvironmentSpec> = {};
  for (const [name, value] of Object.entries((config.environments ?? {}) as Record<string, RawEnvironment>)) {
    const env = value ?? {};
    const inherited = env.env ?? {};
    const spec: EnvironmentSpec = {
      name,
      steps: (env.steps ?? []).map((s, i) => step(s, options.baseDir, inherited, file, `${name}.steps[${i}]`)),
      rollback: (env.rollback ?? []).map((s, i) => step(s, options.baseDir, inherited, file, `${name}.rollback[${i}]`)),
    };
    if (env.rollbackApproval) spec.rollbackApproval = env.rollbackApproval;
    if (env.migrationRollback) {
      const raw: RawStep = Array.isArray(env.migrationRollback) ? { name: "migration-downgrade", run: env.migrationRollback } : env.migrationRollback;
      spec.migrationRollback = step(raw, options.baseDir, inherited, file, `${name}.migrationRollback`);
    }
    if (env.health) {
      const h = env.health;
      try {
        spec.health = {
          url: h.url,
          expect: h.expect ?? 200,
          intervalMs: h.interval !== undefined ? parseDuration(h.interval, `${where(file, name)}.health.interval`) : 1000,
          timeoutMs: h.timeout !== undefined ? parseDuration(h.timeout, `${where(file, name)}.health.timeout`) : 5000,
          successes: h.successes ?? 1,
          ...(h.failures !== undefined ? { failures: h.failures } : {}),
          ...(h.preflight === true ? { preflight: true } : {}),
        };
        if (h.signals !== undefined) spec.health.signals = signalsSpecFrom(h.signals, { baseDir: options.baseDir, ...(file ? { file } : {}), at: ["environments", name, "health", "signals"] });
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError((error as Error).message);
      }
    }
    environments[name] = spec;
  }
  const notify = notifyTargetsFrom(config.notify, { ...(file ? { file } : {}), env: options.env ?? process.env });
  const log = logLocationOf(config.log as LogSetting | undefined, { baseDir: options.baseDir, ...(file ? { file } : {}), env: options.env ?? process.env, project: config.project });
  const logTrust = logTrustOf(log, { setting: config.log as LogSetting | undefined, ...(config.logInWorkTree !== undefined ? { logInWorkTree: config.logInWorkTree } : {}), baseDir: options.baseDir, ...(file ? { file } : {}) });
  const migrations = [config.migrations ?? []].flat(2);
  return {
    project: config.project,
    baseDir: options.baseDir,
    ...(file ? { configFile: file } : {}),
    migrations,
    log,
    logPath: openLogStore(log).where,
    ...(logTrust ? { logTrust } : {}),
    pendingExpiryMs: config.pendingExpiry !== undefined ? parseDuration(config.pendingExpiry, `${file ?? "config"}: pendingExpiry`) : DEFAULT_PENDING_EXPIRY_MS,
    environments,
    ...(notify.length > 0 ? { notify } : {}),
    raw: config,
  };
}

/** Loads and validates the config file (found upward from `cwd` unless given). */
export function loadReleaseConfig(options: { cwd: string; configFile?: string; env?: Record<string, string | undefined> }): ReleaseConfig {
  // Rule ids are checked here too, so a typo in `rules:` stops a release before anything is logged.
  const loaded = loadConfig({ cwd: options.cwd, knownRuleIds: allRules.map((r) => r.id), ...(options.configFile ? { configFile: options.configFile } : {}) });
  if (!loaded.file) throw new ConfigError(`no gonogo.config.yaml found from ${options.cwd} upward (deploy, rollback and cascade need one; pass --config FILE)`);
  return releaseConfigFrom(loaded.config, { baseDir: path.dirname(loaded.file), file: loaded.file, ...(options.env ? { env: options.env } : {}) });
}
