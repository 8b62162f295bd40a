// What the deployment log says about releases: each release's lifecycle from its events, the
// version an environment runs, and the releases still waiting for an approval.
import { parseRecordedMigrations, type RecordedMigrations } from "../policy/history.js";
import type { LogEvent } from "./log.js";
import { ReleaseInputError, validateVersion } from "./validate.js";

/** The lifecycle of one release, from its events. */
export interface ReleaseSummary {
  releaseId: string;
  kind: string;
  project: string;
  environment: string;
  version: string;
  cascadeId?: string;
  startedAt: string;
  finishedAt?: string;
  /** What the environment ran before: a deploy's previous version, a rollback's `from`. */
  previousVersion?: string;
  status: "completed" | "failed" | "pending" | "rejected" | "interrupted" | "no-go" | "running" | "expired";
  decision?: string;
  decisionId?: string;
  approver?: string;
  approvalAnswer?: string;
  approvedAt?: string;
  /** "automatic", "manual" (each maybe "(failed)"), "manual: <command>" (to run by hand), or undefined when none was needed. */
  rollback?: string;
  reason?: string;
  /** The git commit a completed release shipped (when it ran in a git work tree). */
  commit?: string;
  /** The migration revisions, per revision graph, the environment runs after this release. */
  migrations?: RecordedMigrations[];
  events: LogEvent[];
}

/** Groups events by release, in order of first appearance. */
export function summarizeReleases(events: readonly LogEvent[]): ReleaseSummary[] {
  const byId = new Map<string, LogEvent[]>();
  for (const event of events) {
    const list = byId.get(event.releaseId) ?? [];
    list.push(event);
    byId.set(event.releaseId, list);
  }
  const out: ReleaseSummary[] = [];
  for (const [releaseId, list] of byId) {
    const first = list[0]!;
    const summary: ReleaseSummary = {
      releaseId,
      kind: typeof first.kind === "string" ? first.kind : "deploy",
      project: first.project,
      environment: first.environment,
      version: first.version,
      startedAt: first.ts,
      status: "running",
      events: list,
    };
    if (typeof first.cascadeId === "string") summary.cascadeId = first.cascadeId;
    for (const event of list) {
      switch (event.event) {
        case "requested": {
          const before = event.previousVersion ?? event.from;
          if (typeof before === "string") summary.previousVersion = before;
          break;
        }
        case "decision":
          if (typeof event.decision === "string") summary.decision = event.decision;
          if (typeof event.decisionId === "string") summary.decisionId = event.decisionId;
          break;
        case "approval":
          if (typeof event.approver === "string") summary.approver = event.approver;
          if (typeof event.answer === "string") summary.approvalAnswer = event.answer;
          summary.approvedAt = event.ts;
          if (event.answer === "rejected") summary.status = "rejected";
          break;
        case "rolled-back":
          // A rollback release (gonogo rollback) is a manual one, however it was approved.
          summary.rollback = `${event.automatic === false ? "manual" : "automatic"}${event.ok === false ? " (failed)" : ""}`;
          break;
        case "completed": {
          summary.status = "completed";
          summary.finishedAt = event.ts;
          if (typeof event.commit === "string") summary.commit = event.commit;
          const migrations = parseRecordedMigrations(event.migrations);
          if (migrations) summary.migrations = migrations;
          break;
        }
        case "pending":
          summary.status = "pending";
          summary.finishedAt = event.ts;
          break;
        case "interrupted":
          summary.status = "interrupted";
          summary.finishedAt = event.ts;
          break;
        case "failed":
          summary.status = event.reason === "no-go" ? "no-go" : event.reason === "rejected" || event.reason === "approval-refused" ? "rejected" : event.reason === "expired" ? "expired" : "failed";
          summary.finishedAt = event.ts;
          if (typeof event.message === "string") summary.reason = event.message;
          if (typeof event.manualRollback === "string") summary.rollback = `manual: ${event.manualRollback}`;
          break;
        default:
          break;
      }
    }
    out.push(summary);
  }
  return out;
}

/**
 * The version an environment runs now: that of its last completed release (deploy or rollback).
 * It is read back from a file anyone with write access controls and becomes `{previousVersion}` in
 * an argv, so it is validated like `--version` (ReleaseInputError, exit 2, before any step runs).
 */
export function currentVersion(events: readonly LogEvent[], project: string, environment: string): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.event === "completed" && event.environment === environment && event.project === project) {
      try {
        return validateVersion(event.version);
      } catch (error) {
        throw new ReleaseInputError(`the deployment log records ${environment}'s current version as ${JSON.stringify(String(event.version).slice(0, 80))} (release ${event.releaseId}): ${(error as Error).message}; fix that line of the log`);
      }
    }
  }
  return undefined;
}

/** The releases of `project` to `environment` still waiting for an approval, oldest first. */
export function pendingReleases(events: readonly LogEvent[], project: string, environment: string): ReleaseSummary[] {
  return summarizeReleases(events).filter((r) => r.status === "pending" && r.project === project && r.environment === environment);
}

/** When a pending release started waiting (its last `pending` event). */
export function pendingSince(release: ReleaseSummary): string {
  return release.finishedAt ?? release.startedAt;
}
