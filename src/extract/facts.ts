// The intermediate representation: what extractors produce and rules read. Nothing here knows
// a grammar; every fact carries the exact source location it came from.
import type { SourceLocation, SqlDialect } from "../types.js";

export type Direction = "upgrade" | "downgrade";

/** Whether a fact's code runs in `direction` (a helper both upgrade() and downgrade() call runs in both). */
export function runsIn(migration: { direction: Direction; directions?: Direction[] } | undefined, direction: Direction): boolean {
  return migration !== undefined && (migration.direction === direction || (migration.directions?.includes(direction) ?? false));
}

export type SchemaChangeKind =
  | "create-table"
  | "drop-table"
  | "rename-table"
  | "truncate"
  | "delete"
  | "update"
  | "insert"
  | "add-column"
  | "drop-column"
  | "rename-column"
  | "alter-column-type"
  | "alter-column-nullability"
  | "create-index"
  | "drop-index"
  | "add-foreign-key"
  | "add-constraint"
  | "drop-constraint"
  | "create-schema"
  | "drop-schema"
  | "drop-database"
  /** DROP EXTENSION/TYPE/DOMAIN/FUNCTION … CASCADE, DROP OWNED: drops whatever depends on it (columns, tables). */
  | "drop-cascade"
  /** COPY … FROM/TO PROGRAM: a shell command run on the database server. */
  | "copy-program"
  | "other";

/** Where a schema change was written. */
export type SchemaChangeOrigin =
  /** An Alembic operation such as `op.drop_table("users")` or `batch_op.drop_column(...)`. */
  | "alembic-op"
  /** A SQL statement inside a Python string executed by a migration. */
  | "sql-in-python"
  /** A SQLAlchemy Core expression whose meaning is known, e.g. `users.delete()` without `.where()`. */
  | "sqlalchemy-core"
  /** A statement in a `.sql` file. */
  | "sql-file"
  /** SQL passed on a command line: `wrangler d1 execute DB --command "…"` (Cloudflare D1, SQLite). */
  | "sql-in-command";

/** One database change, whatever wrote it. */
export interface SchemaChange {
  kind: SchemaChangeKind;
  origin: SchemaChangeOrigin;
  /** What the user wrote, for messages: `op.drop_table`, `DROP TABLE`, `batch_op.drop_column`. */
  operation: string;
  schema?: string;
  table?: string;
  column?: string;
  /** New name for renames. */
  newName?: string;
  /** Index name for create/drop index; constraint name for constraints. Absent for `None` (a name left to the naming convention). */
  name?: string;
  /** The name was given through `op.f()`: final, the naming convention does not rewrite it. */
  nameIsFinal?: boolean;
  /** create-index / add-constraint / add-foreign-key: the columns it is on, as written (expressions left out). */
  columns?: string[];
  /** create-index / add-constraint: identifiers named by the SQL it depends on (a check condition, index expressions, a partial index's WHERE), keywords included. */
  mentions?: string[];
  /** add-constraint / drop-constraint: which constraint (`type_=` of drop_constraint, or the create_* operation). */
  constraintType?: "primary" | "unique" | "check" | "foreignkey" | "exclude";
  /** add-foreign-key: the table it refers to. */
  referredTable?: string;
  /** DELETE/UPDATE: whether a WHERE clause is present and whether it is a tautology (`1=1`, `TRUE`). */
  hasWhere?: boolean;
  whereIsTautology?: boolean;
  /** add-column / alter-column-nullability: the column is NOT NULL. */
  notNull?: boolean;
  /** add-column: a DEFAULT (or server_default) is given. */
  hasDefault?: boolean;
  /** create-index: CONCURRENTLY (PostgreSQL) or `postgresql_concurrently=True`. */
  concurrently?: boolean;
  /** add-foreign-key: NOT VALID was given, so existing rows are not checked under lock. */
  notValid?: boolean;
  /** alter-column-type: the new type as written. */
  newType?: string;
  /** DROP … IF EXISTS. */
  ifExists?: boolean;
  /** Multiple objects dropped by one statement: every name, for messages. */
  objects?: string[];
  dialect?: SqlDialect;
  /** Set for changes found in an Alembic migration. */
  migration?: {
    /** The migration's revision id, when known. */
    revision?: string;
    direction: Direction;
    /** Code both upgrade() and downgrade() run (a helper both call): every direction, `direction` the first. */
    directions?: Direction[];
  };
  /**
   * True for a downgrade change that undoes a change of the same migration's upgrade (drops the
   * table or column it created, renames back). Such a change is what a downgrade is for and is
   * not reported at scan time.
   */
  reversesUpgrade?: boolean;
  /**
   * Set on an upgrade change when nothing of it is left after the same migration's downgrade: the
   * downgrade undoes it (directly, or by dropping the table or column it is on), or it was gone by
   * the end of the upgrade already (created, then dropped or renamed into another created object).
   */
  undoneByDowngrade?: boolean;
  /** drop-table: every table it drops was created earlier in the same direction (a scratch or temporary table), or it is an IF EXISTS drop right before the table's CREATE. */
  dropsOwnTable?: boolean;
  /** rename-table / rename-column in an upgrade: the downgrade renames it back, but to this other name. */
  renamedBackTo?: string;
  location: SourceLocation;
}

/** SQL that cannot be read statically: an f-string with placeholders, concatenation, a variable. */
export interface DynamicSql {
  /** Why it is dynamic: "f-string", "concatenation", "variable", "format-call", "sqlalchemy-core". */
  reason: string;
  /** How it was executed: `op.execute`, `connection.execute`, … */
  operation: string;
  migration?: { revision?: string; direction: Direction; directions?: Direction[] };
  location: SourceLocation;
}

