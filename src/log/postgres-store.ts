// The PostgreSQL backend of the deployment log, for a team that deploys from several machines:
// events in one append-only table (each row the exact JSON line the file backend would write),
// appends serialized by a table lock so the hash chain stays linear, environment locks as
// session advisory locks on a connection held for the release (the server releases them when
// that connection dies). gonogo creates and migrates its tables; a meta table holds the version.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import type { Client as PgClient } from "pg";
import { chainEvents, verifyChain } from "./chain.js";
import { DeploymentLogError, eventOfLine, parseLogLines, ReleaseBusyError, type EnvironmentLock, type LogContents, type LogEvent, type OwnerRecord } from "./events.js";
import type { LogStore } from "./types.js";
import { orphanedStepOf } from "./lock-owner.js";

// pg loads only when a PostgreSQL log is used: a scan or a file log never pays for it.
const require = createRequire(import.meta.url);
const pg = () => require("pg") as typeof import("pg");

/** The schema version this gonogo writes; a database at a later one was migrated by a newer gonogo. */
export const SCHEMA_VERSION = 1;

/** Migration n (1-based) takes the schema from version n-1 to n. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE gonogo_log_events (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     project text NOT NULL,
     environment text NOT NULL,
     release_id text NOT NULL,
     event text NOT NULL,
     line text NOT NULL
   );
   CREATE INDEX gonogo_log_events_environment ON gonogo_log_events (project, environment, id);
   CREATE FUNCTION gonogo_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'gonogo_log_events is append-only'; END $$;
   CREATE TRIGGER gonogo_log_events_append_only BEFORE UPDATE OR DELETE ON gonogo_log_events
     FOR EACH ROW EXECUTE FUNCTION gonogo_log_append_only();
   CREATE TRIGGER gonogo_log_events_no_truncate BEFORE TRUNCATE ON gonogo_log_events
     FOR EACH STATEMENT EXECUTE FUNCTION gonogo_log_append_only();
   CREATE TABLE gonogo_log_locks (
     project text NOT NULL,
     environment text NOT NULL,
     backend_pid integer NOT NULL,
     owner text NOT NULL,
     PRIMARY KEY (project, environment)
   );`,
];

/** Advisory lock keys (two int4): gonogo's namespace ("gono"), then the object. */
const NAMESPACE = 0x676f6e6f;
const MIGRATION_KEY = 0;

function lockKey(project: string, environment: string): number {
  // 1..2^31-1: a positive int4, so pg_locks shows it as the same number (objid is an oid).
  return (createHash("sha256").update(`${project}\0${environment}`).digest().readUInt32BE(0) & 0x7fffffff) || 1;
}

/** The URL without its password, for messages. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "PostgreSQL (URL not shown)";
  }
}

/** An owner column's record; undefined when absent or not JSON. */
function parseOwner(text: string | undefined): OwnerRecord | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as OwnerRecord;
  } catch {
    return undefined;
  }
}

