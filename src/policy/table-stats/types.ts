// Table statistics: what the database's catalog says about the tables a release touches. Read
// from a `--stats` file or, read-only, from the database itself (`--database`); the policy judges
// the lock and rewrite findings by them.

/** One index of a table, from pg_index. */
export interface IndexStats {
  name: string;
  bytes: number;
  unique: boolean;
  primary: boolean;
  /** false for an index a failed CREATE INDEX CONCURRENTLY left behind. */
  valid: boolean;
}

/** One constraint of a table, from pg_constraint. */
export interface ConstraintStats {
  name: string;
  type: "primary-key" | "unique" | "foreign-key" | "check" | "exclusion" | "trigger" | "not-null" | "other";
  /** false for a constraint added NOT VALID and not validated since. */
  validated: boolean;
}

/** Write activity since the statistics were last reset (pg_stat_user_tables), where the server keeps it. */
export interface TableActivity {
  inserted: number;
  updated: number;
  deleted: number;
  liveRows: number;
  deadRows: number;
  /** ISO time of the last ANALYZE (manual or automatic), if any. */
  lastAnalyzed?: string;
}

/** The statistics of one table. */
export interface TableStats {
  schema: string;
  name: string;
  /** Estimated rows (pg_class.reltuples scaled to the current size); null: never counted by ANALYZE or VACUUM. */
  rows: number | null;
  /** The table's own pages (pg_relation_size). */
  tableBytes: number;
  /** With indexes and TOAST (pg_total_relation_size). */
  totalBytes: number;
  indexes: IndexStats[];
  constraints: ConstraintStats[];
  activity?: TableActivity;
}

/** The statistics of one database, as `gonogo stats export` writes them. */
export interface TableStatsSet {
  dialect: "postgresql";
  /** The database's name (never its URL: no host, user or password). */
  database?: string;
  collectedAt: string;
  tables: TableStats[];
}

/** The version of the `--stats` file format this gonogo reads and writes. */
export const TABLE_STATS_FORMAT_VERSION = 1;
