// `gonogo deploy|rollback|cascade|approve`: argument parsing and wiring of the release wrappers.
import path from "node:path";
import type { Command } from "commander";
import type { CommandRegistrar } from "../command.js";
import { UsageError, type CliIO } from "../io.js";
import { tableStatsInput, withTableStatsOptions, type TableStatsFlags } from "../table-stats.js";
import {
  approve,
  cascade,
  deploy,
  fixedApprover,
  parseApprovalAnswer,
  ReleaseInputError,
  rollback,
  runPlan,
  ttyApprover,
  type Approver,
  type ReleaseOptions,
} from "../../release/index.js";

interface CommonFlags extends TableStatsFlags {
  config?: string;
  junit?: string[];
  coverage?: string;
  audit?: string;
  sarif?: string[];
  policy?: string;
  base?: string;
  answer?: string;
  approver?: string;
  fromRevision?: string[];
  all?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function withCommonOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "config file (default: gonogo.config.yaml found upward)")
    .option("--junit <file>", "JUnit XML test results (repeatable)", collect)
    .option("--coverage <file>", "coverage-summary.json or lcov.info")
    .option("--audit <file>", "npm audit --json report")
    .option("--sarif <file>", "SARIF from another tool (repeatable)", collect)
    .option("--policy <file>", "policy file (default: the config's policy section)")
    .option("--base <rev>", "git revision to compare infrastructure with")
    .option("--answer <answer>", "answer the approval without a terminal: yes, no or wait")
    .option("--approver <name>", "who answers (recorded in the deployment log)");
}

function approverFor(flags: CommonFlags, io: CliIO): Approver | undefined {
  if (flags.answer !== undefined) {
    const answer = parseApprovalAnswer(flags.answer);
    if (!answer) throw new UsageError(`--answer must be yes, no or wait (got ${JSON.stringify(flags.answer)})`);
    if (!flags.approver?.trim()) throw new UsageError("--answer needs --approver NAME: every approval records who gave it");
    return fixedApprover(answer, flags.approver.trim());
  }
  if (io.stdin?.isTTY) {
    const name = flags.approver?.trim() || io.env.USER || io.env.USERNAME || "unknown";
    return ttyApprover({ input: io.stdin, output: io.stderr, approver: name });
  }
  return undefined;
}

function releaseOptions(flags: CommonFlags, io: CliIO, signal: AbortSignal): ReleaseOptions {
  const approver = approverFor(flags, io);
  const stats = tableStatsInput(flags, io);
  return {
    cwd: io.cwd,
    ...(flags.config ? { configFile: path.resolve(io.cwd, flags.config) } : {}),
    ...(flags.junit ? { junit: flags.junit.map((f) => path.resolve(io.cwd, f)) } : {}),
    ...(flags.coverage ? { coverage: path.resolve(io.cwd, flags.coverage) } : {}),
    ...(flags.audit ? { audit: path.resolve(io.cwd, flags.audit) } : {}),
    ...(flags.sarif ? { sarif: flags.sarif.map((f) => path.resolve(io.cwd, f)) } : {}),
    ...(flags.policy ? { policyFile: path.resolve(io.cwd, flags.policy) } : {}),
    ...(flags.base ? { base: flags.base } : {}),
    ...(flags.fromRevision?.length ? { fromRevision: flags.fromRevision } : {}),
    ...(flags.all ? { all: true } : {}),
    ...(approver ? { approver } : {}),
    ...(stats ? { tableStats: { ...stats, ...(stats.statsFile !== undefined ? { statsFile: path.resolve(io.cwd, stats.statsFile) } : {}) } } : {}),
    env: io.env,
    out: (text) => io.stdout.write(text),
    warn: (text) => io.stderr.write(text),
    signal,
  };
}

/** The options that say which migrations a deploy judges (deploy and cascade), and the table statistics it judges them by. */
function withScopeOptions(command: Command): Command {
  return withTableStatsOptions(command)
    .option("--from-revision <rev>", "migration revision the environment runs (one per revision graph; repeatable): only later migrations are judged; default: the revision its last release recorded", collect)
    .option("--all", "judge every migration, also those the environment already runs");
}

/** Runs a release command with SIGINT/SIGTERM turned into an abort (a second signal exits at once). */
async function withSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`received ${signal}`));
  };
  // A closed terminal (SIGHUP) only loses the output: the release goes on to its logged outcome.
  const onHangup = (): void => {};
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onHangup);
  try {
    return await body(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onHangup);
  }
}

