// The file backend of the deployment log: append-only JSON Lines, one event per line, every write
// under a cross-process lock. A torn last line (a writer killed mid-write) is terminated by the
// next writer; readers skip unparsable lines and report them. Each appended event chains to the
// last event of the file (chain.ts).
import { hostname } from "node:os";
import path from "node:path";
import { constants as fsConstants, promises as fs } from "node:fs";
import lockfile from "proper-lockfile";
import { chainEvents, verifyChain } from "./chain.js";
import { DeploymentLogError, eventOfLine, parseLogLines, ReleaseBusyError, type EnvironmentLock, type LogContents, type LogEvent, type OwnerRecord } from "./events.js";
import { orphanedStepOf, processAlive } from "./lock-owner.js";
import type { LogStore } from "./types.js";

/** Lock timing: a lock whose holder stopped refreshing it for `stale` ms is taken over. */
const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_000;

/** The tail of an open log: its last event (skipping a torn or unparsable last line), read backwards. */
async function lastEventIn(handle: fs.FileHandle, size: number): Promise<LogEvent | undefined> {
  let position = size;
  let tail = Buffer.alloc(0);
  let chunkSize = 64 * 1024;
  while (position > 0) {
    const length = Math.min(chunkSize, position);
    position -= length;
    const chunk = Buffer.alloc(length);
    await handle.read(chunk, 0, length, position);
    tail = Buffer.concat([chunk, tail]);
    const lines = tail.toString("utf8").split("\n");
    // Before the first newline sits part of a line that starts earlier, unless the file starts here.
    const complete = position === 0 ? lines : lines.slice(1);
    for (let i = complete.length - 1; i >= 0; i--) {
      const event = eventOfLine(complete[i]!.replace(/\r$/, ""));
      if (event) return event;
    }
    chunkSize *= 2;
  }
  return undefined;
}

export class DeploymentLog implements LogStore {
  readonly backend = "file" as const;
  readonly path: string;

  constructor(logPath: string) {
    this.path = path.resolve(logPath);
  }

  get where(): string {
    return this.path;
  }

  private get dir(): string {
    return path.dirname(this.path);
  }

  /** Reads the whole log; a missing log is empty. A log that is not a readable regular file is a DeploymentLogError. */
  async read(): Promise<LogContents> {
    const text = await this.readText();
    if (text === undefined) return { events: [], problems: [], lines: [], chain: { unchained: 0, chained: 0 } };
    const contents = parseLogLines(text.split("\n"), true);
    return { ...contents, chain: verifyChain(contents.events, contents.lines) };
  }

  async exportLines(): Promise<string[]> {
    const text = await this.readText();
    return (text ?? "").split("\n").map((line) => line.replace(/\r$/, "")).filter((line) => eventOfLine(line) !== undefined);
  }

  async importLines(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.underLogLock(async (handle) => {
      const { size } = await handle.stat();
      if (size > 0) throw new DeploymentLogError(`cannot import into deployment log ${this.path}: it is not empty (import only into an empty log)`);
      await handle.appendFile(lines.map((line) => `${line}\n`).join(""), "utf8").catch((error: unknown) => {
        throw this.logError(error, "write");
      });
      await handle.datasync();
    });
  }

  /** The log's text; undefined when there is no log yet. */
  private async readText(): Promise<string | undefined> {
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
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw this.logError(error, "read");
    }
    return text;
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

  /** Appends events, each as one line chained to the event before it, in one write under the log lock. */
  async append(...events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.underLogLock(async (handle) => {
      const { size } = await handle.stat();
      let prefix = "";
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        // The previous writer died mid-line: terminate the torn line so ours stays parsable.
        if (last[0] !== 0x0a) prefix = "\n";
      }
      const chained = chainEvents(size > 0 ? await lastEventIn(handle, size) : undefined, events);
      const data = prefix + chained.map((event) => JSON.stringify(event)).join("\n") + "\n";
      await handle.appendFile(data, "utf8").catch((error: unknown) => {
        throw this.logError(error, "write");
      });
      await handle.datasync();
    });
  }

  /** Runs `write` with the log open for appending, under the cross-process log lock. */
  private async underLogLock(write: (handle: fs.FileHandle) => Promise<void>): Promise<void> {
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
        await write(handle);
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
    // An owner record left behind means the last holder never released: it may have died mid-step.
    const previous = await this.readOwner(paths.owner);
    let unlock: (() => Promise<void>) | undefined;
    for (let attempt = 0; attempt < 2 && !unlock; attempt++) {
      try {
        unlock = await lockfile.lock(paths.target, options);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
        const holder = await this.readOwner(paths.owner);
        const lockAge = await fs.stat(paths.lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        const orphan = orphanedStepOf(holder);
        if (orphan) throw new ReleaseBusyError(`${environment} is busy: ${orphan}`, holder?.releaseId);
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
    // proper-lockfile takes a stale lock over by itself: not while the dead holder's step still runs.
    const orphan = orphanedStepOf(previous);
    if (orphan) {
      await unlock().catch(() => undefined);
      throw new ReleaseBusyError(`${environment} is busy: ${orphan}`, previous?.releaseId);
    }
    const record: OwnerRecord = { ...owner, pid: process.pid, host: hostname() };
    await fs.writeFile(paths.owner, `${JSON.stringify(record)}\n`);
    let released = false;
    const held = unlock;
    return {
      noteStep: async (step) => {
        if (released) return;
        // Temp file + rename: a gonogo killed mid-write never leaves a torn owner record.
        const temp = `${paths.owner}.${process.pid}.tmp`;
        await fs
          .writeFile(temp, `${JSON.stringify(step ? { ...record, stepPgid: step.pgid, step: step.step } : record)}\n`)
          .then(() => fs.rename(temp, paths.owner))
          .catch(() => undefined);
      },
      release: async () => {
        if (released) return;
        released = true;
        await fs.rm(paths.owner, { force: true }).catch(() => undefined);
        await held().catch(() => undefined);
      },
    };
  }
}
