// The SQL extractor on real-looking migrations: every dialect, exact locations, DO blocks,
// tautologies, parse errors with positions, directives.
import { describe, expect, it } from "vitest";
import { extractSqlChanges, extractSqlFile } from "../src/extract/sql/index.js";
import { SourceText } from "../src/extract/source.js";
import type { SchemaChange } from "../src/extract/facts.js";
import type { SqlDialect } from "../src/types.js";

/** The source text a location covers (single- or multi-line). */
function covered(text: string, change: { location: { line: number; column: number; endLine: number; endColumn: number } }): string {
  const source = new SourceText("x", text);
  const start = source.lineStarts[change.location.line - 1]! + change.location.column - 1;
  const end = source.lineStarts[change.location.endLine - 1]! + change.location.endColumn - 1;
  return text.slice(start, end);
}

function brief(c: SchemaChange): string {
  return [c.kind, c.schema && c.table ? `${c.schema}.${c.table}` : c.table, c.column].filter(Boolean).join(" ");
}

describe("PostgreSQL scripts", () => {
  const script = [
    "-- 0042: retire the legacy billing tables",
    "BEGIN;",
    "",
    "/* the old invoices are archived in s3://billing-archive */",
    "DROP TABLE IF EXISTS billing.invoices_2019, billing.invoices_2020 CASCADE;",
    "",
    "    TRUNCATE TABLE billing.invoice_lines; -- same",
    "DELETE FROM billing.payments",
    "  WHERE 1 = 1;",
    "UPDATE accounts SET plan = 'free' WHERE plan IS NULL;",
    "ALTER TABLE accounts",
    "  ADD COLUMN plan_changed_at timestamptz NOT NULL,",
    "  DROP COLUMN IF EXISTS legacy_plan,",
    "  ALTER COLUMN balance TYPE numeric(12, 2) USING balance::numeric,",
    "  ALTER COLUMN plan SET NOT NULL,",
    "  ADD CONSTRAINT fk_accounts_owner FOREIGN KEY (owner_id) REFERENCES users (id);",
    "CREATE INDEX CONCURRENTLY idx_accounts_plan ON accounts (plan);",
    "CREATE UNIQUE INDEX idx_accounts_email ON public.accounts (lower(email));",
    "ALTER TABLE clients RENAME TO customers;",
    "ALTER TABLE customers RENAME COLUMN mail TO email;",
    "DROP SCHEMA reporting CASCADE;",
    "CREATE TABLE refunds (id bigserial PRIMARY KEY, amount numeric NOT NULL);",
    "INSERT INTO refunds (amount) VALUES (1.50);",
    "COMMIT;",
  ].join("\n");

  it("finds every change with its kind, names and details", async () => {
    const facts = await extractSqlFile("db/0042_retire_billing.sql", script, "postgresql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.kind).toBe("sql");
    expect(facts.schemaChanges.map(brief)).toEqual([
      "drop-table billing.invoices_2019",
      "truncate billing.invoice_lines",
      "delete billing.payments",
      "update accounts",
      "add-column accounts plan_changed_at",
      "drop-column accounts legacy_plan",
      "alter-column-type accounts balance",
      "alter-column-nullability accounts plan",
      "add-foreign-key accounts",
      "create-index accounts",
      "create-index public.accounts",
      "rename-table clients",
      "rename-column customers mail",
      "drop-schema",
      "create-table refunds",
      "insert refunds",
    ]);
    const [drop, , del, upd, add, dropColumn, type, nullability, fk, concurrent, plain, renameTable, renameColumn, dropSchema] = facts.schemaChanges;
    expect(drop).toMatchObject({ origin: "sql-file", dialect: "postgresql", operation: "DROP TABLE", ifExists: true, objects: ["billing.invoices_2019", "billing.invoices_2020"] });
    expect(del).toMatchObject({ hasWhere: true, whereIsTautology: true });
    expect(upd).toMatchObject({ hasWhere: true, whereIsTautology: false });
    expect(add).toMatchObject({ notNull: true, hasDefault: false });
    expect(dropColumn).toMatchObject({ ifExists: true });
    expect(type).toMatchObject({ newType: "numeric(12, 2)" });
    expect(nullability).toMatchObject({ notNull: true });
    expect(fk).toMatchObject({ name: "fk_accounts_owner", notValid: false });
    expect(concurrent).toMatchObject({ concurrently: true, name: "idx_accounts_plan" });
    expect(plain).toMatchObject({ concurrently: false, name: "idx_accounts_email" });
    expect(renameTable).toMatchObject({ newName: "customers" });
    expect(renameColumn).toMatchObject({ column: "mail", newName: "email" });
    expect(dropSchema).toMatchObject({ name: "reporting" });
    expect(facts.schemaChanges.every((c) => c.migration === undefined)).toBe(true);
  });

  it("locates each statement from its first keyword to its last token, skipping comments and indentation", async () => {
    const facts = await extractSqlFile("db/0042_retire_billing.sql", script, "postgresql");
    const [drop, truncate, del] = facts.schemaChanges;
    expect(drop!.location).toEqual({ file: "db/0042_retire_billing.sql", line: 5, column: 1, endLine: 5, endColumn: 74 });
    expect(truncate!.location).toMatchObject({ line: 7, column: 5, endLine: 7, endColumn: 41 });
    expect(covered(script, truncate!)).toBe("TRUNCATE TABLE billing.invoice_lines");
    expect(del!.location).toMatchObject({ line: 8, column: 1, endLine: 9, endColumn: 14 });
  });

  it("locates each subcommand of a multi-command ALTER TABLE", async () => {
    const facts = await extractSqlFile("db/0042_retire_billing.sql", script, "postgresql");
    const texts = facts.schemaChanges.slice(4, 9).map((c) => covered(script, c));
    expect(texts).toEqual([
      "ALTER TABLE accounts\n  ADD COLUMN plan_changed_at timestamptz NOT NULL",
      "DROP COLUMN IF EXISTS legacy_plan",
      "ALTER COLUMN balance TYPE numeric(12, 2) USING balance::numeric",
      "ALTER COLUMN plan SET NOT NULL",
      "ADD CONSTRAINT fk_accounts_owner FOREIGN KEY (owner_id) REFERENCES users (id)",
    ]);
  });

  it("counts columns in UTF-16 units after multi-byte characters", async () => {
    const text = "SELECT '🚀 café'; DROP TABLE t;";
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.schemaChanges[0]!.location).toMatchObject({ line: 1, column: 19, endColumn: 31 });
    expect(covered(text, facts.schemaChanges[0]!)).toBe("DROP TABLE t");
  });

  it("reads the statements of a function body in place: they run whenever it is called (issue 17)", async () => {
    const text = [
      "CREATE OR REPLACE FUNCTION purge_sessions() RETURNS void LANGUAGE plpgsql AS $fn$",
      "BEGIN",
      "  DELETE FROM sessions; -- runs when called: by a trigger, a later statement, the application",
      "END;",
      "$fn$;",
      "DROP TABLE old_sessions;",
    ].join("\n");
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.schemaChanges.map(brief)).toEqual(["delete sessions", "drop-table old_sessions"]);
    expect(facts.schemaChanges.map((c) => `${c.location.line}:${c.location.column}`)).toEqual(["3:3", "6:1"]);
  });

  it("knows serial, identity and generated columns have a value", async () => {
    const facts = await extractSqlFile(
      "x.sql",
      "ALTER TABLE a ADD COLUMN id bigserial NOT NULL;\nALTER TABLE a ADD COLUMN n int GENERATED ALWAYS AS IDENTITY NOT NULL;\nALTER TABLE a ADD COLUMN m int PRIMARY KEY;",
      "postgresql",
    );
    expect(facts.schemaChanges.map((c) => [c.column, c.notNull, c.hasDefault])).toEqual([
      ["id", true, true],
      ["n", true, true],
      ["m", true, false],
    ]);
  });

  it("reads NOT VALID foreign keys and DROP DATABASE", async () => {
    const facts = await extractSqlFile(
      "x.sql",
      "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nDROP DATABASE IF EXISTS scratch;",
      "postgresql",
    );
    expect(facts.schemaChanges[0]).toMatchObject({ kind: "add-foreign-key", notValid: true, table: "orders" });
    expect(facts.schemaChanges[1]).toMatchObject({ kind: "drop-database", name: "scratch", ifExists: true, operation: "DROP DATABASE" });
  });
});

