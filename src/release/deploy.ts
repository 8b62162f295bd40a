// deploy: preflight (the policy's decision), approval, steps, health, automatic rollback where
// the decision allows it. Every step that runs is permitted by a decision in the deployment log.
import type { Decision } from "../types.js";
import { check } from "../policy/check.js";
import type { EnvironmentPolicy } from "../policy/types.js";
import { decide, withEnvironmentLock } from "./gate.js";
import type { HealthOutcome } from "./health.js";
import { newReleaseId, readVerified, type LogEvent } from "./log.js";
import { currentVersion, pendingReleases, pendingSince } from "./summary.js";
import { formatDuration } from "./duration.js";
import { unresolvedFailureOf } from "../policy/history.js";
import { ReleaseInputError } from "./validate.js";
import { migrationRecovery, recordedHeads, type MigrationRecovery } from "./migration-state.js";
import { formatPlan } from "./plan.js";
import { configHashOf, requestChanges, requestOf } from "./request.js";
import { headCommit } from "../git.js";
import { decisionIdOf, finish, reasonLines, type DeployOptions, type PreflightOptions, type PreflightResult, type ReleaseOutcome, type RollbackOutcome } from "./outcome.js";
import { assertTrustedReleaseLog, environmentOf, interrupted, loadReleasePolicy, policyOf, resolveConfig, Run } from "./run.js";
import { expandArgv, validateVersion, type PlaceholderValues } from "./validate.js";

async function defaultPreflight(options: PreflightOptions): Promise<PreflightResult> {
  return check({
    cwd: options.cwd,
    env: options.environment,
    project: options.project,
    version: options.version,
    ...(typeof options.log === "string" ? { logFile: options.log } : { log: options.log }),
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.paths ? { paths: options.paths } : {}),
    ...(options.junit ? { junit: options.junit } : {}),
    ...(options.coverage ? { coverage: options.coverage } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.sarif ? { sarif: options.sarif } : {}),
    ...(options.policyFile ? { policyFile: options.policyFile } : {}),
    ...(options.base ? { base: options.base } : {}),
    ...(options.fromRevision?.length ? { fromRevision: options.fromRevision } : {}),
    ...(options.all ? { all: true } : {}),
    ...(options.environmentHealth ? { environmentHealth: options.environmentHealth } : {}),
    ...(options.evaluatedAt ? { evaluatedAt: options.evaluatedAt } : {}),
    ...(options.releaseInputs ? { releaseInputs: options.releaseInputs } : {}),
    ...(options.tableStats ? { tableStats: options.tableStats } : {}),
  });
}

function normalizePreflight(result: Decision | PreflightResult): PreflightResult {
  return typeof (result as Decision).decision === "string" ? { decision: result as Decision } : (result as PreflightResult);
}

