// Reading table statistics from PostgreSQL, read-only and from the catalog only: a read-only
// transaction (SET TRANSACTION READ ONLY), a statement and a lock timeout, and two SELECTs of
// pg_catalog (pg_class.reltuples, pg_relation_size, pg_total_relation_size, pg_index,
// pg_constraint, pg_stat_user_tables). Nothing is written, no lock is taken beyond the catalog
// reads, and the URL's password never reaches a message.
import { createRequire } from "node:module";
import type { Client as PgClient } from "pg";
import { ConfigError } from "../errors.js";
import type { ConstraintStats, TableStats, TableStatsSet } from "./types.js";

// pg loads only when a database is read: a scan without --database never pays for it.
const require = createRequire(import.meta.url);
const pg = () => require("pg") as typeof import("pg");

/** Default time allowed for connecting and for each statement. */
export const DEFAULT_STATS_TIMEOUT_MS = 10_000;

/** A database could not be read: unreachable, refused, timed out. The message holds no password. */
export class TableStatsReadError extends Error {
  override name = "TableStatsReadError";
  constructor(
    message: string,
    /** Why, without the "cannot read … from" prefix. */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Where to read, resolved from `--database`: the URL itself, and how to show it. */
export interface DatabaseSource {
  url: string;
  /** The URL without its password, or `env:NAME`. */
  shown: string;
  /** Said on stderr: a password given on the command line. */
  warning?: string;
}

/**
 * `--database URL` or `--database env:NAME` (the whole URL in an environment variable, so the
 * password never sits in a command line or a config file). Throws ConfigError for a bad value.
 */
export function resolveDatabaseSource(spec: string, env: Record<string, string | undefined>): DatabaseSource {
  const named = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(spec);
  if (spec.startsWith("env:") && !named) throw new ConfigError(`--database ${spec}: expected env:NAME with NAME an environment variable name`);
  const url = named ? env[named[1]!] : spec;
  if (url === undefined || url === "") throw new ConfigError(`--database ${spec}: the environment variable ${named![1]} is not set; expected it to hold a postgresql:// URL`);
  const shown = named ? spec : displayDatabaseUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--database ${shown}: not a URL; expected postgresql://USER@HOST/DATABASE (the password in PGPASSWORD, ~/.pgpass or the URL given as env:NAME)`);
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    throw new ConfigError(`--database ${shown}: ${parsed.protocol.replace(/:$/, "")} is not supported; expected a postgresql:// URL (only PostgreSQL statistics are read)`);
  }
  const source: DatabaseSource = { url, shown };
  if (!named && parsed.password !== "") source.warning = `--database: a password on the command line is visible to other users of this machine; give the URL as --database env:NAME instead`;
  return source;
}

/** The URL without its password, for messages. */
export function displayDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "REDACTED";
    return parsed.toString();
  } catch {
    return "the database (URL not shown)";
  }
}

export interface ReadDatabaseOptions {
  /** Only tables of these names (as migrations write them, with or without schema); absent: every user table. */
  tables?: readonly string[];
  timeoutMs?: number;
  /** Called with each statement before it is sent (tests log them). */
  onStatement?: (sql: string) => void;
  /** Fixes collectedAt (tests). */
  now?: () => Date;
}

const TABLES_SQL = `WITH target AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
    AND ($1::text[] IS NULL OR lower(c.relname) = ANY ($1::text[]))
), leaves AS (
  SELECT t.oid AS target, l.relid AS leaf FROM target t, LATERAL pg_catalog.pg_partition_tree(t.oid) l WHERE t.relkind = 'p' AND l.isleaf
  UNION ALL SELECT t.oid, t.oid FROM target t WHERE t.relkind <> 'p'
), sizes AS (
  SELECT l.target,
    CASE WHEN bool_or(c.reltuples < 0) THEN NULL
      ELSE sum(CASE WHEN c.relpages > 0 THEN c.reltuples / c.relpages * (pg_catalog.pg_relation_size(c.oid) / current_setting('block_size')::float8) ELSE c.reltuples END) END AS rows,
    sum(pg_catalog.pg_relation_size(c.oid)) AS table_bytes,
    sum(pg_catalog.pg_total_relation_size(c.oid)) AS total_bytes
  FROM leaves l JOIN pg_catalog.pg_class c ON c.oid = l.leaf GROUP BY l.target
)
SELECT t.nspname AS schema, t.relname AS name, round(s.rows)::text AS rows,
  coalesce(s.table_bytes, 0)::text AS table_bytes, coalesce(s.total_bytes, 0)::text AS total_bytes,
  (SELECT coalesce(json_agg(json_build_object('name', i.relname, 'bytes', pg_catalog.pg_relation_size(i.oid), 'unique', x.indisunique, 'primary', x.indisprimary, 'valid', x.indisvalid) ORDER BY i.relname), '[]')
     FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = t.oid) AS indexes,
  (SELECT coalesce(json_agg(json_build_object('name', k.conname, 'type', k.contype, 'validated', k.convalidated) ORDER BY k.conname), '[]')
     FROM pg_catalog.pg_constraint k WHERE k.conrelid = t.oid) AS constraints,
  a.n_tup_ins::text AS inserted, a.n_tup_upd::text AS updated, a.n_tup_del::text AS deleted, a.n_live_tup::text AS live, a.n_dead_tup::text AS dead,
  greatest(a.last_analyze, a.last_autoanalyze) AS last_analyzed
FROM target t LEFT JOIN sizes s ON s.target = t.oid LEFT JOIN pg_catalog.pg_stat_user_tables a ON a.relid = t.oid
ORDER BY t.nspname, t.relname`;

