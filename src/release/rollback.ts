// rollback: the application to an earlier version, the migrations down to a revision. Whether it
// may run comes from the policy (evaluateRollback), like every other go/no-go.
import type { ScanResult } from "../engine/types.js";
import { scan } from "../engine/scan.js";
import { environmentStateOf, recordedMigrationsOf } from "../policy/history.js";
import { evaluateRollback, withRollbackApprovalOverrides } from "../policy/rollback.js";
import { decide, withEnvironmentLock } from "./gate.js";
import { newReleaseId, readVerified } from "./log.js";
import { currentVersion } from "./summary.js";
import { finish, type ReleaseOutcome, type RollbackOptions } from "./outcome.js";
import { formatPlan, planDowngrade, type PlanFacts, type RollbackPlan } from "./plan.js";
import { assertTrustedReleaseLog, environmentOf, interrupted, loadReleasePolicy, policyOf, resolveConfig, Run } from "./run.js";
import { expandArgv, ReleaseInputError, validateRevision, validateVersion, type PlaceholderValues } from "./validate.js";

async function defaultScanner(options: { cwd: string; configFile?: string; paths?: string[] }): Promise<Pick<ScanResult, "facts">> {
  return scan({ cwd: options.cwd, ...(options.configFile ? { configFile: options.configFile } : {}), ...(options.paths?.length ? { paths: options.paths } : {}) });
}

/**
 * The revision `run`'s environment ran right after version `to` last completed there, when the log
 * recorded exactly one and the environment runs another now; undefined otherwise (nothing to take
 * back, or nothing known). More than one recorded revision cannot fill one {revision}: an error.
 */
async function recordedRevisionFor(run: Run, to: string): Promise<string | undefined> {
  const { events } = await readVerified(run.log);
  const project = run.config.project;
  const environment = run.environment.name;
  const then = recordedMigrationsOf(events, project, environment, to);
  if (!then) return undefined;
  const revisions = then.flatMap((m) => m.revisions).sort();
  const now = (environmentStateOf(events, project, environment)?.migrations ?? []).flatMap((m) => m.revisions).sort();
  if (revisions.join(",") === now.join(",")) return undefined;
  if (revisions.length > 1)
    throw new ReleaseInputError(`${environment} ran ${revisions.length} revisions after ${to} (${revisions.join(", ")}): pass --migrations-to for the revision graph to take back`);
  return validateRevision(revisions[0] ?? "base");
}

