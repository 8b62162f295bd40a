// cascade: one version through the stages in order (development → staging → production by
// default), each stage a deploy; the first stage that does not complete stops the rest.
import path from "node:path";
import { BUILTIN_ENVIRONMENTS } from "../policy/defaults.js";
import { singleAnswerApprover } from "./approver.js";
import { deploy } from "./deploy.js";
import { openLogStore, readVerified } from "./log.js";
import { currentVersion } from "./summary.js";
import type { CascadeOptions, CascadeOutcome, CascadeStage, PlanOptions, PlanOutcome, PlanItemOutcome } from "./outcome.js";
import { DEFAULT_COMPLETION_PROMISE, readPlanFile, writePlanStatuses } from "./plan-file.js";
import { ConfigError } from "../errors.js";
import { assertTrustedReleaseLog, environmentOf, loadReleasePolicy, resolveConfig } from "./run.js";
import { ReleaseInputError, validateEnvironment, validateVersion } from "./validate.js";

/** Stable id of a cascade: running the same cascade again resumes it. */
export function cascadeIdOf(project: string, version: string): string {
  return `c-${project.replace(/[^A-Za-z0-9._-]/g, "_")}-${version.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}

/** Deploys `version` development → staging → production, stopping at the first stage that does not complete. */
export async function cascade(options: CascadeOptions): Promise<CascadeOutcome> {
  const config = resolveConfig(options);
  const version = validateVersion(options.version);
  let stages = options.stages ?? BUILTIN_ENVIRONMENTS.filter((s) => s in config.environments);
  if (stages.length === 0) stages = Object.keys(config.environments);
  for (const stage of stages) environmentOf(config, stage);
  if (options.through !== undefined) {
    const index = stages.indexOf(validateEnvironment(options.through));
    if (index < 0) throw new ReleaseInputError(`--through ${options.through} is not one of the cascade stages (${stages.join(", ")})`);
    stages = stages.slice(0, index + 1);
  }
  await loadReleasePolicy(config, options.policyFile); // a bad policy stops the cascade before any stage
  await assertTrustedReleaseLog(config);
  const cascadeId = cascadeIdOf(config.project, version);
  const say = (text: string): void => options.out?.(`${text}\n`);
  say(`gonogo cascade ${config.project} ${version}: ${stages.join(" → ")} (${cascadeId})`);
  const log = openLogStore(config.log, { project: config.project });
  // An answer given in advance (--answer) approves the first stage that asks; the cascade halts,
  // pending, at the next stage that needs an approval. A person at a terminal answers each one.
  const approver = options.approver && !options.approver.interactive ? singleAnswerApprover(options.approver) : options.approver;
  const result: CascadeStage[] = [];
  let exitCode: 0 | 1 | 3 = 0;
  let stopped = false;
  for (const stage of stages) {
    if (stopped) {
      result.push({ environment: stage, status: "not-run", message: "not run: an earlier stage did not complete" });
      continue;
    }
    const { events } = await readVerified(log);
    if (currentVersion(events, config.project, stage) === version) {
      result.push({ environment: stage, status: "skipped", message: `already at ${version}` });
      say(`\n== ${stage}: already at ${version}, skipped`);
      continue;
    }
    say(`\n== ${stage}`);
    const outcome = await deploy({ ...options, ...(approver ? { approver } : {}), config, environment: stage, version, cascadeId });
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

/**
 * Runs a plan file's items in order, each a deploy (one --answer approves one item), stopping at the
 * first that does not complete. Items whose status is not pending are skipped; with writeStatus each
 * item's status is written back as it ends, so a scheduler can resume. When every item has completed
 * the last line printed is the last item's completion_promise (default DEPLOYMENT_COMPLETE).
 */
export async function runPlan(options: PlanOptions): Promise<PlanOutcome> {
  const config = resolveConfig(options);
  const plan = readPlanFile(options.plan);
  // Every item is checked before anything runs: a bad one is a config error naming the file and the item.
  for (const item of plan.items) {
    try {
      environmentOf(config, item.environment);
      validateVersion(item.version);
    } catch (error) {
      throw new ConfigError(`${plan.file}: item ${item.id} (${plan.shape === "list" ? `[${item.index}]` : `features[${item.index}]`}): ${(error as Error).message}`);
    }
  }
  await loadReleasePolicy(config, options.policyFile);
  await assertTrustedReleaseLog(config);
  const planId = `p-${config.project.replace(/[^A-Za-z0-9._-]/g, "_")}-${path.basename(plan.file).replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const say = (text: string): void => options.out?.(`${text}\n`);
  say(`gonogo plan ${plan.file}: ${plan.items.length} item(s) (${planId})`);
  const log = openLogStore(config.log, { project: config.project });
  const approver = options.approver && !options.approver.interactive ? singleAnswerApprover(options.approver) : options.approver;
  const statuses = new Map<number, string>();
  const results: PlanItemOutcome[] = [];
  let exitCode: 0 | 1 | 3 = 0;
  let stopped = false;
  for (const item of plan.items) {
    const base = { id: item.id, environment: item.environment, version: item.version };
    if (stopped) {
      results.push({ ...base, status: "not-run", message: "not run: an earlier item did not complete" });
      continue;
    }
    if (item.status !== "pending") {
      results.push({ ...base, status: item.status === "completed" ? "skipped" : "not-run", message: `status ${item.status} in the plan: not run` });
      continue;
    }
    const { events } = await readVerified(log);
    say(`\n== item ${item.id}: ${item.version} → ${item.environment}${item.migrations ? "" : " (no migrations)"}`);
    if (currentVersion(events, config.project, item.environment) === item.version) {
      results.push({ ...base, status: "skipped", message: `already at ${item.version}` });
      statuses.set(item.index, "completed");
      say(`${item.environment} already runs ${item.version}: skipped`);
    } else {
      const outcome = await deploy({ ...options, ...(approver ? { approver } : {}), config, environment: item.environment, version: item.version, cascadeId: planId, ...(item.migrations ? {} : { skipMigrationSteps: true }) });
      results.push({ ...base, status: outcome.status, message: outcome.message, ...(outcome.releaseId ? { releaseId: outcome.releaseId } : {}) });
      statuses.set(item.index, outcome.status);
      if (outcome.status !== "completed") {
        stopped = true;
        exitCode = outcome.exitCode === 0 ? 1 : outcome.exitCode;
      }
    }
    if (options.writeStatus) await writePlanStatuses(plan, statuses);
  }
  say(`\nPLAN REPORT ${plan.file}`);
  for (const r of results) say(`  ${r.id.padEnd(10)} ${r.environment.padEnd(12)} ${r.version.padEnd(12)} ${r.status.toUpperCase().padEnd(12)} ${r.message}${r.releaseId ? ` (${r.releaseId})` : ""}`);
  if (exitCode === 3) say("Halted for approval. Run the same plan again with --answer yes --approver NAME to resume.");
  const done = plan.items.every((item) => (statuses.get(item.index) ?? item.status) === "completed");
  const last = plan.items.at(-1);
  const completionPromise = done && last ? (last.completionPromise ?? DEFAULT_COMPLETION_PROMISE) : undefined;
  if (completionPromise) say(completionPromise);
  return { file: plan.file, items: results, exitCode, ...(completionPromise ? { completionPromise } : {}) };
}