/** One line per migration the release applies, for the approver: the pending ones when the environment's revision is known. */
function migrationLines(pre: PreflightResult): string[] {
  if (!pre.scan) return [];
  const pending = pre.facts?.migrationScope ? new Set(pre.facts.migrationScope.pendingFiles) : undefined;
  return pre.scan.facts.migrations
    .filter((m) => !pending || pending.has(m.file))
    .map((m) => `${m.revision ?? "?"} ${m.file}`)
    .sort();
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
  const loadedEnvPolicy = policyOf(policy, environment.name);
  await assertTrustedReleaseLog(config);

  return withEnvironmentLock(run, started, async (outcome) => {
    const { events } = await readVerified(run.log);
    // A release of this version waiting for approval is resumed, not doubled; one waiting longer than
    // pendingExpiry is closed as expired first.
    const resumed = await settlePending(run, events);
    if (options.approving && resumed !== options.approving.releaseId) {
      // The release answered expired (settlePending logged it) or stopped waiting meanwhile.
      outcome.releaseId = run.releaseId = options.approving.releaseId;
      run.say(`✗ release ${options.approving.releaseId} is no longer pending: nothing ran`);
      return finish(outcome, "failed", `release ${options.approving.releaseId} is no longer pending (expired): nothing ran`);
    }
    if (resumed) outcome.releaseId = run.releaseId = resumed;
    const previousVersion = currentVersion(events, config.project, environment.name);
    if (previousVersion) outcome.previousVersion = previousVersion;
    const acknowledged = options.acknowledgeFailure !== undefined ? acknowledgement(events, config.project, environment.name, options.acknowledgeFailure, options.acknowledgedBy) : undefined;
    await run.event("requested", { ...(previousVersion ? { previousVersion } : {}), ...(resumed ? { resumed: true } : {}), ...(options.skipMigrationSteps ? { skipMigrations: true } : {}), pid: process.pid, user: options.env?.USER ?? process.env.USER ?? null });
    if (acknowledged) {
      // Logged before the preflight, which then no longer counts the failure as unresolved.
      await run.event("acknowledged", { acknowledges: acknowledged.releaseId, failedVersion: acknowledged.version, approver: acknowledged.approver });
      run.say(`! ${acknowledged.approver} acknowledged failed release ${acknowledged.releaseId} (${acknowledged.version}) of ${environment.name}`);
    }
    run.say(`gonogo deploy ${config.project} ${version} → ${environment.name} (release ${run.releaseId})`);

    const environmentHealth = await preflightHealth(run);
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
          ...(options.fromRevision?.length ? { fromRevision: options.fromRevision } : {}),
          ...(options.all ? { all: true } : {}),
          ...(environmentHealth ? { environmentHealth } : {}),
          evaluatedAt: run.clock.now().toISOString(),
          log: config.log,
          ...(options.releaseInputs ? { releaseInputs: options.releaseInputs } : {}),
          ...(options.tableStats ? { tableStats: options.tableStats } : {}),
        }),
      );
    } catch (error) {
      await run.event("failed", { reason: "preflight-error", message: (error as Error).message });
      throw error;
    }
    const decision = pre.decision;
    const configHash = await configHashOf(config, options.policyFile);
    if (options.approving) {
      // gonogo approve: carried out only on the decision approval was asked for.
      const changes = requestChanges(options.approving, decision, configHash);
      if (changes.length > 0) {
        const message = `${changes.join("; ")} since approval was asked (decision ${options.approving.decisionId}, now ${decisionIdOf(decision)})`;
        await run.event("failed", { reason: "request-changed", decisionId: decisionIdOf(decision), message });
        run.say(`✗ ${message}: nothing ran. Ask again with gonogo deploy --env ${environment.name} --version ${version}`);
        return finish(outcome, "failed", `${message}: nothing ran`);
      }
    }
    const stopped = await decide(run, outcome, decision, {
      ...(decision.decision === "needs-approval" ? { event: { request: requestOf(pre.inputs, options, configHash) } } : {}),
      policy: pre.policy?.environments[environment.name] ?? loadedEnvPolicy,
      shown: decision.reasons.filter((r) => r.effect !== "info" || decision.decision !== "go"),
      noGo: { log: "the policy said no-go", message: "no-go: nothing ran" },
      migrations: migrationLines(pre),
    });
    if (stopped) return stopped;

    // The policy the preflight decided on (the same file, loaded again by check()), else the one loaded above.
    const envPolicy = pre.policy?.environments[environment.name] ?? loadedEnvPolicy;
    const values: PlaceholderValues = { version, environment: environment.name, project: config.project, releaseId: run.releaseId, ...(previousVersion ? { previousVersion } : {}) };
    // A plan item without migrations skips the steps marked `migrations: true`.
    const steps = options.skipMigrationSteps ? environment.steps.filter((s) => !s.migrations) : environment.steps;
    if (steps.length < environment.steps.length) run.say(`  no migrations in this release: skipping step(s) ${environment.steps.filter((s) => s.migrations).map((s) => s.name).join(", ")}`);
    outcome.steps = await run.runSteps(steps, values, "deploy");
    const failedStep = outcome.steps.find((s) => !s.ok);
    if (failedStep?.interrupted || options.signal?.aborted) return await interrupted(run, outcome, failedStep?.name);
    let failure: string | undefined = failedStep ? `step ${failedStep.name} failed` : undefined;
    if (!failure) {
      const health = await run.health(envPolicy.rollbackTriggers.healthFailures, { triggers: envPolicy.rollbackTriggers, failClosed: envPolicy.failClosed });
      if (health) outcome.health = health;
      if (health?.interrupted) return await interrupted(run, outcome, "health");
      if (health && !health.ok)
        failure = health.reason === "consecutive-failures" || !health.failure ? `health check failed (${health.consecutiveFailures} consecutive failures)` : `health verification failed: ${health.failure}`;
    }
    if (failure) {
      const migrations = options.skipMigrationSteps ? undefined : migrationRecovery(pre, pre.policy ?? policy, { environment: environment.name, project: config.project, version: previousVersion ?? version, evaluatedAt: run.clock.now().toISOString() });
      outcome.rollback = await recover(run, decision, envPolicy, previousVersion, failure, migrations);
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
    // What the environment runs now: the commit shipped and the head of each revision graph.
    const commit = await headCommit(config.baseDir);
    // Migrations skipped: the environment still runs the revision its earlier release recorded.
    const recorded = pre.scan && !options.skipMigrationSteps ? recordedHeads(pre.scan) : undefined;
    await run.event("completed", {
      durationMs: run.clock.now().getTime() - started.getTime(),
      ...(previousVersion ? { previousVersion } : {}),
      ...(commit ? { commit } : {}),
      ...(recorded ? { migrations: recorded } : {}),
    });
    run.say(`✓ ${config.project} ${version} is live in ${environment.name}`);
    return finish(outcome, "completed", `deployed ${version} to ${environment.name}`);
  });
}

