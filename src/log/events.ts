// What the deployment log holds, whatever stores it: events (one JSON object each), the lines
// that were not events, and the errors of reading or locking it.
import { randomBytes } from "node:crypto";
import { DeploymentLogError } from "../errors.js";

export { DeploymentLogError };

export type LogEventName =
  | "requested"
  | "decision"
  | "approval"
  | "step-started"
  | "step-finished"
  | "health"
  | "rolled-back"
  | "completed"
  | "failed"
  | "pending"
  | "interrupted"
  | "acknowledged";

export const LOG_EVENT_NAMES: readonly LogEventName[] = [
  "requested",
  "decision",
  "approval",
  "step-started",
  "step-finished",
  "health",
  "rolled-back",
  "completed",
  "failed",
  "pending",
  "interrupted",
  "acknowledged",
];

/** One line of the log. Event-specific fields sit beside the common ones. */
export interface LogEvent {
  v: 1;
  ts: string;
  releaseId: string;
  event: LogEventName;
  project: string;
  environment: string;
  version: string;
  /** sha256 (hex) of the previous event's canonical JSON; absent on events written before the chain. */
  prev?: string;
  [field: string]: unknown;
}

export interface LogProblem {
  /** 1-based line number in the log file (the row's position for PostgreSQL). */
  line: number;
  message: string;
  text: string;
}

/** What `gonogo log verify` and the readers learn of the hash chain (see chain.ts). */
export interface ChainReport {
  /** Events written before the chain existed (a legacy prefix without `prev`). */
  unchained: number;
  chained: number;
  /** The first place the chain does not hold. */
  broken?: { line: number; message: string };
}

export interface LogContents {
  events: LogEvent[];
  problems: LogProblem[];
  /** The line of each event (same order as `events`). */
  lines?: number[];
  /** The hash chain over `events` (every store fills it in). */
  chain?: ChainReport;
}

/** A second release for an environment that already has one running. */
export class ReleaseBusyError extends Error {
  override name = "ReleaseBusyError";
  constructor(
    message: string,
    readonly runningReleaseId?: string,
  ) {
    super(message);
  }
}

/** Who holds an environment's release lock. */
export interface OwnerRecord {
  releaseId: string;
  kind?: string;
  version?: string;
  pid: number;
  host: string;
  startedAt: string;
  /** The process group of the step running now (steps run in their own group). */
  stepPgid?: number;
  step?: string;
}

/** A held environment lock. `release()` is idempotent. */
export interface EnvironmentLock {
  release(): Promise<void>;
  /** Records the step running now (its process group) in the lock, or that none is. */
  noteStep(step: { pgid: number; step: string } | undefined): Promise<void>;
}

export function newReleaseId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
  return `r-${stamp}-${randomBytes(3).toString("hex")}`;
}

export function isLogEvent(value: unknown): value is LogEvent {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const event = value as Record<string, unknown>;
  // Every common field, with its type: a line missing one is reported as a problem, never read
  // as an event whose fields the wrappers would then dereference.
  return (
    typeof event.releaseId === "string" &&
    typeof event.event === "string" &&
    typeof event.ts === "string" &&
    typeof event.environment === "string" &&
    typeof event.project === "string" &&
    typeof event.version === "string"
  );
}

/** One line as an event, or undefined when it is not one. */
export function eventOfLine(line: string): LogEvent | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isLogEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses log lines: every parsable event (with its 1-based line), and every line that was not.
 * `lastMayBeTorn`: the last line may be a write that was interrupted (a file without its final newline).
 */
export function parseLogLines(lines: readonly string[], lastMayBeTorn: boolean): Required<Pick<LogContents, "events" | "problems" | "lines">> {
  const events: LogEvent[] = [];
  const problems: LogProblem[] = [];
  const eventLines: number[] = [];
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const torn = lastMayBeTorn && index === lines.length - 1;
      problems.push({
        line: index + 1,
        message: torn ? "unterminated last line (a write was interrupted)" : `not JSON: ${(error as Error).message}`,
        text: line.slice(0, 200),
      });
      return;
    }
    if (!isLogEvent(value)) {
      problems.push({ line: index + 1, message: "not a deployment event (string releaseId, event, ts, environment, project and version required)", text: line.slice(0, 200) });
      return;
    }
    events.push(value);
    eventLines.push(index + 1);
  });
  return { events, problems, lines: eventLines };
}

/** Parses JSON Lines text (see parseLogLines). */
export function parseLog(text: string): LogContents {
  return parseLogLines(text.split("\n"), true);
}