describe("PL/pgSQL DO blocks", () => {
  it("finds the statements inside a DO block at their own positions", async () => {
    const text = [
      "DO $migrate$",
      "DECLARE",
      "  r record;",
      "BEGIN",
      "  IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'tmp_import') THEN",
      "    DROP TABLE tmp_import;",
      "  END IF;",
      "  FOR r IN SELECT id FROM tenants LOOP",
      "    UPDATE tenants SET migrated = true;",
      "  END LOOP;",
      "  EXECUTE 'TRUNCATE audit_events';",
      "  EXECUTE format('DROP TABLE %I', 'x');",
      "END",
      "$migrate$;",
      "DELETE FROM jobs WHERE done;",
    ].join("\n");
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges.map(brief)).toEqual(["drop-table tmp_import", "update tenants", "truncate audit_events", "drop-table <a name given at run time>", "delete jobs"]);
    const [drop, update, truncate, formatted, del] = facts.schemaChanges;
    // EXECUTE format('… %I', …): the quoted name is a placeholder; the statement starts in the format string.
    expect(formatted!.location).toMatchObject({ line: 12, column: 19 });
    expect(drop!.location).toMatchObject({ line: 6, column: 5, endLine: 6, endColumn: 26 });
    expect(update!.location).toMatchObject({ line: 9, column: 5 });
    expect(covered(text, update!)).toBe("UPDATE tenants SET migrated = true");
    // EXECUTE of a constant string: the statement inside the quotes.
    expect(truncate!.location).toMatchObject({ line: 11, column: 12 });
    expect(covered(text, truncate!)).toBe("TRUNCATE audit_events");
    expect(del!.location.line).toBe(15);
  });

  it("maps through doubled quotes of a single-quoted DO body", async () => {
    const text = "DO 'BEGIN UPDATE users SET note = ''x''; DELETE FROM sessions; END';";
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.schemaChanges.map(brief)).toEqual(["update users", "delete sessions"]);
    expect(covered(text, facts.schemaChanges[0]!)).toBe("UPDATE users SET note = ''x''");
    expect(covered(text, facts.schemaChanges[1]!)).toBe("DELETE FROM sessions");
  });

  it("reports a DO body that does not parse, and a DO block in another language", async () => {
    const text = "DO $$ BEGIN DELETEE FROM x; END $$;\nDO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE x') $$;";
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.parseProblems.map((p) => [p.location.line, p.wholeFile])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(facts.parseProblems[0]!.message).toContain("DELETEE");
    expect(facts.parseProblems[1]!.message).toContain("plpython3u");
  });
});

