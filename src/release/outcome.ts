// What the release wrappers are asked (options) and what they answer (outcomes), and the small
// helpers that fill an outcome in.
import { createHash } from "node:crypto";
import type { Decision, DecisionReason } from "../types.js";
import type { ScanResult } from "../engine/types.js";
import type { Policy, ReleaseFacts } from "../policy/types.js";
import type { ReleaseFactFiles, ReleaseInputs } from "../policy/readers/index.js";
import type { TableStatsInput } from "../policy/table-stats/index.js";
import type { ApprovingRequest } from "./request.js";
import type { ReleaseConfig } from "./config.js";
import type { HealthOutcome } from "./health.js";
import type { LogLocation, ReleaseBusyError } from "./log.js";
import type { NotificationDelivery } from "./notify.js";
import type { RollbackPlan } from "./plan.js";
import type { Approver, Clock, Executor, HealthProbe, ReleaseKind } from "./types.js";

/** What the preflight is asked. The default preflight passes it to the policy's `check`. */
export interface PreflightOptions extends ReleaseFactFiles {
  cwd: string;
  configFile?: string;
  environment: string;
  project: string;
  version: string;
  policyFile?: string;
  base?: string;
  /** The deployment log (the policy reads earlier approvals and the environment's revision from it): a file path, or where the config's `log:` says. */
  log: string | LogLocation;
  paths?: string[];
  /** Where the environment stands on the migrations, overriding the log (`--from-revision`). */
  fromRevision?: string[];
  /** Judge every migration, not only those pending in the environment (`--all`). */
  all?: boolean;
  /** The environment's health before the release, when `health.preflight` is set. */
  environmentHealth?: { ok: boolean; url: string; detail: string };
  /** The decision's time: the release's clock (freeze windows are judged at it). */
  evaluatedAt?: string;
  /** Release facts recorded with a pending release, used instead of reading the files again. */
  releaseInputs?: ReleaseInputs;
  /** Table statistics (`--stats`, `--database`): lock and rewrite findings judged by table size. */
  tableStats?: TableStatsInput;
}

export interface PreflightResult {
  decision: Decision;
  scan?: ScanResult;
  policy?: Policy;
  /** The release facts the decision was made on (the migrations pending in the environment among them). */
  facts?: ReleaseFacts;
  /** The test, coverage, audit and SARIF results read: recorded with a release that needs approval. */
  inputs?: ReleaseInputs;
}

/** Scan + evaluate. May resolve to a bare Decision or to `check`'s `{ decision, scan, policy }`. */
export type Preflight = (options: PreflightOptions) => Promise<Decision | PreflightResult>;

export type Scanner = (options: { cwd: string; configFile?: string; paths?: string[] }) => Promise<Pick<ScanResult, "facts">>;

export interface ReleaseOptions extends ReleaseFactFiles {
  /** Table statistics (`--stats`, `--database`): lock and rewrite findings judged by table size. */
  tableStats?: TableStatsInput;
  /** Working directory (default process.cwd()). */
  cwd?: string;
  /** Config file; default: gonogo.config.yaml found upward from cwd. */
  configFile?: string;
  /** An already loaded config (host tools); takes precedence over configFile. */
  config?: ReleaseConfig;
  policyFile?: string;
  base?: string;
  /** Where the environment stands on the migrations, overriding the log (`--from-revision`). */
  fromRevision?: string[];
  /** Judge every migration, not only those pending in the environment (`--all`). */
  all?: boolean;
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
  /** Warnings (a webhook notification not delivered), already redacted; default process.stderr. */
  warn?: (text: string) => void;
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
  /** The id of the environment's failed, not rolled back release that this deploy acknowledges. */
  acknowledgeFailure?: string;
  /** Who acknowledges it (required with acknowledgeFailure). */
  acknowledgedBy?: string;
  /** Release facts recorded earlier (gonogo approve), used instead of reading junit/coverage/audit/sarif. */
  releaseInputs?: ReleaseInputs;
  /** Skip the steps marked `migrations: true` (a plan item without migrations); nothing new is recorded as applied. */
  skipMigrationSteps?: boolean;
  /** Set by approve: the pending release answered, and the decision it must still get. */
  approving?: ApprovingRequest;
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
  /** One entry per webhook notification sent (config `notify:`), delivered or given up on. */
  notifications?: NotificationDelivery[];
}

export interface CascadeStage {
  environment: string;
  status: ReleaseStatus | "skipped" | "not-run";
  message: string;
  releaseId?: string;
}

export interface PlanOptions extends ReleaseOptions {
  /** The plan file (YAML or JSON): a list of items or a work queue with `features`. */
  plan: string;
  /** Write each item's status back into the file as it ends. */
  writeStatus?: boolean;
}

export interface PlanItemOutcome {
  id: string;
  environment: string;
  version: string;
  status: ReleaseStatus | "skipped" | "not-run";
  message: string;
  releaseId?: string;
}

export interface PlanOutcome {
  file: string;
  items: PlanItemOutcome[];
  /** 0 every item run completed, 3 one is pending approval, 1 one did not complete. */
  exitCode: 0 | 1 | 3;
  /** Printed last when every item of the plan has completed. */
  completionPromise?: string;
}

export interface CascadeOutcome {
  cascadeId: string;
  project: string;
  version: string;
  stages: CascadeStage[];
  exitCode: 0 | 1 | 3;
}

export function decisionIdOf(decision: Decision): string {
  return `d-${createHash("sha256").update(JSON.stringify(decision)).digest("hex").slice(0, 12)}`;
}

function exitFor(status: ReleaseStatus): 0 | 1 | 3 {
  return status === "completed" ? 0 : status === "pending" ? 3 : 1;
}

export function finish(outcome: ReleaseOutcome, status: ReleaseStatus, message: string): ReleaseOutcome {
  outcome.status = status;
  outcome.exitCode = exitFor(status);
  outcome.message = message;
  return outcome;
}

export function busyOutcome(kind: ReleaseKind, config: ReleaseConfig, environment: string, version: string, error: ReleaseBusyError): ReleaseOutcome {
  return { kind, project: config.project, environment, version, status: "busy", exitCode: 1, message: error.message, steps: [] };
}

export function reasonLines(reasons: DecisionReason[]): string[] {
  return reasons.map((r) => `  - [${r.code}] ${r.message}`);
}

/** The fields of a `decision` event: what was decided, every reason, and the hashes behind it. */
export function decisionEventFields(decision: Decision, decisionId: string): Record<string, unknown> {
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
