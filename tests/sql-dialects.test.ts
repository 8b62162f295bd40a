// The SQL dialect without configuration: from the path (`versions/sqlite/`), from alembic.ini or
// env.py, from `overrides[].dialect`; statements the grammars lack but that are harmless; SQL that
// parses only in another dialect; driver placeholders. The projects under fixtures/dialects/ are
// shaped like real ones (each file says which).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../src/engine/scan.js";
import { parseConfigText } from "../src/engine/config.js";
import { extractSqlChanges, extractSqlFile } from "../src/extract/sql/index.js";
import { neutralizeBindParameters } from "../src/extract/sql/bind-parameters.js";
import { databaseUrlInEnv, databaseUrlInIni, dialectOfUrl } from "../src/extract/alembic/database-url.js";
import { SourceText } from "../src/extract/source.js";
import { extractMigration } from "../src/extract/alembic/migration.js";
import type { SqlDialect } from "../src/types.js";
import { runCli, tempProject } from "./helpers.js";

const root = path.resolve(import.meta.dirname, "../fixtures/dialects");

/** Findings as `file line:column-endLine:endColumn rule`, files relative to the project. */
async function findingsOf(project: string, options: { configFile?: false | string } = {}): Promise<string[]> {
  const result = await scan({ cwd: path.join(root, project), configFile: options.configFile ?? false });
  return result.findings.map((f) => `${f.file} ${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}`);
}

async function changesOf(project: string): Promise<string[]> {
  const result = await scan({ cwd: path.join(root, project), configFile: false });
  // The directory of the migration (sqlite, postgresql, versions) tells the files apart.
  return result.facts.schemaChanges.map((c) => `${path.posix.basename(path.posix.dirname(c.location.file))} ${c.location.line}:${c.location.column} ${c.kind} ${c.dialect}`);
}