export class PostgresLog implements LogStore {
  readonly backend = "postgres" as const;
  private readonly project: string;
  private readonly env: Record<string, string | undefined>;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly spec: string,
    options: { env: Record<string, string | undefined>; project?: string },
  ) {
    this.env = options.env;
    this.project = options.project ?? "";
  }

  get where(): string {
    const variable = /^env:(.+)$/.exec(this.spec)?.[1];
    if (variable === undefined) return displayUrl(this.spec);
    const value = this.env[variable];
    return value ? `${displayUrl(value)} (from $${variable})` : `$${variable}`;
  }

  private url(): string {
    const variable = /^env:(.+)$/.exec(this.spec)?.[1];
    const url = variable === undefined ? this.spec : this.env[variable];
    if (!url) throw new DeploymentLogError(`deployment log: environment variable ${variable} is not set; it holds the PostgreSQL URL of the log (config \`log.url\`)`);
    if (!/^postgres(ql)?:\/\//.test(url)) throw new DeploymentLogError(`deployment log ${this.where}: expected a postgres:// or postgresql:// URL`);
    return url;
  }

  private fail(error: unknown, action: string): DeploymentLogError {
    if (error instanceof DeploymentLogError) return error;
    return new DeploymentLogError(`cannot ${action} the PostgreSQL deployment log ${this.where}: ${(error as Error).message}; no release runs without a readable log`);
  }

  private async connect(action: string): Promise<PgClient> {
    const client = new (pg().Client)({ connectionString: this.url(), connectionTimeoutMillis: 10_000, keepAlive: true, application_name: "gonogo" });
    // An error on an idle connection must not crash the process; the next query reports it.
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw this.fail(error, action);
    }
    return client;
  }

  /** Runs `work` on a connection of its own, after the schema is at this gonogo's version. */
  private async session<T>(action: string, work: (client: PgClient) => Promise<T>): Promise<T> {
    const client = await this.connect(action);
    try {
      this.ready ??= this.migrate(client);
      await this.ready;
      return await work(client);
    } catch (error) {
      throw this.fail(error, action);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Creates or migrates gonogo's tables, one gonogo at a time. */
  private async migrate(client: PgClient): Promise<void> {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [NAMESPACE + 1, MIGRATION_KEY]);
      await client.query("CREATE TABLE IF NOT EXISTS gonogo_log_meta (key text PRIMARY KEY, value text NOT NULL)");
      const found = await client.query<{ value: string }>("SELECT value FROM gonogo_log_meta WHERE key = 'schema_version'");
      const version = found.rows[0] ? Number(found.rows[0].value) : 0;
      if (!Number.isInteger(version) || version > SCHEMA_VERSION) {
        throw new DeploymentLogError(`the PostgreSQL deployment log ${this.where} is at schema version ${found.rows[0]?.value}; this gonogo knows up to ${SCHEMA_VERSION} (upgrade gonogo)`);
      }
      for (let next = version + 1; next <= SCHEMA_VERSION; next++) await client.query(MIGRATIONS[next - 1]!);
      if (version < SCHEMA_VERSION) {
        await client.query("INSERT INTO gonogo_log_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [String(SCHEMA_VERSION)]);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      this.ready = undefined;
      throw error;
    }
  }

  async read(): Promise<LogContents> {
    const rows = await this.session("read", async (client) => (await client.query<{ line: string }>("SELECT line FROM gonogo_log_events ORDER BY id")).rows);
    const contents = parseLogLines(rows.map((r) => r.line), false);
    return { ...contents, chain: verifyChain(contents.events, contents.lines) };
  }

  async exportLines(): Promise<string[]> {
    const rows = await this.session("read", async (client) => (await client.query<{ line: string }>("SELECT line FROM gonogo_log_events ORDER BY id")).rows);
    return rows.map((r) => r.line);
  }

  async append(...events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.inTransaction("write to", async (client, last) => chainEvents(last, events).map((event) => JSON.stringify(event)));
  }

  async importLines(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.inTransaction("import into", async (_client, last, count) => {
      if (count > 0 || last) throw new DeploymentLogError(`cannot import into the PostgreSQL deployment log ${this.where}: it is not empty (import only into an empty log)`);
      return [...lines];
    });
  }

  /**
   * Inserts the lines `build` returns from the log's last event, in one transaction holding the
   * table's write lock: concurrent writers queue, and each one chains to the event before it.
   */
  private async inTransaction(action: string, build: (client: PgClient, last: LogEvent | undefined, count: number) => Promise<string[]>): Promise<void> {
    await this.session(action, async (client) => {
      await client.query("BEGIN");
      try {
        await client.query("LOCK TABLE gonogo_log_events IN SHARE ROW EXCLUSIVE MODE");
        const found = await client.query<{ line: string }>("SELECT line FROM gonogo_log_events ORDER BY id DESC LIMIT 1");
        const last = found.rows[0] ? eventOfLine(found.rows[0].line) : undefined;
        const lines = await build(client, last, found.rows.length);
        for (const line of lines) {
          const event = eventOfLine(line);
          if (!event) throw new DeploymentLogError(`not a deployment event: ${line.slice(0, 200)}`);
          await client.query("INSERT INTO gonogo_log_events (project, environment, release_id, event, line) VALUES ($1, $2, $3, $4, $5)", [event.project, event.environment, event.releaseId, event.event, line]);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  private async holder(client: PgClient, environment: string): Promise<OwnerRecord | undefined> {
    const found = await client.query<{ owner: string }>(
      `SELECT l.owner FROM gonogo_log_locks l
        WHERE l.project = $1 AND l.environment = $2 AND l.backend_pid IN (
          SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $3::bigint::oid AND objid = $4::bigint::oid AND objsubid = 2)`,
      [this.project, environment, NAMESPACE, lockKey(this.project, environment)],
    );
    return parseOwner(found.rows[0]?.owner);
  }

  async runningRelease(environment: string): Promise<OwnerRecord | undefined> {
    return this.session("read", (client) => this.holder(client, environment));
  }

  /**
   * Takes the environment's advisory lock on a connection of its own, held until release() (or
   * until the connection dies: a gonogo killed with SIGKILL leaves no lock behind).
   */
  async acquireEnvironment(environment: string, owner: Omit<OwnerRecord, "pid" | "host">): Promise<EnvironmentLock> {
    const key = lockKey(this.project, environment);
    const client = await this.connect("lock an environment in");
    let held = false;
    try {
      this.ready ??= this.migrate(client);
      await this.ready;
      const taken = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [NAMESPACE, key]);
      if (!taken.rows[0]?.ok) {
        const holder = await this.holder(client, environment);
        const who = holder
          ? `release ${holder.releaseId}${holder.kind ? ` (${holder.kind}${holder.version ? ` ${holder.version}` : ""})` : ""}, started ${holder.startedAt} by process ${holder.pid} on ${holder.host}`
          : "another release";
        throw new ReleaseBusyError(`${environment} is busy: ${who} is still running; wait for it to finish`, holder?.releaseId);
      }
      held = true;
      // A row left behind means the last holder never released (its connection died): not while its step still runs here.
      const left = await client.query<{ owner: string }>("SELECT owner FROM gonogo_log_locks WHERE project = $1 AND environment = $2", [this.project, environment]);
      const previous = parseOwner(left.rows[0]?.owner);
      const orphan = orphanedStepOf(previous);
      if (orphan) {
        await client.query("SELECT pg_advisory_unlock($1, $2)", [NAMESPACE, key]);
        throw new ReleaseBusyError(`${environment} is busy: ${orphan}`, previous?.releaseId);
      }
      const record: OwnerRecord = { ...owner, pid: process.pid, host: hostname() };
      await client.query(
        "INSERT INTO gonogo_log_locks (project, environment, backend_pid, owner) VALUES ($1, $2, pg_backend_pid(), $3) ON CONFLICT (project, environment) DO UPDATE SET backend_pid = EXCLUDED.backend_pid, owner = EXCLUDED.owner",
        [this.project, environment, JSON.stringify(record)],
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      if (error instanceof ReleaseBusyError) throw error;
      throw this.fail(error, held ? "record the lock owner in" : "lock an environment in");
    }
    let released = false;
    // The lock lives as long as this connection: say so when it ends before the release does.
    client.once("end", () => {
      if (!released) process.stderr.write(`gonogo: warning: the connection holding ${environment}'s release lock in ${this.where} closed: ${environment} is no longer locked against another release\n`);
    });
    return {
      // The running step's process group, so a gonogo killed mid-step leaves the environment busy
      // (on this host) until the step has ended, although its advisory lock ended with its connection.
      noteStep: async (step) => {
        if (released) return;
        const current: OwnerRecord = { ...owner, pid: process.pid, host: hostname(), ...(step ? { stepPgid: step.pgid, step: step.step } : {}) };
        await client
          .query("UPDATE gonogo_log_locks SET owner = $3 WHERE project = $1 AND environment = $2 AND backend_pid = pg_backend_pid()", [this.project, environment, JSON.stringify(current)])
          .catch(() => undefined);
      },
      release: async () => {
        if (released) return;
        released = true;
        await client.query("DELETE FROM gonogo_log_locks WHERE project = $1 AND environment = $2 AND backend_pid = pg_backend_pid()", [this.project, environment]).catch(() => undefined);
        await client.query("SELECT pg_advisory_unlock($1, $2)", [NAMESPACE, key]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }
}
