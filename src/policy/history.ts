// What the deployment log (JSON Lines, written by the release wrappers) says about past approvals.
import { readFile } from "node:fs/promises";

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
 * Every event of the log as a plain object, in order. A missing log is no history; a line that
 * does not parse (a torn last line after a crash, or damage) is skipped, never fatal.
 */
async function readLogRecords(logPath: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(logPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
  const records: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof event === "object" && event !== null && !Array.isArray(event)) records.push(event as Record<string, unknown>);
  }
  return records;
}

/** Every `approval` event of the log, in order (see readLogRecords for damaged lines). */
export async function readApprovalHistory(logPath: string): Promise<ApprovalEvent[]> {
  const events: ApprovalEvent[] = [];
  for (const e of await readLogRecords(logPath)) {
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

/**
 * What `environment` runs for `project` according to the log: the last `completed` release, and
 * the migration revisions of the last completed release that recorded them (a rollback that did
 * not touch the migrations records none, so the earlier record still holds). Undefined when
 * nothing ever completed there.
 */
export async function readEnvironmentState(logPath: string, project: string | undefined, environment: string): Promise<EnvironmentState | undefined> {
  let state: EnvironmentState | undefined;
  for (const e of await readLogRecords(logPath)) {
    if (e.event !== "completed" || e.environment !== environment || e.project !== project || typeof e.version !== "string") continue;
    const previous = state;
    state = { version: e.version };
    if (typeof e.releaseId === "string") state.releaseId = e.releaseId;
    if (typeof e.ts === "string") state.ts = e.ts;
    if (typeof e.commit === "string") state.commit = e.commit;
    const migrations = parseRecordedMigrations(e.migrations);
    if (migrations !== undefined) {
      state.migrations = migrations;
      state.migrationsRecordedBy = { version: state.version, ...(state.releaseId ? { releaseId: state.releaseId } : {}), ...(state.ts ? { ts: state.ts } : {}) };
    } else if (previous?.migrations !== undefined) {
      state.migrations = previous.migrations;
      if (previous.migrationsRecordedBy) state.migrationsRecordedBy = previous.migrationsRecordedBy;
    }
  }
  return state;
}

/** True when the log holds an approved release of `project` to `environment`. */
export async function hasApprovedRelease(logPath: string, project: string | undefined, environment: string): Promise<boolean> {
  const events = await readApprovalHistory(logPath);
  return events.some((e) => e.environment === environment && e.project === project && e.answer === "approved");
}