/** A file, or a part of one, that could not be analysed. The policy fails closed on these. */
export interface ParseProblem {
  /** Which analysis failed: python (a migration), sql, hcl, yaml, json, toml, js, shell, file. */
  language: "python" | "sql" | "hcl" | "yaml" | "json" | "toml" | "js" | "shell" | "file";
  /** Whether the file as a whole could not be analysed (binary, too large, unreadable, syntax error). */
  wholeFile: boolean;
  /** The family whose rules would have read it: alembic, sql or infra; gonogo when unknown (unreadable file). */
  family: "alembic" | "sql" | "infra" | "gonogo";
  message: string;
  location: SourceLocation;
}

/** An Alembic migration module. */
export interface Migration {
  file: string;
  /** The versions directory the file lives in (POSIX, as scanned). */
  directory: string;
  revision?: string;
  /** Parent revisions: empty for a root (`down_revision = None`). */
  downRevisions: string[];
  branchLabels: string[];
  dependsOn: string[];
  /** Where `revision = …` is written, for graph findings. */
  revisionLocation: SourceLocation;
  /** Module docstring, if any (never analysed as SQL). */
  docstring?: string;
  upgrade?: MigrationFunction;
  downgrade?: MigrationFunction;
  /** The module has a syntax error: only the header could be read (alembic/parse-error reports it). */
  parseFailed?: boolean;
}

export interface MigrationFunction {
  location: SourceLocation;
  /** Location of the `def` name, for messages pointing at the function. */
  nameLocation: SourceLocation;
  /** Body holds only `pass`, `...` and/or a docstring. */
  isEmpty: boolean;
  /** Body raises (e.g. `raise NotImplementedError`) before doing anything else. */
  raises?: { exception: string; location: SourceLocation };
  /** Number of schema changes / executed statements found in the body (including helpers). */
  changeCount: number;
}

/** What deletes or empties an S3/R2 bucket, or makes it deletable. */
export type StorageActionKind =
  /** Deletes the bucket itself: DeleteBucketCommand, aws s3 rb, wrangler r2 bucket delete … */
  | "bucket-delete"
  /** Deletes every object: DeleteObjectsCommand, aws s3 rm --recursive, objects.all().delete() … */
  | "bucket-empty"
  /** force_destroy = true, forceDestroy: true, autoDeleteObjects: true. */
  | "force-destroy"
  /** DeletionPolicy: Delete, RemovalPolicy.DESTROY. */
  | "deletion-policy"
  /** terraform destroy, cdk destroy, pulumi destroy, aws cloudformation delete-stack. */
  | "destroy-command"
  /** A bucket resource with no prevent_destroy / Retain. */
  | "unprotected"
  /** A bucket resource or R2 binding present at the base revision and gone now. */
  | "removed";

export type StorageProvider = "s3" | "r2" | "unknown";

export interface StorageAction {
  kind: StorageActionKind;
  provider: StorageProvider;
  /** Where it was written: terraform, cloudformation, cdk, pulumi, sdk-js, sdk-python, cli, wrangler. */
  source: string;
  /** What the user wrote, for messages: `force_destroy = true`, `aws s3 rb`, `DeleteBucketCommand`. */
  operation: string;
  /** Bucket name when known (literal, variable default, template). */
  bucket?: string;
  /** Resource address or logical id, when there is one: `aws_s3_bucket.logs`, `LogsBucket`. */
  resource?: string;
  /** Test code against a mock, not AWS: `moto` (mock_aws, mock_s3), `aws-sdk-client-mock` (JS) or `localstack` (its endpoint). */
  mocked?: "moto" | "localstack" | "aws-sdk-client-mock";
  location: SourceLocation;
}

/** A suppression directive found in a comment. */
export interface Directive {
  kind: "disable-next-line" | "disable-line" | "disable" | "enable";
  /** Rule ids named; empty means all rules. */
  ruleIds: string[];
  reason?: string;
  location: SourceLocation;
  /** The line the directive applies to (for -next-line / -line). */
  appliesToLine?: number;
}

/** Everything extracted from one file. */
export interface FileFacts {
  file: string;
  /** What the file was recognised as: alembic, sql, terraform, cloudformation, js, python, shell, … */
  kind: string;
  migration?: Migration;
  schemaChanges: SchemaChange[];
  dynamicSql: DynamicSql[];
  storageActions: StorageAction[];
  parseProblems: ParseProblem[];
  directives: Directive[];
}

export function emptyFileFacts(file: string, kind: string): FileFacts {
  return { file, kind, schemaChanges: [], dynamicSql: [], storageActions: [], parseProblems: [], directives: [] };
}

/** The revision DAG of one Alembic environment: one versions directory, or the `version_locations` of one alembic.ini (or the config's `migrations:`). */
export interface RevisionGraph {
  /** The versions directories the graph spans. */
  directories: string[];
  /** Migrations by revision id (the first one seen when ids are duplicated). */
  migrations: Map<string, Migration>;
  /** Revisions nothing points at as a parent. */
  heads: string[];
  /** Revisions with no parent. */
  roots: string[];
  /** Revisions with two or more parents. */
  merges: string[];
  /** Each cycle as the list of revisions on it. */
  cycles: string[][];
  /** A migration naming a parent that no migration in the graph has as its revision. */
  missingParents: { migration: Migration; parent: string }[];
  /** Two or more migrations sharing one revision id. */
  duplicates: { revision: string; migrations: Migration[] }[];
  /** Findings are reported only for these files (all when undefined): pre-commit names a few. */
  reportFiles?: Set<string>;
}