/** Rolls `environment` back to version `to` (and the migrations to `migrationsTo`), with approval where the policy says. */
export async function rollback(options: RollbackOptions): Promise<ReleaseOutcome> {
  const config = resolveConfig(options);
  const environment = environmentOf(config, options.environment);
  const to = validateVersion(options.to);
  const run = new Run(options, config, "rollback", environment, to);
  // Without --migrations-to, the migrations go back to the revision recorded for `to` in this environment.
  const recorded = options.migrationsTo === undefined && environment.migrationRollback ? await recordedRevisionFor(run, to) : undefined;
  const migrationsTo = options.migrationsTo !== undefined ? validateRevision(options.migrationsTo) : recorded;
  if (migrationsTo && !environment.migrationRollback)
    throw new ReleaseInputError(`--migrations-to needs environments.${environment.name}.migrationRollback (e.g. ["alembic", "downgrade", "{revision}"]) in the config`);
  if (environment.rollback.length === 0 && !migrationsTo) throw new ReleaseInputError(`environments.${environment.name}.rollback has no steps`);
  const started = run.clock.now();
  run.releaseId = newReleaseId(started);
  const values: PlaceholderValues = { version: to, previousVersion: to, environment: environment.name, project: config.project, releaseId: run.releaseId, ...(migrationsTo ? { revision: migrationsTo } : {}) };
  for (const step of environment.rollback) expandArgv(step.run, values);
  if (migrationsTo && environment.migrationRollback) expandArgv(environment.migrationRollback.run, values);
  // The config's environments.<name>.rollbackApproval is part of the policy (and of the weakening check).
  const policy = withRollbackApprovalOverrides(options.policy ?? (await loadReleasePolicy(config, options.policyFile)), config.environments);
  const envPolicy = policyOf(policy, environment.name);
  await assertTrustedReleaseLog(config);

  return withEnvironmentLock(run, started, async (outcome) => {
    const { events } = await readVerified(run.log);
    const from = currentVersion(events, config.project, environment.name);
    if (from) outcome.previousVersion = from;
    await run.event("requested", { to, ...(from ? { from } : {}), ...(migrationsTo ? { migrationsTo } : {}), pid: process.pid });
    run.say(`gonogo rollback ${config.project} ${environment.name}: ${from ?? "?"} → ${to}${migrationsTo ? `, migrations → ${migrationsTo}` : ""} (release ${run.releaseId})`);

    let plan: RollbackPlan | undefined;
    let details: string | undefined;
    let graphDirectories: string[] = [];
    if (recorded) run.say(`migrations → ${recorded}: the revision ${environment.name} ran after ${to} (from the deployment log)`);
    if (migrationsTo) {
      const scanner = options.scanner ?? defaultScanner;
      const scanned = await scanner({ cwd: config.baseDir, ...(config.configFile ? { configFile: config.configFile } : {}), paths: config.migrations });
      graphDirectories = [...(scanned.facts.revisionGraphs.find((g) => g.migrations.has(migrationsTo)) ?? scanned.facts.revisionGraphs[0])?.directories ?? []];
      plan = planDowngrade(scanned.facts as PlanFacts, migrationsTo);
      outcome.plan = plan;
      details = formatPlan(plan);
      run.say(details);
    }
    const targetCompletedBefore = events.some((e) => e.event === "completed" && e.environment === environment.name && e.project === config.project && e.version === to);
    const decision = evaluateRollback(plan, { environment: environment.name, project: config.project, version: to, evaluatedAt: run.clock.now().toISOString(), targetCompletedBefore }, policy);
    const refused = plan?.refusals.join("; ") ?? "no-go";
    const stopped = await decide(run, outcome, decision, {
      policy: envPolicy,
      ...(plan ? { event: { plan: plan.migrations.map((m) => ({ revision: m.revision, file: m.file, downgrade: m.downgrade, destroys: m.destroys })) } } : {}),
      noGo: { log: refused, message: `rollback refused: ${refused}` },
      migrations: plan?.migrations.map((m) => `${m.revision} ${m.file} (${m.downgrade})`) ?? [],
      ...(details ? { details } : {}),
    });
    if (stopped) return stopped;

    // The application first (old code tolerates the newer schema), then the migrations.
    const steps = [...environment.rollback, ...(migrationsTo && environment.migrationRollback ? [environment.migrationRollback] : [])];
    outcome.steps = await run.runSteps(steps, values, "rollback");
    const failedStep = outcome.steps.find((s) => !s.ok);
    if (failedStep?.interrupted || options.signal?.aborted) return await interrupted(run, outcome, failedStep?.name);
    let failure = failedStep ? `step ${failedStep.name} failed` : undefined;
    if (!failure) {
      const health = await run.health(envPolicy.rollbackTriggers.healthFailures);
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
    await run.event("completed", {
      durationMs: run.clock.now().getTime() - started.getTime(),
      ...(from ? { from } : {}),
      // What the environment runs now on that graph ("base": nothing).
      ...(migrationsTo ? { migrationsTo, migrations: [{ directories: graphDirectories, revisions: migrationsTo === "base" ? [] : [migrationsTo] }] } : {}),
    });
    run.say(`✓ ${environment.name} rolled back to ${to}`);
    return finish(outcome, "completed", `rolled back ${environment.name} to ${to}`);
  });
}