interface TableRow {
  schema: string;
  name: string;
  rows: string | null;
  table_bytes: string;
  total_bytes: string;
  indexes: { name: string; bytes: number; unique: boolean; primary: boolean; valid: boolean }[];
  constraints: { name: string; type: string; validated: boolean }[];
  inserted: string | null;
  updated: string | null;
  deleted: string | null;
  live: string | null;
  dead: string | null;
  last_analyzed: Date | null;
}

const CONSTRAINT_TYPES: Record<string, ConstraintStats["type"]> = { p: "primary-key", u: "unique", f: "foreign-key", c: "check", x: "exclusion", t: "trigger", n: "not-null" };

/** Reads the statistics of the named tables (or of every user table). Throws TableStatsReadError when the database cannot be read. */
export async function readTableStatsFromDatabase(source: DatabaseSource, options: ReadDatabaseOptions = {}): Promise<TableStatsSet> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATS_TIMEOUT_MS;
  const client: PgClient = new (pg().Client)({
    connectionString: source.url,
    application_name: "gonogo-table-stats",
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    lock_timeout: timeoutMs,
    query_timeout: timeoutMs + 1000,
  });
  // A connection the server ends later must not crash the process.
  client.on("error", () => undefined);
  const send = async <R extends object>(sql: string, values?: unknown[]) => {
    options.onStatement?.(sql);
    return client.query<R>(sql, values);
  };
  try {
    await client.connect();
    await send("BEGIN");
    await send("SET TRANSACTION READ ONLY");
    const names = options.tables === undefined ? null : [...new Set(options.tables.map((t) => unqualified(t).toLowerCase()))];
    const database = (await send<{ name: string }>("SELECT pg_catalog.current_database() AS name")).rows[0]?.name;
    const rows = (await send<TableRow>(TABLES_SQL, [names])).rows;
    await send("ROLLBACK");
    const set: TableStatsSet = { dialect: "postgresql", collectedAt: (options.now?.() ?? new Date()).toISOString(), tables: rows.map(tableOf) };
    if (database !== undefined) set.database = database;
    return set;
  } catch (error) {
    const reason = safeMessage(error, source.url);
    throw new TableStatsReadError(`cannot read table statistics from ${source.shown}: ${reason}`, reason);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `schema.table` → `table`; quotes removed. */
function unqualified(name: string): string {
  const plain = name.replace(/"/g, "");
  return plain.slice(plain.lastIndexOf(".") + 1);
}

function count(value: string | null | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

function tableOf(row: TableRow): TableStats {
  const table: TableStats = {
    schema: row.schema,
    name: row.name,
    rows: row.rows === null ? null : count(row.rows),
    tableBytes: count(row.table_bytes),
    totalBytes: count(row.total_bytes),
    indexes: row.indexes.map((i) => ({ name: i.name, bytes: count(String(i.bytes)), unique: i.unique, primary: i.primary, valid: i.valid })),
    constraints: row.constraints.map((k) => ({ name: k.name, type: CONSTRAINT_TYPES[k.type] ?? "other", validated: k.validated })),
  };
  if (row.inserted !== null) {
    table.activity = { inserted: count(row.inserted), updated: count(row.updated), deleted: count(row.deleted), liveRows: count(row.live), deadRows: count(row.dead) };
    if (row.last_analyzed) table.activity.lastAnalyzed = row.last_analyzed.toISOString();
  }
  return table;
}

/** The error's message, with the URL and its password taken out whatever the driver put in it. */
function safeMessage(error: unknown, url: string): string {
  let message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (code === "57014") message = `statement timeout (${message})`;
  else if (code === "55P03") message = `lock timeout: a table is locked by another session (${message})`;
  else if (code === "28P01") message = `authentication failed (${message})`;
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // Not a URL: nothing more to take out than the URL itself.
  }
  for (const secret of [url, password, password === "" ? "" : encodeURIComponent(password)]) if (secret.length >= 1) message = message.split(secret).join("[REDACTED]");
  return message === "" ? "unknown error" : message;
}