describe("SQL inside a Python string (non-identity mapOffset)", () => {
  it("places a statement on line 7, column 5 of the Python file", async () => {
    const python = [
      '"""add plans"""', // 1
      "from alembic import op", // 2
      "", // 3
      "", // 4
      "def upgrade():", // 5
      '    op.execute("""UPDATE accounts SET plan = \'free\' WHERE plan IS NULL;', // 6
      '    DELETE FROM accounts""")', // 7
    ].join("\n");
    const open = python.indexOf('"""UPDATE') + 3;
    const sql = python.slice(open, python.lastIndexOf('"""'));
    const result = await extractSqlChanges({
      sql,
      mapOffset: (i) => open + i,
      source: new SourceText("alembic/versions/0007_plans.py", python),
      dialect: "postgresql",
      origin: "sql-in-python",
      migration: { revision: "0007", direction: "upgrade" },
      executedBy: "op.execute",
    });
    expect(result.problems).toEqual([]);
    expect(result.directives).toEqual([]);
    const del = result.changes[1]!;
    expect(del).toMatchObject({ kind: "delete", origin: "sql-in-python", hasWhere: false, migration: { revision: "0007", direction: "upgrade" } });
    expect(del.location).toEqual({ file: "alembic/versions/0007_plans.py", line: 7, column: 5, endLine: 7, endColumn: 25 });
    expect(result.changes[0]!.location).toMatchObject({ line: 6, column: 19 });
  });

  it("follows escapes: each SQL character maps to its own source offset", async () => {
    // op.execute("DROP TABLE a;\nDROP TABLE \"b\"") — the decoded value has one character where
    // the source has two (\n, \").
    const python = 'op.execute("DROP TABLE a;\\nDROP TABLE \\"b\\"")';
    const value = 'DROP TABLE a;\nDROP TABLE "b"';
    const offsets: number[] = [];
    let s = python.indexOf('"') + 1;
    for (const ch of value) {
      offsets.push(s);
      s += ch === "\n" || ch === '"' ? 2 : 1;
    }
    offsets.push(s);
    const result = await extractSqlChanges({
      sql: value,
      mapOffset: (i) => offsets[i]!,
      source: new SourceText("m.py", python),
      dialect: "postgresql",
      origin: "sql-in-python",
    });
    const second = result.changes[1]!;
    expect(second).toMatchObject({ kind: "drop-table", table: "b" });
    expect(python.slice(second.location.column - 1, second.location.endColumn - 1)).toBe('DROP TABLE \\"b\\"');
  });

  it("reads statements with bind parameters (:name, %s, %(name)s)", async () => {
    const sql = "UPDATE accounts SET plan = :plan WHERE id = %s AND owner = %(owner)s; DELETE FROM t WHERE x::text = :v";
    const result = await extractSqlChanges({ sql, mapOffset: (i) => i, source: new SourceText("m.py", sql), dialect: "postgresql", origin: "sql-in-python" });
    expect(result.problems).toEqual([]);
    expect(result.changes.map((c) => [c.kind, c.hasWhere])).toEqual([
      ["update", true],
      ["delete", true],
    ]);
  });

  it("reports a parse error in a Python string without marking the whole file unanalysed", async () => {
    const sql = "ALTER TABEL users DROP COLUMN email";
    const result = await extractSqlChanges({ sql, mapOffset: (i) => 20 + i, source: new SourceText("m.py", " ".repeat(20) + sql), dialect: "postgresql", origin: "sql-in-python" });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ language: "sql", family: "sql", wholeFile: false, location: { line: 1, column: 27, endColumn: 32 } });
  });
});