/** Runs a release command: a ReleaseInputError (bad input, an unusable log) becomes a usage error, exit 2. */
export async function guarded<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ReleaseInputError) throw new UsageError(error.message);
    throw error;
  }
}

export const registerRelease: CommandRegistrar = (program, io, done) => {
  withScopeOptions(withCommonOptions(
    program
      .command("deploy")
      .description("Check, approve, run the deploy steps, verify health; roll back automatically where the policy allows")
      .requiredOption("-e, --env <environment>", "environment to deploy to")
      .requiredOption("--version <version>", "version to deploy (semver or tag)")
      .option("--acknowledge-failure <release-id>", "acknowledge the environment's failed, not rolled back release (with --approver NAME) so this deploy may go"),
  )).action(async (flags: CommonFlags & { env: string; version: string; acknowledgeFailure?: string }) => {
    const acknowledge = flags.acknowledgeFailure !== undefined ? { acknowledgeFailure: flags.acknowledgeFailure, ...(flags.approver !== undefined ? { acknowledgedBy: flags.approver } : {}) } : {};
    const outcome = await guarded(() => withSignals((signal) => deploy({ ...releaseOptions(flags, io, signal), environment: flags.env, version: flags.version, ...acknowledge })));
    done(outcome.exitCode);
  });

  withCommonOptions(
    program
      .command("rollback")
      .description("Roll an environment back to an earlier version (and its migrations to a revision)")
      .requiredOption("-e, --env <environment>", "environment to roll back")
      .requiredOption("--to <version>", "version to roll back to")
      .option("--migrations-to <revision>", "downgrade the migrations to this Alembic revision (base for all)"),
  ).action(async (flags: CommonFlags & { env: string; to: string; migrationsTo?: string }) => {
    const outcome = await guarded(() =>
      withSignals((signal) =>
        rollback({ ...releaseOptions(flags, io, signal), environment: flags.env, to: flags.to, ...(flags.migrationsTo !== undefined ? { migrationsTo: flags.migrationsTo } : {}) }),
      ),
    );
    done(outcome.exitCode);
  });

  withScopeOptions(withCommonOptions(
    program
      .command("cascade")
      .description("Deploy a version development → staging → production, or the items of a plan file in order, stopping at the first that does not complete; resumable")
      .option("--version <version>", "version to cascade")
      .option("--through <environment>", "last stage (default production)")
      .option("--plan <file>", "run a plan file's items instead (YAML or JSON: a list of { environment, version, migrations } or a work queue with features)")
      .option("--write-status", "with --plan: write each item's status back into the plan file"),
  )).action(async (flags: CommonFlags & { version?: string; through?: string; plan?: string; writeStatus?: boolean }) => {
    if ((flags.plan === undefined) === (flags.version === undefined)) throw new UsageError("gonogo cascade needs --version V or --plan FILE (one of them)");
    if (flags.plan !== undefined && flags.through !== undefined) throw new UsageError("--through applies to --version cascades; a plan lists its own items");
    if (flags.writeStatus && flags.plan === undefined) throw new UsageError("--write-status needs --plan FILE");
    const plan = flags.plan;
    const outcome = await guarded(() =>
      withSignals<{ exitCode: 0 | 1 | 3 }>((signal) =>
        plan !== undefined
          ? runPlan({ ...releaseOptions(flags, io, signal), plan: path.resolve(io.cwd, plan), ...(flags.writeStatus ? { writeStatus: true } : {}) })
          : cascade({ ...releaseOptions(flags, io, signal), version: flags.version!, ...(flags.through ? { through: flags.through } : {}) }),
      ),
    );
    done(outcome.exitCode);
  });

  program
    .command("approve")
    .description("Answer a pending release (see gonogo log) and, when approved, carry it out on the decision and release facts recorded when it was requested")
    .argument("<release-id>", "the pending release, e.g. r-20261201-101500Z-a1b2c3")
    .option("-c, --config <file>", "config file (default: gonogo.config.yaml found upward)")
    .option("--answer <answer>", "yes, no or wait (default: asked on the terminal)")
    .option("--approver <name>", "who answers (recorded in the deployment log)")
    .action(async (releaseId: string, flags: Pick<CommonFlags, "config" | "answer" | "approver">) => {
      const outcome = await guarded(() =>
        withSignals(async (signal) => {
          if (flags.answer === undefined && !io.stdin?.isTTY) throw new UsageError("gonogo approve needs --answer yes|no|wait --approver NAME when not run on a terminal");
          return approve({ ...releaseOptions(flags, io, signal), releaseId });
        }),
      );
      done(outcome.exitCode);
    });
};