/**
 * Closes the environment's pending releases older than the config's pendingExpiry (a `failed`
 * event with reason `expired` in each) and returns the id of a younger pending deploy of the same
 * version, which this run resumes.
 */
async function settlePending(run: Run, events: readonly LogEvent[]): Promise<string | undefined> {
  const now = run.clock.now();
  let resume: string | undefined;
  for (const pending of pendingReleases(events, run.config.project, run.environment.name)) {
    const waited = now.getTime() - Date.parse(pendingSince(pending));
    if (waited > run.config.pendingExpiryMs) {
      const expired: LogEvent = {
        v: 1,
        ts: now.toISOString(),
        releaseId: pending.releaseId,
        event: "failed",
        project: pending.project,
        environment: pending.environment,
        version: pending.version,
        kind: pending.kind,
        reason: "expired",
        message: `no approval within ${formatDuration(run.config.pendingExpiryMs)}`,
      };
      await run.log.append(expired);
      run.notifier.observe(expired);
      run.say(`! release ${pending.releaseId} (${pending.version}) waited ${formatDuration(waited)} for an approval: expired`);
    } else if (pending.kind === "deploy" && pending.version === run.version) {
      resume = pending.releaseId;
    }
  }
  if (resume) run.say(`↻ resuming pending release ${resume}`);
  return resume;
}

/** One health check of the environment before anything runs, when its health.preflight is set; logged. */
async function preflightHealth(run: Run): Promise<{ ok: boolean; url: string; detail: string } | undefined> {
  const health = run.environment.health;
  if (!health?.preflight) return undefined;
  const result = await run.probe.check({ url: health.url, expect: health.expect, timeoutMs: health.timeoutMs, ...(run.options.signal ? { signal: run.options.signal } : {}) });
  const detail = result.ok ? `status ${result.status ?? "?"}` : result.error ?? `status ${result.status ?? "?"}, expected ${health.expect}`;
  await run.event("health", { phase: "preflight", url: health.url, expect: health.expect, ok: result.ok, checks: 1, ...(result.status !== undefined ? { status: result.status } : {}), ...(result.error ? { error: result.error } : {}) });
  run.say(`▶ preflight health ${health.url}: ${result.ok ? "ok" : `FAILED (${detail})`}`);
  return { ok: result.ok, url: health.url, detail };
}

/**
 * Checks an `--acknowledge-failure RELEASE` request against the log: it must name the environment's
 * unresolved failed release, and say who acknowledges it.
 */
function acknowledgement(events: readonly LogEvent[], project: string, environment: string, releaseId: string, approver: string | undefined): { releaseId: string; version: string; approver: string } {
  const name = approver?.trim();
  if (!name || /[\r\n]/.test(name) || name.length > 200) throw new ReleaseInputError(`--acknowledge-failure needs --approver NAME: every acknowledgement records who gave it`);
  const failed = unresolvedFailureOf(events, project, environment);
  if (!failed) throw new ReleaseInputError(`--acknowledge-failure ${releaseId}: ${environment} has no failed release left unresolved`);
  if (failed.releaseId !== releaseId) throw new ReleaseInputError(`--acknowledge-failure ${releaseId}: the unresolved failed release of ${environment} is ${failed.releaseId} (${failed.version})`);
  return { releaseId, version: failed.version, approver: name };
}