describe("WHERE tautologies", () => {
  const pg: [string, boolean][] = [
    ["1=1", true],
    ["TRUE", true],
    ["'a'='a'", true],
    ["1", true],
    ["id = id", true],
    ["'t'::boolean", true],
    ["1 = 1 OR archived", true],
    ["NOT FALSE", true],
    ["1 <> 2", true],
    ["(1 = 1) AND (2 = 2)", true],
    ["archived", false],
    ["id = 1", false],
    ["1 = 1 AND archived", false],
    ["FALSE", false],
    ["0", false],
    ["created_at < now() - interval '1 year'", false],
  ];
  it.each(pg)("PostgreSQL WHERE %s → %s", async (where, tautology) => {
    const facts = await extractSqlFile("x.sql", `DELETE FROM t WHERE ${where};`, "postgresql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges[0]).toMatchObject({ kind: "delete", hasWhere: true, whereIsTautology: tautology });
  });

  const generic: [SqlDialect, string, boolean][] = [
    ["mysql", "1=1", true],
    ["mysql", "TRUE", true],
    ["mysql", "1", true],
    ["mysql", "'a' = 'a'", true],
    ["mysql", "`id` = `id`", true],
    ["mysql", "id = 3", false],
    ["sqlite", "1 OR 0", true],
    ["sqlite", "deleted_at IS NOT NULL", false],
    ["mssql", "1 = 1", true],
    ["mssql", "id > 10", false],
  ];
  it.each(generic)("%s WHERE %s → %s", async (dialect, where, tautology) => {
    const facts = await extractSqlFile("x.sql", `UPDATE t SET a = 1 WHERE ${where};`, dialect);
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges[0]).toMatchObject({ kind: "update", hasWhere: true, whereIsTautology: tautology });
  });
});

