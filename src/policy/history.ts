// What the deployment log (written by the release wrappers) says about past approvals, what each
// environment runs and which failures nobody resolved. Read through the log store, chain verified.
import { DeploymentLog } from "../log/file-store.js";
import { readVerified, type LogStore } from "../log/store.js";

export interface ApprovalEvent {
  ts?: string;
  releaseId?: string;
  project?: string;
  environment: string;
  version?: string;
  answer: string;
  approver?: string;
  decisionId?: string;
}

/**
 * Every event of the log, in order, with its hash chain verified: a broken chain is a
 * DeploymentLogError (the caller fails closed on it). A missing file log is no history; a line that
 * is not an event (a torn last line after a crash, or damage) is skipped, never fatal.
 */
async function readLogRecords(log: string | LogStore): Promise<Record<string, unknown>[]> {
  const store = typeof log === "string" ? new DeploymentLog(log) : log;
  return (await readVerified(store)).events;
}

/** Every `approval` event of the log, in order (see readLogRecords for damaged lines). */
export async function readApprovalHistory(log: string | LogStore): Promise<ApprovalEvent[]> {
  const events: ApprovalEvent[] = [];
  for (const e of await readLogRecords(log)) {
    if (e.event !== "approval" || typeof e.environment !== "string" || typeof e.answer !== "string") continue;
    const approval: ApprovalEvent = { environment: e.environment, answer: e.answer };
    for (const key of ["ts", "releaseId", "project", "version", "approver", "decisionId"] as const) {
      const value = e[key];
      if (typeof value === "string") approval[key] = value;
    }
    events.push(approval);
  }
  return events;
}

/** The migration revisions one revision graph was at, as a completed release recorded them. */
export interface RecordedMigrations {
  /** The graph's versions directories, relative to the project root (for people; matching is by revision). */
  directories: string[];
  /** The revisions the environment runs on that graph (its heads then; empty: nothing applied). */
  revisions: string[];
}

/** What an environment runs, as the last completed release that said so recorded it. */
export interface EnvironmentState {
  /** Version of the last completed release (deploy or rollback). */
  version: string;
  releaseId?: string;
  ts?: string;
  /** The git commit that release shipped, when it ran in a git work tree. */
  commit?: string;
  /** The migration revisions, per graph, from the last completed release that recorded them. */
  migrations?: RecordedMigrations[];
  /** The release that recorded `migrations` (it may be older than the last release). */
  migrationsRecordedBy?: { version: string; releaseId?: string; ts?: string };
}

/** Reads a `migrations` field of a log event; undefined when it is absent or not of this shape. */
export function parseRecordedMigrations(value: unknown): RecordedMigrations[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: RecordedMigrations[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) return undefined;
    const { directories, revisions } = item as Record<string, unknown>;
    if (!Array.isArray(directories) || !directories.every((d) => typeof d === "string")) return undefined;
    if (!Array.isArray(revisions) || !revisions.every((r) => typeof r === "string")) return undefined;
    out.push({ directories: directories as string[], revisions: revisions as string[] });
  }
  return out;
}

/** Folds one log event into what the environment runs (unchanged unless it completed a release there). */
function nextState(state: EnvironmentState | undefined, e: Record<string, unknown>, project: string | undefined, environment: string): EnvironmentState | undefined {
  if (e.event !== "completed" || e.environment !== environment || e.project !== project || typeof e.version !== "string") return state;
  const next: EnvironmentState = { version: e.version };
  if (typeof e.releaseId === "string") next.releaseId = e.releaseId;
  if (typeof e.ts === "string") next.ts = e.ts;
  if (typeof e.commit === "string") next.commit = e.commit;
  const migrations = parseRecordedMigrations(e.migrations);
  if (migrations !== undefined) {
    next.migrations = migrations;
    next.migrationsRecordedBy = { version: next.version, ...(next.releaseId ? { releaseId: next.releaseId } : {}), ...(next.ts ? { ts: next.ts } : {}) };
  } else if (state?.migrations !== undefined) {
    next.migrations = state.migrations;
    if (state.migrationsRecordedBy) next.migrationsRecordedBy = state.migrationsRecordedBy;
  }
  return next;
}

