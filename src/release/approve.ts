// approve: answers a pending release later, from anywhere the log and the project are. The release
// is carried out on the request recorded when it was made (its test, coverage, audit and SARIF
// results, its --base/--from-revision/--all/--policy), and only while the decision it asked
// approval for still stands: the config, the policy and the inputs must hash as they did.
import { deploy } from "./deploy.js";
import { openLogStore, readVerified } from "./log.js";
import { summarizeReleases } from "./summary.js";
import type { ReleaseOptions, ReleaseOutcome } from "./outcome.js";
import { assertTrustedReleaseLog, resolveConfig } from "./run.js";
import { recordedDecision } from "./request.js";
import { ReleaseInputError } from "./validate.js";

export interface ApproveOptions extends ReleaseOptions {
  /** The pending release to answer. */
  releaseId: string;
}

const RELEASE_ID = /^r-\d{8}-\d{6}Z-[0-9a-f]{6}$/;

/**
 * Answers the pending release `releaseId` with the options' approver and, when approved, carries it
 * out as a resumed deploy on the recorded request. A release that is not pending, unknown, or was
 * recorded without a request is an input error (exit 2, nothing logged).
 */
export async function approve(options: ApproveOptions): Promise<ReleaseOutcome> {
  const id = options.releaseId;
  if (!RELEASE_ID.test(id)) throw new ReleaseInputError(`${JSON.stringify(id.slice(0, 80))} is not a release id (like r-20261201-101500Z-a1b2c3; see gonogo log)`);
  const config = resolveConfig(options);
  await assertTrustedReleaseLog(config);
  const { events } = await readVerified(openLogStore(config.log, { project: config.project }));
  const release = summarizeReleases(events).find((r) => r.releaseId === id && r.project === config.project);
  if (!release) throw new ReleaseInputError(`release ${id} of ${config.project} is not in the deployment log ${config.logPath}`);
  if (release.status !== "pending") throw new ReleaseInputError(`release ${id} (${release.version} → ${release.environment}) is ${release.status}, not pending: there is nothing to approve`);
  if (release.kind !== "deploy")
    throw new ReleaseInputError(`release ${id} is a pending ${release.kind}: answer it by running it again (gonogo rollback --env ${release.environment} --to ${release.version} --answer yes|no --approver NAME)`);
  const recorded = recordedDecision(release.events);
  if (!recorded)
    throw new ReleaseInputError(`release ${id} recorded no request to decide again on (an earlier gonogo made it): run gonogo deploy --env ${release.environment} --version ${release.version} again`);
  const { request } = recorded;
  // Only the recorded request shapes the decision: facts files or scope options given now are not used.
  const { base: _base, fromRevision: _from, all: _all, policyFile: _policy, junit: _junit, coverage: _coverage, audit: _audit, sarif: _sarif, tableStats: _stats, releaseId: _id, ...rest } = options;
  return deploy({
    ...rest,
    config,
    environment: release.environment,
    version: release.version,
    releaseInputs: request.inputs,
    ...(request.base ? { base: request.base } : {}),
    ...(request.fromRevision ? { fromRevision: request.fromRevision } : {}),
    ...(request.all ? { all: true } : {}),
    ...(request.policyFile ? { policyFile: request.policyFile } : {}),
    ...(request.tableStats ? { tableStats: { ...request.tableStats, env: options.env ?? process.env } } : {}),
    approving: { releaseId: id, ...recorded.expect },
  });
}