/**
 * After a failed deploy: roll back automatically where the decision allows it, else print the
 * manual command. When the release had pending migrations, the application is rolled back first
 * (old code tolerates the newer schema), then the migrations are downgraded to the revision the
 * previous release recorded — only when the policy's rollback decision on that downgrade path is a go.
 */
async function recover(run: Run, decision: Decision, envPolicy: EnvironmentPolicy, previousVersion: string | undefined, failure: string, migrations: MigrationRecovery | undefined): Promise<RollbackOutcome> {
  const env = run.environment;
  const downgradeTo = migrations?.kind === "downgrade" && env.migrationRollback ? migrations.target : undefined;
  const manual = `gonogo rollback --env ${env.name} --to ${previousVersion ?? "<previous version>"}${downgradeTo ? ` --migrations-to ${downgradeTo}` : ""}`;
  if (!decision.autoRollback) {
    run.say(`✗ ${failure}. Automatic rollback is not allowed in ${env.name}: roll back by hand:\n    ${manual}`);
    return { automatic: false, steps: [], manualCommand: manual };
  }
  if (env.rollback.length === 0) {
    run.say(`✗ ${failure}. ${env.name} has no rollback steps configured; roll back by hand:\n    ${manual}`);
    return { automatic: false, steps: [], manualCommand: manual };
  }
  if (!previousVersion && env.rollback.some((s) => s.run.some((a) => a.includes("{previousVersion}")))) {
    run.say(
      `✗ ${failure}. No earlier release of ${env.name} is in the log, so there is no version to roll back to.\n` +
        `  Restore ${env.name} by hand, then acknowledge this release on the next deploy: --acknowledge-failure ${run.releaseId} --approver NAME`,
    );
    return { automatic: false, steps: [], manualCommand: manual };
  }
  if (migrations?.kind === "downgrade" && env.migrationRollback) {
    run.say(formatPlan(migrations.plan));
    if (migrations.decision.decision !== "go") {
      run.say(`✗ ${failure}. The migrations this release applied cannot be taken back automatically (${migrations.decision.decision}):\n${reasonLines(migrations.decision.reasons).join("\n")}\n  Roll back by hand:\n    ${manual}`);
      return { automatic: false, steps: [], manualCommand: manual };
    }
  } else if (migrations) {
    run.say(`! ${migrations.kind === "manual" ? migrations.message : `environments.${env.name}.migrationRollback is not configured: the migrations this release applied stay (downgrade them to ${migrations.target} by hand)`}`);
  }
  run.say(`↩ ${failure}: rolling back ${env.name} to ${previousVersion ?? "the previous version"}${downgradeTo ? ` and the migrations to ${downgradeTo}` : ""} automatically`);
  const values: PlaceholderValues = { version: run.version, environment: env.name, project: run.config.project, releaseId: run.releaseId, ...(previousVersion ? { previousVersion } : {}), ...(downgradeTo ? { revision: downgradeTo } : {}) };
  const steps = await run.runSteps([...env.rollback, ...(downgradeTo && env.migrationRollback ? [env.migrationRollback] : [])], values, "rollback");
  let ok = steps.every((s) => s.ok);
  let health: HealthOutcome | undefined;
  if (ok && !run.options.signal?.aborted) {
    health = await run.health(envPolicy.rollbackTriggers.healthFailures);
    if (health && !health.ok) ok = false;
  }
  const plan = downgradeTo && migrations?.kind === "downgrade" ? migrations.plan.migrations.map((m) => ({ revision: m.revision, file: m.file, downgrade: m.downgrade, destroys: m.destroys })) : undefined;
  await run.event("rolled-back", {
    automatic: true,
    ok,
    ...(previousVersion ? { to: previousVersion } : {}),
    ...(downgradeTo ? { migrationsTo: downgradeTo, plan } : {}),
    steps: steps.map((s) => ({ name: s.name, ok: s.ok })),
    ...(health ? { healthy: health.ok } : {}),
  });
  run.say(ok ? `↩ rolled back to ${previousVersion ?? "the previous version"}${downgradeTo ? `, migrations at ${downgradeTo}` : ""}` : `✗ automatic rollback failed; roll back by hand: ${manual}`);
  return { automatic: true, ok, ...(previousVersion ? { to: previousVersion } : {}), steps, ...(health ? { health } : {}), ...(ok ? {} : { manualCommand: manual }) };
}