describe("MySQL, SQLite and SQL Server", () => {
  it("reads a MySQL migration with backticks, # comments and multi-command ALTER", async () => {
    const text = [
      "# 0017 orders cleanup",
      "DROP TABLE IF EXISTS `order_notes`;",
      "ALTER TABLE `orders` ADD COLUMN `status` VARCHAR(20) NOT NULL, DROP COLUMN `legacy_state`;",
      "ALTER TABLE orders MODIFY COLUMN total DECIMAL(12, 2) NOT NULL;",
      "ALTER TABLE orders CHANGE COLUMN cust_id customer_id INT NOT NULL;",
      "RENAME TABLE carts TO baskets;",
      "ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id);",
      "CREATE INDEX idx_status ON orders (status);",
      "TRUNCATE TABLE order_events;",
      "DELETE FROM order_events WHERE 1;",
    ].join("\n");
    const facts = await extractSqlFile("db/0017.sql", text, "mysql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges.map(brief)).toEqual([
      "drop-table order_notes",
      "add-column orders status",
      "drop-column orders legacy_state",
      "alter-column-type orders total",
      "rename-column orders cust_id",
      "alter-column-type orders cust_id",
      "rename-table carts",
      "add-foreign-key orders",
      "create-index orders",
      "truncate order_events",
      "delete order_events",
    ]);
    const changes = facts.schemaChanges;
    expect(changes.every((c) => c.dialect === "mysql")).toBe(true);
    expect(changes[1]).toMatchObject({ notNull: true, hasDefault: false });
    expect(covered(text, changes[2]!)).toBe("DROP COLUMN `legacy_state`");
    expect(changes[3]).toMatchObject({ newType: "DECIMAL(12, 2)" });
    expect(changes[4]).toMatchObject({ newName: "customer_id" });
    expect(changes[6]).toMatchObject({ newName: "baskets" });
    expect(changes[7]).toMatchObject({ name: "fk_orders_customer", notValid: false });
    expect(changes[10]).toMatchObject({ whereIsTautology: true });
    expect(changes[0]!.location).toMatchObject({ line: 2, column: 1, endColumn: 35 });
  });

  it("reads a SQLite migration", async () => {
    const text = "ALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';\nDROP TABLE `legacy users`;";
    const facts = await extractSqlFile("x.sql", text, "sqlite");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges.map(brief)).toEqual(["rename-column users name", "drop-column users nickname", "add-column users plan", "drop-table legacy users"]);
    expect(facts.schemaChanges[2]).toMatchObject({ notNull: true, hasDefault: true });
  });

  it("reads SQLite DROP INDEX and MySQL CREATE DATABASE, which need more than the stock grammar", async () => {
    const sqlite = await extractSqlFile("x.sql", "DROP INDEX IF EXISTS main.idx_users_email;", "sqlite");
    expect(sqlite.parseProblems).toEqual([]);
    expect(sqlite.schemaChanges[0]).toMatchObject({ kind: "drop-index", name: "idx_users_email", schema: "main", ifExists: true });
    const mysql = await extractSqlFile("x.sql", "CREATE DATABASE IF NOT EXISTS analytics;", "mysql");
    expect(mysql.schemaChanges[0]).toMatchObject({ kind: "create-schema", name: "analytics" });
  });

  it("keeps a SQLite trigger body with its semicolons in one statement", async () => {
    const text = "CREATE TRIGGER t AFTER DELETE ON users BEGIN DELETE FROM sessions WHERE user_id = old.id; END;\nDROP TABLE x;";
    const facts = await extractSqlFile("x.sql", text, "sqlite");
    expect(facts.schemaChanges.map(brief)).toContain("drop-table x");
    expect(facts.schemaChanges.find((c) => c.kind === "drop-table")!.location.line).toBe(2);
  });

  it("reads SQL Server batches separated by GO, bracketed names and sp_rename", async () => {
    const text = [
      "ALTER TABLE [dbo].[users] DROP COLUMN [fax]",
      "GO",
      "EXEC sp_rename N'dbo.users.mail', N'email', N'COLUMN'",
      "GO",
      "EXEC sp_rename 'dbo.clients', 'customers'",
      "GO",
      "ALTER TABLE users ALTER COLUMN email NVARCHAR(320) NOT NULL",
      "GO",
    ].join("\n");
    const facts = await extractSqlFile("x.sql", text, "mssql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges.map(brief)).toEqual(["drop-column dbo.users fax", "rename-column dbo.users mail", "rename-table dbo.clients", "alter-column-type users email"]);
    expect(facts.schemaChanges[1]).toMatchObject({ newName: "email", operation: "EXEC sp_rename" });
    expect(facts.schemaChanges[1]!.location).toMatchObject({ line: 3, column: 1 });
    expect(facts.schemaChanges[3]).toMatchObject({ newType: "NVARCHAR(320)" });
  });

  it("reads SQL Server foreign keys (WITH NOCHECK is NOT VALID) and DROP DATABASE", async () => {
    const text = [
      "ALTER TABLE [dbo].[orders] WITH NOCHECK ADD CONSTRAINT [fk_orders_customer] FOREIGN KEY ([customer_id]) REFERENCES [dbo].[customers] ([id])",
      "GO",
      "ALTER TABLE dbo.orders ADD CONSTRAINT fk_orders_store FOREIGN KEY (store_id) REFERENCES dbo.stores (id)",
      "GO",
      "DROP DATABASE IF EXISTS [analytics_staging]",
      "GO",
    ].join("\n");
    const facts = await extractSqlFile("x.sql", text, "mssql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges.map((c) => [c.kind, c.schema, c.table ?? c.name, c.name, c.notValid ?? c.ifExists, c.location.line])).toEqual([
      ["add-foreign-key", "dbo", "orders", "fk_orders_customer", true, 1],
      ["add-foreign-key", "dbo", "orders", "fk_orders_store", false, 3],
      ["drop-database", undefined, "analytics_staging", "analytics_staging", true, 5],
    ]);
  });

  it("reads SQL Server statements that are not separated by semicolons", async () => {
    const text = "ALTER TABLE dbo.users DROP COLUMN fax\nUPDATE dbo.users SET active = 1\nDROP TABLE dbo.legacy_users\nGO\n";
    const facts = await extractSqlFile("x.sql", text, "mssql");
    expect(facts.parseProblems).toEqual([]);
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.location.line, c.location.column, c.location.endColumn])).toEqual([
      ["drop-column", "users", 1, 1, 38],
      ["update", "users", 2, 1, 32],
      ["drop-table", "legacy_users", 3, 1, 28],
    ]);
  });

  it("reports statements the grammar misreads instead of inventing facts", async () => {
    const facts = await extractSqlFile("x.sql", "ALTER TABLE o WITH NOCHECK ADD c INT;", "mssql");
    expect(facts.schemaChanges).toEqual([]);
    expect(facts.parseProblems).toHaveLength(1);
    expect(facts.parseProblems[0]).toMatchObject({ wholeFile: true, location: { line: 1, column: 1 } });
  });
});

