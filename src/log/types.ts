// The deployment log's store interface and where a log is: what every backend implements.
import type { EnvironmentLock, LogContents, LogEvent, OwnerRecord } from "./events.js";

/** Where the log is, as the config (`log:`) says. */
export type LogLocation =
  | { backend: "file"; path: string }
  | {
      backend: "postgres";
      /** `env:NAME` (read from `env` when the log is opened) or a postgres:// URL without a password. */
      url: string;
      /** The environment `env:NAME` and libpq's PG* variables are read from (default process.env). */
      env?: Record<string, string | undefined>;
    };

export interface LogStore {
  readonly backend: "file" | "postgres";
  /** Where the log is, for messages: the file's path, or the database URL without its password. */
  readonly where: string;
  /** Every event (with its line) and every line that was not one, and the hash chain's state. */
  read(): Promise<LogContents>;
  /** Appends events in order, each chained to the one before. */
  append(...events: LogEvent[]): Promise<void>;
  /** Who holds an environment, if anyone. */
  runningRelease(environment: string): Promise<OwnerRecord | undefined>;
  /** Takes the environment's release lock (one release per environment at a time) or throws ReleaseBusyError. */
  acquireEnvironment(environment: string, owner: Omit<OwnerRecord, "pid" | "host">): Promise<EnvironmentLock>;
  /** The events' lines as stored, in order (`gonogo log export`). */
  exportLines(): Promise<string[]>;
  /** Stores already chained event lines in an empty log (`gonogo log import`); refuses a log that holds events. */
  importLines(lines: readonly string[]): Promise<void>;
}
