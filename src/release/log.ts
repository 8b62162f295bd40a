// The deployment log: append-only JSON Lines, one event per line, every write under a
// cross-process lock. A torn last line (a writer killed mid-write) is terminated by the next
// writer; readers skip unparsable lines and report them.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import { constants as fsConstants, promises as fs } from "node:fs";
import lockfile from "proper-lockfile";
import { ReleaseInputError } from "./validate.js";

export const DEFAULT_LOG_PATH = ".gonogo/deployments.jsonl";

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
  [field: string]: unknown;
}

export interface LogProblem {
  /** 1-based line number in the log file. */
  line: number;
  message: string;
  text: string;
}

export interface LogContents {
  events: LogEvent[];
  problems: LogProblem[];
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

export function newReleaseId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
  return `r-${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Lock timing: a lock whose holder stopped refreshing it for `stale` ms is taken over. */
const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_000;

function isLogEvent(value: unknown): value is LogEvent {
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

/** Parses log text: every parsable event, and every line that was not. */
export function parseLog(text: string): LogContents {
  const events: LogEvent[] = [];
  const problems: LogProblem[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const torn = index === lines.length - 1;
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
  });
  return { events, problems };
}

interface OwnerRecord {
  releaseId: string;
  kind?: string;
  version?: string;
  pid: number;
  host: string;
  startedAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A held environment lock. `release()` is idempotent. */
export interface EnvironmentLock {
  release(): Promise<void>;
}

/** The deployment log cannot be used (a directory, a FIFO, read-only, …): exit 2, nothing runs. */
export class DeploymentLogError extends ReleaseInputError {
  override name = "DeploymentLogError";
}

export class DeploymentLog {
  readonly path: string;

  constructor(logPath: string) {
    this.path = path.resolve(logPath);
  }

  private get dir(): string {
    return path.dirname(this.path);
  }

  /** Reads the whole log; a missing log is empty. A log that is not a readable regular file is a DeploymentLogError. */
  async read(): Promise<LogContents> {
    let text: string;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer (the process would hang, deaf to SIGTERM).
      const handle = await fs.open(this.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      try {
        await this.mustBeRegular(handle);
        text = await handle.readFile("utf8");
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { events: [], problems: [] };
      throw this.logError(error, "read");
    }
    return parseLog(text);
  }

  private async mustBeRegular(handle: fs.FileHandle): Promise<void> {
    const info = await handle.stat();
    if (info.isFile()) return;
    const kind = info.isDirectory() ? "a directory" : info.isFIFO() ? "a FIFO" : info.isSocket() ? "a socket" : info.isCharacterDevice() || info.isBlockDevice() ? "a device" : "not a regular file";
    throw new DeploymentLogError(`deployment log ${this.path} is ${kind}; expected a regular file (config \`log:\`)`);
  }

  private logError(error: unknown, action: "read" | "write"): Error {
    if (error instanceof DeploymentLogError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const why: Record<string, string> = { EISDIR: "it is a directory", EACCES: "permission denied", EPERM: "permission denied", EROFS: "read-only file system", ENOSPC: "no space left on the device", ENOTDIR: "a parent is not a directory", ELOOP: "symbolic link loop", EAGAIN: "it is not a regular file" };
    if (code && why[code]) return new DeploymentLogError(`cannot ${action} deployment log ${this.path}: ${why[code]}; expected a writable regular file (config \`log:\`)`);
    return error as Error;
  }

  /** Appends events, each as one line, in one write under the log lock. */
  async append(...events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    let release: () => Promise<void>;
    try {
      await fs.mkdir(this.dir, { recursive: true });
      release = await lockfile.lock(this.path, {
        realpath: false,
        lockfilePath: `${this.path}.lock`,
        stale: LOCK_STALE_MS,
        update: LOCK_UPDATE_MS,
        retries: { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 250, randomize: true },
        onCompromised: () => undefined,
      });
    } catch (error) {
      throw this.logError(error, "write");
    }
    try {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(this.path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NONBLOCK, 0o644);
        await this.mustBeRegular(handle).catch(async (error: unknown) => {
          await handle.close();
          throw error;
        });
      } catch (error) {
        throw this.logError(error, "write");
      }
      try {
        const { size } = await handle.stat();
        let prefix = "";
        if (size > 0) {
          const last = Buffer.alloc(1);
          await handle.read(last, 0, 1, size - 1);
          // The previous writer died mid-line: terminate the torn line so ours stays parsable.
          if (last[0] !== 0x0a) prefix = "\n";
        }
        const data = prefix + events.map((event) => JSON.stringify(event)).join("\n") + "\n";
        await handle.appendFile(data, "utf8").catch((error: unknown) => {
          throw this.logError(error, "write");
        });
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } finally {
      await release().catch(() => undefined);
    }
  }

  private lockPaths(environment: string): { target: string; lock: string; owner: string } {
    const base = path.join(this.dir, "locks", environment);
    return { target: base, lock: `${base}.lock`, owner: `${base}.owner.json` };
  }

  private async readOwner(ownerPath: string): Promise<OwnerRecord | undefined> {
    try {
      return JSON.parse(await fs.readFile(ownerPath, "utf8")) as OwnerRecord;
    } catch {
      return undefined;
    }
  }

  /** Who holds an environment, if anyone. */
  async runningRelease(environment: string): Promise<OwnerRecord | undefined> {
    const paths = this.lockPaths(environment);
    const locked = await lockfile.check(paths.target, { realpath: false, lockfilePath: paths.lock, stale: LOCK_STALE_MS }).catch(() => false);
    return locked ? this.readOwner(paths.owner) : undefined;
  }

  /**
   * Takes the environment's release lock (one release per environment at a time). A lock left by
   * a dead process on this host, or not refreshed for 10 s, is taken over.
   */
  async acquireEnvironment(environment: string, owner: Omit<OwnerRecord, "pid" | "host">): Promise<EnvironmentLock> {
    const paths = this.lockPaths(environment);
    await fs.mkdir(path.dirname(paths.target), { recursive: true }).catch((error: unknown) => {
      throw this.logError(error, "write");
    });
    const options = {
      realpath: false,
      lockfilePath: paths.lock,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      onCompromised: () => undefined,
    };
    let unlock: (() => Promise<void>) | undefined;
    for (let attempt = 0; attempt < 2 && !unlock; attempt++) {
      try {
        unlock = await lockfile.lock(paths.target, options);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
        const holder = await this.readOwner(paths.owner);
        const lockAge = await fs.stat(paths.lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (attempt === 0 && holder && holder.host === hostname() && !processAlive(holder.pid) && lockAge > 1000) {
          // The holder died without releasing: take the lock over now instead of waiting for it to go stale.
          await fs.rm(paths.lock, { recursive: true, force: true });
          continue;
        }
        const who = holder
          ? `release ${holder.releaseId}${holder.kind ? ` (${holder.kind}${holder.version ? ` ${holder.version}` : ""})` : ""}, started ${holder.startedAt} by process ${holder.pid}`
          : "another release";
        throw new ReleaseBusyError(`${environment} is busy: ${who} is still running; wait for it to finish`, holder?.releaseId);
      }
    }
    if (!unlock) throw new ReleaseBusyError(`${environment} is busy: could not take its release lock`);
    const record: OwnerRecord = { ...owner, pid: process.pid, host: hostname() };
    await fs.writeFile(paths.owner, `${JSON.stringify(record)}\n`);
    let released = false;
    const held = unlock;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await fs.rm(paths.owner, { force: true }).catch(() => undefined);
        await held().catch(() => undefined);
      },
    };
  }
}