/**
 * What `environment` runs for `project` according to log events (in order): the last `completed`
 * release, and the migration revisions of the last completed release that recorded them (a
 * rollback that did not touch the migrations records none, so the earlier record still holds).
 * Undefined when nothing ever completed there.
 */
export function environmentStateOf(events: readonly Record<string, unknown>[], project: string | undefined, environment: string): EnvironmentState | undefined {
  let state: EnvironmentState | undefined;
  for (const e of events) state = nextState(state, e, project, environment);
  return state;
}

/**
 * The migration revisions `environment` ran right after the last completed release of `version`
 * there (undefined when that version never completed there or nothing was recorded by then).
 */
export function recordedMigrationsOf(events: readonly Record<string, unknown>[], project: string | undefined, environment: string, version: string): RecordedMigrations[] | undefined {
  let state: EnvironmentState | undefined;
  let found: RecordedMigrations[] | undefined;
  for (const e of events) {
    state = nextState(state, e, project, environment);
    if (e.event === "completed" && e.environment === environment && e.project === project && e.version === version) found = state?.migrations;
  }
  return found;
}

/** What `environment` runs for `project` according to the log (see environmentStateOf). */
export async function readEnvironmentState(log: string | LogStore, project: string | undefined, environment: string): Promise<EnvironmentState | undefined> {
  return environmentStateOf(await readLogRecords(log), project, environment);
}

/**
 * True when the log holds an approved release of `project` to `environment` that completed: an
 * approval of a release that then failed, was interrupted or never finished does not count as the
 * environment's first approved release.
 */
export async function hasApprovedRelease(log: string | LogStore, project: string | undefined, environment: string): Promise<boolean> {
  return hasApprovedReleaseIn(await readLogRecords(log), project, environment);
}

/** hasApprovedRelease over events already read. */
export function hasApprovedReleaseIn(records: readonly Record<string, unknown>[], project: string | undefined, environment: string): boolean {
  const completed = new Set(records.filter((e) => e.event === "completed" && typeof e.releaseId === "string").map((e) => e.releaseId as string));
  return records.some(
    (e) => e.event === "approval" && e.environment === environment && e.project === project && e.answer === "approved" && typeof e.releaseId === "string" && completed.has(e.releaseId),
  );
}

/** A release that failed (or was interrupted) in an environment and left it in an unknown state. */
export interface UnresolvedFailure {
  releaseId: string;
  version: string;
  ts?: string;
  /** What went wrong, as the log says. */
  message: string;
}

/**
 * The latest release to `environment` that failed after running steps and was not rolled back
 * (or was interrupted), when nothing resolved it since: a later completed release or rollback
 * there, or an `acknowledged` event naming it. A no-go, a rejection or a pending approval ran
 * nothing and is not a failure here.
 */
export function unresolvedFailureOf(events: readonly Record<string, unknown>[], project: string | undefined, environment: string): UnresolvedFailure | undefined {
  let unresolved: UnresolvedFailure | undefined;
  for (const e of events) {
    if (e.environment !== environment || e.project !== project || typeof e.releaseId !== "string") continue;
    if (e.event === "completed") unresolved = undefined;
    else if (e.event === "acknowledged" && e.acknowledges === unresolved?.releaseId) unresolved = undefined;
    else if ((e.event === "failed" && (e.reason === "step-failed" || e.reason === "health-failed") && e.rolledBack !== true) || e.event === "interrupted") {
      unresolved = { releaseId: e.releaseId, version: typeof e.version === "string" ? e.version : "?", message: typeof e.message === "string" ? e.message : String(e.event) };
      if (typeof e.ts === "string") unresolved.ts = e.ts;
    }
  }
  return unresolved;
}

/** unresolvedFailureOf over the log. */
export async function readUnresolvedFailure(log: string | LogStore, project: string | undefined, environment: string): Promise<UnresolvedFailure | undefined> {
  return unresolvedFailureOf(await readLogRecords(log), project, environment);
}