describe("the dialect of a versions directory", () => {
  it("is SQLite under versions/sqlite/ and PostgreSQL under versions/postgresql/ (one env.py for both)", async () => {
    const sqlite = "_migrations/versions/sqlite/2024_01_22_120214_265eb1a2da4c_add_slug.py";
    const postgresql = "_migrations/versions/postgresql/2024_01_22_120615_265eb1a2da4c_add_slug.py";
    expect(await findingsOf("two-databases")).toEqual([
      // PostgreSQL: a plain CREATE INDEX locks writes; a typo is still a parse error.
      `${postgresql} 17:5-17:67 sql/create-index-non-concurrently`,
      `${postgresql} 18:23-18:28 sql/parse-error`,
      // SQLite: PRAGMA is no parse error, CREATE INDEX has no CONCURRENTLY to ask for, DROP TABLE still counts.
      `${sqlite} 20:17-20:42 sql/drop-table`,
    ]);
    expect((await changesOf("two-databases")).filter((c) => c.startsWith("sqlite"))).toEqual([
      "sqlite 18:9 add-column sqlite",
      "sqlite 19:5 create-index sqlite",
      "sqlite 20:17 drop-table sqlite",
      "sqlite 26:5 drop-index sqlite",
      "sqlite 28:9 drop-column sqlite",
    ]);
  });

  it("is MySQL when alembic.ini names a mysql+pymysql:// URL", async () => {
    expect(await findingsOf("ini-mysql")).toEqual(["db/versions/8f2b1c3d4e5a_widen_total.py 13:17-13:75 sql/alter-column-type"]);
    expect(await changesOf("ini-mysql")).toEqual(["versions 13:17 alter-column-type mysql", "versions 19:17 alter-column-type mysql"]);
  });

  it("is the default when env.py replaces alembic.ini's URL with a computed one", async () => {
    const file = "data/migrations/versions/34c8ef052ec9_repo_mirror_columns.py";
    expect(await findingsOf("overridden-ini")).toEqual([
      `${file} 13:17-13:84 sql/alter-column-type`,
      `${file} 14:5-14:89 sql/create-index-non-concurrently`,
      `${file} 17:5-17:14 alembic/empty-downgrade`,
    ]);
  });

  it("is what overrides[].dialect says, whatever the path says", async () => {
    const project = tempProject({
      "gonogo.config.yaml": "overrides:\n  - files: ['legacy/**']\n    dialect: mysql\n",
      "legacy/versions/sqlite/0001_widen.sql": "ALTER TABLE `orders` MODIFY `total` DECIMAL(12,2) NOT NULL;\n",
      "current/versions/sqlite/0001_pragma.sql": "PRAGMA foreign_keys=OFF;\nDROP TABLE orders_old;\n",
    });
    const result = await scan({ cwd: project });
    expect(result.findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      "current/versions/sqlite/0001_pragma.sql 2:1 sql/drop-table",
      "legacy/versions/sqlite/0001_widen.sql 1:1 sql/alter-column-type",
    ]);
    expect(result.facts.schemaChanges.map((c) => c.dialect)).toEqual(["sqlite", "mysql"]);
  });

  it("a .sql file under a named directory is read in that dialect; --dialect is only the default", async () => {
    const project = tempProject({ "db/mysql/V2__widen.sql": "ALTER TABLE `orders` MODIFY `total` DECIMAL(12,2);\n", "db/V3__pragma.sql": "PRAGMA foreign_keys=OFF;\n" });
    const run = await runCli(["scan", ".", "--no-config", "--dialect", "sqlite", "--format", "json"], { cwd: project });
    const messages = (JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[]).flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)} ${m.ruleId}`));
    expect(messages).toEqual(["V2__widen.sql sql/alter-column-type"]);
  });

  it("a bad overrides[].dialect is a config error naming the file, the path and the choices", () => {
    expect(() => parseConfigText("gonogo.config.yaml", "overrides:\n  - files: ['a/**']\n    dialect: oracle\n")).toThrow(
      'gonogo.config.yaml:3:14: overrides[0].dialect must be one of "postgresql", "mysql", "sqlite", "mssql"',
    );
  });

  it("the CLI exits 2 on it", async () => {
    const project = tempProject({ "gonogo.config.yaml": "overrides:\n  - files: ['a/**']\n    dialect: sqlserver\n" });
    const run = await runCli(["scan", "."], { cwd: project });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("overrides[0].dialect must be one of");
  });
});

describe("alembic.ini and env.py", () => {
  it("reads the scheme of a URL", () => {
    expect(["postgresql+psycopg2://u:p@h/db", "postgres://h/db", "mysql+pymysql://h/db", "mariadb://h/db", "sqlite:///app.db", "sqlite://", "mssql+pyodbc://dsn", "driver://user:pass@localhost/dbname", "oracle://h", "not a url"].map(dialectOfUrl)).toEqual([
      "postgresql",
      "postgresql",
      "mysql",
      "mysql",
      "sqlite",
      "sqlite",
      "mssql",
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("alembic.ini: the literal sqlalchemy.url, not an interpolated or empty one", () => {
    expect(databaseUrlInIni("[alembic]\nscript_location = db\nsqlalchemy.url = sqlite:///app.db\n")).toEqual({ kind: "literal", url: "sqlite:///app.db", dialect: "sqlite" });
    expect(databaseUrlInIni("[alembic]\n# sqlalchemy.url = mysql://x\nsqlalchemy.url =\n")).toEqual({ kind: "none" });
    expect(databaseUrlInIni("[alembic]\nsqlalchemy.url = %(DB_URL)s\n")).toEqual({ kind: "computed" });
    // Two databases in one ini (Alembic's multidb template): no single dialect.
    expect(databaseUrlInIni("[engine1]\nsqlalchemy.url = mysql://a\n[engine2]\nsqlalchemy.url = postgresql://b\n")).toEqual({ kind: "computed" });
  });

  it("env.py: a literal URL set or used, a computed one, or one read back from the ini", () => {
    expect(databaseUrlInEnv('config.set_main_option("sqlalchemy.url", "mysql://app@db/app")\n')).toMatchObject({ kind: "literal", dialect: "mysql" });
    expect(databaseUrlInEnv('engine = create_engine("sqlite:///local.db")\n')).toMatchObject({ kind: "literal", dialect: "sqlite" });
    expect(databaseUrlInEnv('cfg = config.get_section(config.config_ini_section)\ncfg["sqlalchemy.url"] = os.environ["DB"]\n')).toEqual({ kind: "computed" });
    expect(databaseUrlInEnv('url = config.get_main_option("sqlalchemy.url")\nengine = create_engine(url)\ncontext.configure(url=url)\n')).toEqual({ kind: "none" });
    expect(databaseUrlInEnv('config.set_main_option("sqlalchemy.url", f"postgresql://{host}/db")\n')).toEqual({ kind: "computed" });
  });
});

async function read(sql: string, dialect: SqlDialect = "postgresql") {
  const result = await extractSqlChanges({ sql, mapOffset: (i) => i, source: new SourceText("m.py", sql), dialect, origin: "sql-in-python" });
  return {
    changes: result.changes.map((c) => `${c.kind} ${c.dialect} ${c.location.column}-${c.location.endColumn}${c.whereIsTautology ? " always-true" : ""}`),
    problems: result.problems.map((p) => `${p.location.column}-${p.location.endColumn} ${p.message}`),
  };
}

describe("statements the grammars lack, harmless in their dialect", () => {
  it.each([
    ["sqlite", "PRAGMA foreign_keys=OFF"],
    ["sqlite", "PRAGMA main.journal_mode = 'wal'"],
    ["sqlite", "PRAGMA cache_size(-2000)"],
    ["sqlite", "PRAGMA legacy_alter_table"],
    ["sqlite", "VACUUM"],
    ["sqlite", "VACUUM main INTO 'backup.db'"],
    ["sqlite", "ANALYZE"],
    ["sqlite", "REINDEX ix_flow_run__state"],
    ["mysql", "SET FOREIGN_KEY_CHECKS=0"],
    ["mysql", "ANALYZE TABLE `orders`, customers"],
    ["mysql", "OPTIMIZE NO_WRITE_TO_BINLOG TABLE orders"],
    ["mysql", "ALTER TABLE tags CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"],
    ["mssql", "SET NOCOUNT ON"],
    ["mssql", "SET XACT_ABORT, ANSI_NULLS ON"],
    ["mssql", "SET IDENTITY_INSERT dbo.orders OFF"],
  ] as const)("%s: %s", async (dialect, sql) => {
    expect(await read(sql, dialect)).toEqual({ changes: [], problems: [] });
  });

  it.each([
    ["sqlite", "PRAGMA foreign_keys = OFF ON"],
    ["sqlite", "PRAGMA (x)"],
    ["mysql", "ANALYZE TABLE"],
    ["sqlite", "PRAGMA"],
    ["sqlite", "ANALYZE TABLE"],
  ] as const)("not a whole statement of that shape, so still a parse error: %s: %s", async (dialect, sql) => {
    // As a .sql file: no other dialect is tried, the reader alone decides.
    const facts = await extractSqlFile("V1__maintenance.sql", sql, dialect);
    expect(facts.parseProblems).toHaveLength(1);
  });

  it("MySQL CONVERT TO CHARACTER SET rewrites every text column: a type change", async () => {
    expect(await read("ALTER TABLE tags CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "mysql")).toEqual({ changes: ["alter-column-type mysql 1-70"], problems: [] });
  });
});

describe("SQL that parses only in another dialect Alembic serves", () => {
  it("is read in that dialect, its facts reach the rules", async () => {
    // Modelled on openstack/neutron d553edeb540f: MySQL-only statements, unguarded, in a try block.
    expect(await read("ALTER TABLE tags CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")).toEqual({ changes: ["alter-column-type mysql 1-70"], problems: [] });
    expect(await read("PRAGMA foreign_keys=OFF; DROP TABLE flow_run_old")).toEqual({ changes: ["drop-table postgresql 26-49"], problems: [] });
    // A MySQL backslash escape does not even tokenize as PostgreSQL: the whole text is read as MySQL.
    expect(await read("UPDATE notes SET body = 'it\\'s'; DROP TABLE notes_old")).toEqual({ changes: ["update mysql 1-32", "drop-table mysql 34-54"], problems: [] });
  });

  it("a DROP TABLE that parses only in MySQL is still a drop-table", async () => {
    expect(await read("DROP TABLE `sessions`")).toEqual({ changes: ["drop-table mysql 1-22"], problems: [] });
  });

  it("a statement no dialect reads keeps its problem at the failing token; the others are still read", async () => {
    expect(await read("DROP TABLE a; ALTER TABEL b DROP COLUMN c; TRUNCATE d")).toEqual({
      changes: ["drop-table postgresql 1-13", "truncate postgresql 44-54"],
      problems: ['21-26 SQL (postgresql) does not parse: syntax error at or near "TABEL"'],
    });
  });

  it("a .sql file is run as written: no other dialect is tried", async () => {
    const project = tempProject({ "db/V4__pragma.sql": "PRAGMA foreign_keys=OFF;\n" });
    const result = await scan({ cwd: project, configFile: false });
    expect(result.findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual(["1:1 sql/parse-error"]);
  });
});

describe("driver placeholders", () => {
  it("are parameters in every form, IN p included, in every dialect", async () => {
    for (const dialect of ["postgresql", "mysql", "sqlite", "mssql"] as const) {
      for (const sql of [
        "UPDATE comments SET revision_id = %s WHERE id IN %s",
        "UPDATE comments SET revision_id = %(rev)s WHERE id NOT IN %(ids)s",
        "UPDATE comments SET revision_id = :rev WHERE id IN :ids",
      ]) {
        expect(await read(sql, dialect), `${dialect}: ${sql}`).toEqual({ changes: [`update ${dialect} 1-${sql.length + 1}`], problems: [] });
      }
    }
    expect(await read("UPDATE comments SET revision_id = ? WHERE id IN ?", "sqlite")).toEqual({ changes: ["update sqlite 1-50"], problems: [] });
  });

  it("one name is one value: `:a = :a` is always true, `:a = :b` is not", async () => {
    expect(await read("DELETE FROM revisions WHERE :everything = :everything")).toEqual({ changes: ["delete postgresql 1-54 always-true"], problems: [] });
    expect(await read("DELETE FROM revisions WHERE :a = :b")).toEqual({ changes: ["delete postgresql 1-36"], problems: [] });
    expect(await read("DELETE FROM revisions WHERE %s = %s")).toEqual({ changes: ["delete postgresql 1-36"], problems: [] });
  });

  it("locations stay in the original text: a problem after a placeholder points at its own token", async () => {
    // Columns counted in the original text, though `%(value)s` became `$1` and `IN %(ids)s` `IN ($2)`.
    expect(await read("UPDATE t SET a = %(value)s WHERE id IN %(ids)s AND AND")).toEqual({
      changes: [],
      problems: ['52-55 SQL (postgresql) does not parse: syntax error at or near "AND"'],
    });
    const { sql, toOriginal } = neutralizeBindParameters("x IN %s AND y = :y", "postgresql");
    expect(sql).toBe("x IN ($1) AND y = $2");
    expect([sql.indexOf("("), sql.indexOf(")"), sql.indexOf("$2"), sql.length].map(toOriginal)).toEqual([5, 6, 16, 18]);
  });

  it("in a migration: placeholders of psycopg2 and SQLAlchemy (modelled on indico/indico)", async () => {
    const file = "migrations/versions/0af8f63aa603_refactor_revisions.py";
    expect(await findingsOf("placeholders")).toEqual([`${file} 18:24-18:91 sql/delete-without-where`, `${file} 22:5-22:14 alembic/empty-downgrade`]);
  });
});

describe("dialect guards in a migration", () => {
  it("SQL and operations under a guard are read in its dialect; destructive ones are still reported", async () => {
    const result = await scan({ cwd: path.join(root, "guards"), configFile: false });
    const versions = "data/migrations/versions";
    // Only the sql/* rules: alembic/* findings of these files are not what is tested here.
    expect(result.findings.filter((f) => f.ruleId.startsWith("sql/")).map((f) => `${f.file} ${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}`)).toEqual([
      // After `if dialect != "mysql": return`: MySQL's MODIFY, and a TRUNCATE that stays a finding.
      `${versions}/2d66ad598b56_metadata_json_size.py 17:17-17:79 sql/alter-column-type`,
      `${versions}/2d66ad598b56_metadata_json_size.py 18:17-18:49 sql/truncate`,
      // Under `engine.name == MYSQL_ENGINE`: MySQL's DROP PRIMARY KEY parses; the DROP TABLE is still one.
      `${versions}/a9c43481023c_extend_port_bindings.py 21:21-21:55 sql/drop-table`,
      // `!= "sqlite"` says nothing of which database it is: PostgreSQL, the default, asks for CONCURRENTLY.
      `${versions}/b1a79fa8e630_user_email_index.py 21:9-21:63 sql/create-index-non-concurrently`,
      // The else of `!= "sqlite"` is SQLite: a DROP TABLE there is still one.
      `${versions}/b1a79fa8e630_user_email_index.py 24:21-24:40 sql/drop-table`,
    ]);
    expect(result.findings.filter((f) => f.ruleId === "sql/parse-error")).toEqual([]);
    const dialects = result.facts.schemaChanges.map((c) => `${path.posix.basename(c.location.file).slice(0, 12)} ${c.location.line}:${c.location.column} ${c.kind} ${c.dialect}`).sort();
    expect(dialects).toEqual([
      "2d66ad598b56 16:5 create-index mysql",
      "2d66ad598b56 17:17 alter-column-type mysql",
      "2d66ad598b56 18:17 truncate mysql",
      "2d66ad598b56 25:9 create-index sqlite",
      "2d66ad598b56 26:5 drop-index postgresql",
      "a9c43481023c 20:69 add-constraint mysql",
      "a9c43481023c 21:21 drop-table mysql",
      "a9c43481023c 23:9 drop-constraint postgresql",
      "a9c43481023c 24:9 add-constraint postgresql",
      "a9c43481023c 29:69 add-constraint mysql",
      "b1a79fa8e630 16:21 create-index postgresql",
      "b1a79fa8e630 18:21 create-index mysql",
      "b1a79fa8e630 19:9 create-index mysql",
      "b1a79fa8e630 21:9 create-index postgresql",
      "b1a79fa8e630 24:21 drop-table sqlite",
      "b1a79fa8e630 28:5 drop-index postgresql",
      "b1a79fa8e630 29:5 drop-index postgresql",
      "b1a79fa8e630 30:5 drop-index postgresql",
    ]);
  });

  /** The dialect of `op.drop_table("t")` placed in `body` (an upgrade() body, 4-space indented). */
  async function dialectUnder(body: string, prelude = ""): Promise<(string | undefined)[]> {
    const text = `from alembic import op\n${prelude}revision = "1"\ndown_revision = None\n\ndef upgrade():\n${body}\n\ndef downgrade():\n    pass\n`;
    const facts = await extractMigration("versions/1_x.py", text, { dialect: "postgresql", directory: "versions" });
    return facts.schemaChanges.map((c) => `${c.table}:${c.dialect}`);
  }

  it.each([
    ['    if op.get_bind().dialect.name == "mysql":\n        op.drop_table("a")', ["a:mysql"]],
    ['    if "sqlite" == op.get_context().dialect.name:\n        op.drop_table("a")', ["a:sqlite"]],
    ['    if bind.engine.name in ("mysql", "mariadb"):\n        op.drop_table("a")', ["a:mysql"]],
    ['    if bind.dialect.name in ("mysql", "sqlite"):\n        op.drop_table("a")', ["a:postgresql"]],
    ['    if not bind.dialect.name != "mssql":\n        op.drop_table("a")', ["a:mssql"]],
    ['    if bind.dialect.name == "mysql" or bind.dialect.name == "mariadb":\n        op.drop_table("a")', ["a:mysql"]],
    ['    if bind.dialect.name == "sqlite" and has_index:\n        op.drop_table("a")\n    else:\n        op.drop_table("b")', ["a:sqlite", "b:postgresql"]],
    ['    if bind.dialect.name == "mysql":\n        op.drop_table("a")\n    elif bind.dialect.name == "sqlite":\n        op.drop_table("b")\n    else:\n        op.drop_table("c")', ["a:mysql", "b:sqlite", "c:postgresql"]],
    ['    if bind.dialect.name != "sqlite":\n        op.drop_table("a")\n    else:\n        op.drop_table("b")', ["a:postgresql", "b:sqlite"]],
    ['    if bind.dialect.name not in ("mysql",):\n        op.drop_table("a")\n    else:\n        op.drop_table("b")', ["a:postgresql", "b:mysql"]],
    ['    if bind.dialect.name != "mysql":\n        raise NotImplementedError()\n    op.drop_table("a")', ["a:mysql"]],
    ['    if bind.dialect.name == "mysql":\n        return\n    op.drop_table("a")', ["a:postgresql"]],
    ['    dialect = op.get_bind().dialect\n    if dialect.name == "sqlite":\n        op.drop_table("a")', ["a:sqlite"]],
    ['    if settings.name == "mysql":\n        op.drop_table("a")', ["a:postgresql"]],
    ['    if bind.dialect.name == "oracle":\n        op.drop_table("a")', ["a:postgresql"]],
    ['    if bind.dialect.name == "mysql":\n        drop_old()', ["old:mysql"]],
  ])("%s", async (body, expected) => {
    expect(await dialectUnder(body, 'def drop_old():\n    op.drop_table("old")\n\n')).toEqual(expected);
  });

  it("a module constant names the dialect (openstack/neutron's MYSQL_ENGINE)", async () => {
    expect(await dialectUnder('    engine = op.get_bind().engine\n    if engine.name == MYSQL_ENGINE:\n        op.drop_table("a")', 'MYSQL_ENGINE = "mysql"\n')).toEqual(["a:mysql"]);
  });
});

describe("bad input around the dialect", () => {
  it("a broken env.py still names its URL; an alembic.ini that is a directory or binary names none; no crash", async () => {
    const migration = 'from alembic import op\nrevision = "1"\ndown_revision = None\n\ndef upgrade():\n    op.create_index("ix_orders_total", "orders", ["total"])\n\ndef downgrade():\n    pass\n';
    const project = tempProject({
      "a/env.py": "config.set_main_option('sqlalchemy.url', 'mysql://x')\ndef run_migrations(:\n    (((\n",
      "a/versions/1_widen.py": migration,
      "b/alembic.ini/keep": "",
      "b/versions/1_widen.py": migration.replace('"1"', '"2"'),
      "c/alembic.ini": Buffer.from([0xff, 0xfe, 0x00, 0x5b, 0x00]),
      "c/versions/1_widen.py": migration.replace('"1"', '"3"'),
    });
    const result = await scan({ cwd: project, configFile: false });
    // tree-sitter recovers from the syntax error: the literal MySQL URL is still read.
    expect(result.facts.schemaChanges.map((c) => `${c.location.file} ${c.dialect}`)).toEqual(["a/versions/1_widen.py mysql", "b/versions/1_widen.py postgresql", "c/versions/1_widen.py postgresql"]);
    expect(result.findings.filter((f) => f.ruleId.startsWith("sql/")).map((f) => `${f.file} ${f.ruleId}`)).toEqual(["b/versions/1_widen.py sql/create-index-non-concurrently", "c/versions/1_widen.py sql/create-index-non-concurrently"]);
  });
});