describe("parse errors", () => {
  it("points at the failing token and still reads the other statements", async () => {
    const text = "ALTER TABLE orders ADD COLUMN note text;\n\nALTER TABEL orders DROP COLUMN legacy;\nDROP TABLE order_notes;\n";
    const facts = await extractSqlFile("db/0160.sql", text, "postgresql");
    expect(facts.schemaChanges.map(brief)).toEqual(["add-column orders note", "drop-table order_notes"]);
    expect(facts.parseProblems).toEqual([
      {
        language: "sql",
        family: "sql",
        wholeFile: false,
        message: 'SQL (postgresql) does not parse: syntax error at or near "TABEL"',
        location: { file: "db/0160.sql", line: 3, column: 7, endLine: 3, endColumn: 12 },
      },
    ]);
  });

  it("converts the error cursor past multi-byte characters", async () => {
    const text = "INSERT INTO notes VALUES ('naïve 🚀');\nDROP TABLEX notes;";
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.parseProblems[0]!.location).toMatchObject({ line: 2, column: 6, endColumn: 12 });
  });

  it("marks a .sql file with nothing readable as unanalysed as a whole", async () => {
    const facts = await extractSqlFile("x.sql", "DROP TABLE 'users;\n", "postgresql");
    expect(facts.parseProblems).toHaveLength(1);
    expect(facts.parseProblems[0]).toMatchObject({ wholeFile: true, location: { line: 1, column: 12 } });
    expect(facts.parseProblems[0]!.message).toContain("unterminated");
  });

  it("reports MySQL errors at their position", async () => {
    const facts = await extractSqlFile("x.sql", "DROP TABLE a;\n  DELETE FORM b;", "mysql");
    expect(facts.schemaChanges.map(brief)).toEqual(["drop-table a"]);
    expect(facts.parseProblems).toHaveLength(1);
    expect(facts.parseProblems[0]).toMatchObject({ wholeFile: false, location: { line: 2 } });
  });

  it("treats an empty or comment-only file as nothing to report", async () => {
    for (const text of ["", "-- nothing yet\n/* later */\n"]) {
      const facts = await extractSqlFile("x.sql", text, "postgresql");
      expect(facts.schemaChanges).toEqual([]);
      expect(facts.parseProblems).toEqual([]);
    }
  });
});

describe("directives in .sql files", () => {
  it("reads -- gonogo-disable-next-line comments with their reason and target line", async () => {
    const text = "-- gonogo-disable-next-line sql/drop-table -- renamed to _deprecated_sessions in 0041\nDROP TABLE _deprecated_sessions;\n/* gonogo-disable-next-line sql/truncate */\nTRUNCATE cache;";
    const facts = await extractSqlFile("x.sql", text, "postgresql");
    expect(facts.directives).toEqual([
      { kind: "disable-next-line", ruleIds: ["sql/drop-table"], reason: "renamed to _deprecated_sessions in 0041", appliesToLine: 2, location: { file: "x.sql", line: 1, column: 1, endLine: 1, endColumn: 86 } },
      { kind: "disable-next-line", ruleIds: ["sql/truncate"], appliesToLine: 4, location: { file: "x.sql", line: 3, column: 1, endLine: 3, endColumn: 44 } },
    ]);
  });

  it("reads directives in MySQL # comments too, and none from SQL in Python strings", async () => {
    const mysql = await extractSqlFile("x.sql", "# gonogo-disable-next-line sql/drop-table -- archived\nDROP TABLE a;", "mysql");
    expect(mysql.directives.map((d) => d.ruleIds)).toEqual([["sql/drop-table"]]);
    const sql = "-- gonogo-disable-next-line sql/drop-table -- x\nDROP TABLE a";
    const inPython = await extractSqlChanges({ sql, mapOffset: (i) => i, source: new SourceText("m.py", sql), dialect: "postgresql", origin: "sql-in-python" });
    expect(inPython.directives).toEqual([]);
  });
});
