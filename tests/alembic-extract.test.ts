// The Alembic extractor: every way a migration changes the schema becomes a fact with an exact
// location, and strings that merely mention SQL are never analysed.
import { describe, expect, test } from "vitest";
import { extractMigration } from "../src/extract/alembic/migration.js";
import type { SchemaChange } from "../src/extract/facts.js";
import { OPERATIONS } from "../src/extract/alembic/operations.js";

const context = { dialect: "postgresql" as const, directory: "alembic/versions" };
const extract = (code: string) => extractMigration("alembic/versions/0001_x.py", code, context);
const header = 'revision = "0001"\ndown_revision = None\n';
const brief = (c: SchemaChange) => ({ kind: c.kind, table: c.table, column: c.column, direction: c.migration?.direction, line: c.location.line, column1: c.location.column });

describe("header", () => {
  test("revision ids with type annotations, tuples, lists and None", async () => {
    const facts = await extract(
      [
        '"""merge heads\n\nRevises: stale_in_docstring\n"""',
        "from typing import Sequence, Union",
        'revision: str = "c0ffee"',
        'down_revision: Union[str, Sequence[str], None] = ("a1", "b2")',
        'branch_labels = ["billing"]',
        "depends_on = None",
      ].join("\n"),
    );
    expect(facts.migration).toMatchObject({ revision: "c0ffee", downRevisions: ["a1", "b2"], branchLabels: ["billing"], dependsOn: [] });
    expect(facts.migration!.docstring).toContain("stale_in_docstring");
    expect(facts.migration!.revisionLocation).toMatchObject({ line: 6, column: 1 });
  });

  test("upgrade/downgrade presence, emptiness and raising", async () => {
    const facts = await extract(`${header}\ndef upgrade():\n    op.drop_column("users", "age")\n\ndef downgrade():\n    """Cannot."""\n    raise NotImplementedError("age is gone")\n`);
    expect(facts.migration!.upgrade).toMatchObject({ isEmpty: false, changeCount: 1 });
    expect(facts.migration!.downgrade).toMatchObject({ isEmpty: false, raises: { exception: "NotImplementedError", location: { line: 9, column: 5 } } });
    const empty = await extract(`${header}\ndef upgrade():\n    ...\n\ndef downgrade():\n    """Nothing."""\n    # really nothing\n    pass\n`);
    expect(empty.migration!.downgrade!.isEmpty).toBe(true);
    expect(empty.migration!.upgrade!.isEmpty).toBe(true);
  });
});

describe("operations", () => {
  test("calls nested in expressions: lists, dicts, keyword arguments, annotations, f-strings, operators, subscripts", async () => {
    // The walk skips an expression whose text has no `(` (it cannot hold a call): each of these holds one.
    const facts = await extract(
      `${header}\ndef upgrade():\n    done = [op.drop_table("a")]\n    kept = {"b": op.drop_column("b", "c")}\n    helper(key=op.drop_table("d"))\n    x: Dict[str, op.drop_table("e")] = None\n    label = f"{op.drop_table('f')}"\n    flag = not op.drop_table("g") or tables[op.drop_table("h")].name\n`,
    );
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.column ?? null, c.location.line, c.location.column])).toEqual([
      ["drop-table", "a", null, 5, 13],
      ["drop-column", "b", "c", 6, 18],
      ["drop-table", "d", null, 7, 16],
      ["drop-table", "e", null, 8, 18],
      ["drop-table", "f", null, 9, 16],
      ["drop-table", "g", null, 10, 16],
      ["drop-table", "h", null, 10, 45],
    ]);
  });

  test("op under another name, batch_op, op as a parameter and helper functions", async () => {
    const facts = await extract(
      [
        "from alembic import op as alembic_op",
        "import sqlalchemy as sa",
        header,
        "def _drop_legacy(ops):",
        '    ops.drop_table("legacy_tokens")',
        "",
        "def upgrade():",
        '    alembic_op.add_column("users", sa.Column("age", sa.Integer(), nullable=False))',
        '    with alembic_op.batch_alter_table("orders", schema="shop") as batch_op:',
        '        batch_op.drop_column("coupon")',
        '        batch_op.alter_column("total", type_=sa.Numeric(12, 2), new_column_name="total_amount")',
        "    _drop_legacy(alembic_op)",
        "",
        "def downgrade(op):",
        '    op.rename_table("b", "a")',
      ].join("\n"),
    );
    expect(facts.schemaChanges.map(brief)).toEqual([
      { kind: "add-column", table: "users", column: "age", direction: "upgrade", line: 10, column1: 5 },
      { kind: "drop-column", table: "orders", column: "coupon", direction: "upgrade", line: 12, column1: 9 },
      { kind: "alter-column-type", table: "orders", column: "total", direction: "upgrade", line: 13, column1: 9 },
      { kind: "rename-column", table: "orders", column: "total", direction: "upgrade", line: 13, column1: 9 },
      { kind: "drop-table", table: "legacy_tokens", column: undefined, direction: "upgrade", line: 7, column1: 5 },
      { kind: "rename-table", table: "b", column: undefined, direction: "downgrade", line: 17, column1: 5 },
    ]);
    expect(facts.schemaChanges[0]).toMatchObject({ notNull: true, hasDefault: false, operation: "alembic_op.add_column" });
    expect(facts.schemaChanges[1]).toMatchObject({ operation: "batch_op.drop_column", schema: "shop" });
  });

  test("names passed through constants are resolved; computed names are named by their expression", async () => {
    const facts = await extract(
      [
        header,
        'AUDIT = "audit_log"',
        "",
        "def upgrade():",
        '    legacy = "legacy_" + "carts"',
        "    op.drop_table(AUDIT)",
        "    op.drop_table(legacy)",
        "    for name in OLD_TABLES:",
        "        op.drop_table(name)",
        '    op.drop_index(op.f("ix_orders_created_at"), table_name="orders")',
        '    with op.batch_alter_table("orders") as batch_op:',
        '        batch_op.create_index(batch_op.f("ix_orders_region"), ["region"], unique=False)',
      ].join("\n"),
    );
    expect(facts.schemaChanges.map((c) => c.table)).toEqual(["audit_log", "legacy_carts", "<name>", "orders", "orders"]);
    expect(facts.schemaChanges[3]!.name).toBe("ix_orders_created_at");
    expect(facts.schemaChanges[4]!.name).toBe("ix_orders_region");
  });

  test("a downgrade that drops what its upgrade created reverses it; other drops do not", async () => {
    const facts = await extract(
      `${header}\ndef upgrade():\n    op.create_table("audit", sa.Column("id", sa.Integer()))\n    op.add_column("users", sa.Column("nick", sa.Text()))\n\ndef downgrade():\n    op.drop_column("users", "nick")\n    op.drop_table("audit")\n    op.drop_table("sessions")\n`,
    );
    const down = facts.schemaChanges.filter((c) => c.migration?.direction === "downgrade");
    expect(down.map((c) => [c.table, c.reversesUpgrade ?? false])).toEqual([
      ["users", true],
      ["audit", true],
      ["sessions", false],
    ]);
    expect(facts.schemaChanges.filter((c) => c.migration?.direction === "upgrade").every((c) => c.undoneByDowngrade)).toBe(true);
  });
});

describe("the operation table", () => {
  test("every row is read at its call, its table found by position and by keyword", async () => {
    for (const [name, row] of Object.entries(OPERATIONS)) {
      const argument = (parameter: string) => (parameter === "columns" || parameter.endsWith("_cols") ? '["c"]' : parameter === "table" ? "t_object" : parameter === "column" ? 'sa.Column("c", sa.Text())' : `"${parameter}_value"`);
      const byPosition = await extract(`${header}\ndef upgrade():\n    op.${name}(${row.op.map(argument).join(", ")})\n`);
      expect(byPosition.schemaChanges, name).toHaveLength(1);
      const fact = byPosition.schemaChanges[0]!;
      expect({ operation: fact.operation, line: fact.location.line, column: fact.location.column }, name).toEqual({ operation: `op.${name}`, line: 5, column: 5 });
      if (row.reader !== "alter-column") expect(fact.kind, name).toBe(row.kind);
      const tableParameter = row.fields.table;
      if (tableParameter) {
        expect(fact.table, name).toBe(`${tableParameter}_value`);
        const byKeyword = await extract(`${header}\ndef upgrade():\n    op.${name}(${row.op.map((p) => `${p}=${argument(p)}`).join(", ")})\n`);
        expect(byKeyword.schemaChanges[0]!.table, name).toBe(`${tableParameter}_value`);
      }
    }
  });

  test("table comments name their table (not the comment)", async () => {
    const facts = await extract(`${header}\ndef upgrade():\n    op.create_table_comment("ip_addresses", "Tracks IPs", existing_comment=None, schema="audit")\n\ndef downgrade():\n    op.drop_table_comment("ip_addresses", existing_comment="Tracks IPs")\n`);
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.name, c.schema])).toEqual([
      ["other", "ip_addresses", undefined, "audit"],
      ["other", "ip_addresses", undefined, undefined],
    ]);
  });
});

describe("one finding per source location (issue 13, item 11)", () => {
  test("a helper both directions call records each change once, naming both directions", async () => {
    const facts = await extract(`${header}\ndef _swap(schema):\n    op.drop_column("users", "legacy")\n    op.execute(f"REFRESH MATERIALIZED VIEW {schema}.v")\n\ndef upgrade():\n    _swap(s)\n\ndef downgrade():\n    _swap(s)\n`);
    expect(facts.schemaChanges.map((c) => [c.kind, c.location.line, c.migration])).toEqual([["drop-column", 5, { revision: "0001", direction: "upgrade", directions: ["upgrade", "downgrade"] }]]);
    expect(facts.dynamicSql.map((d) => [d.location.line, d.location.column, d.migration?.directions])).toEqual([[6, 16, ["upgrade", "downgrade"]]]);
    const once = await extract(`${header}\ndef _swap():\n    op.drop_column("users", "legacy")\n\ndef upgrade():\n    _swap()\n`);
    expect(once.schemaChanges[0]!.migration).toEqual({ revision: "0001", direction: "upgrade" });
  });

  test("SQL passed through a helper's parameter is read at each call site's string", async () => {
    const facts = await extract(`${header}\ndef run_sql(sql):\n    op.execute(sql)\n\ndef upgrade():\n    run_sql("ALTER TABLE t DROP COLUMN c")\n    run_sql(sql="ALTER TABLE u DROP COLUMN d")\n    run_sql(built)\n`);
    expect(facts.schemaChanges.map(brief)).toEqual([
      { kind: "drop-column", table: "t", column: "c", direction: "upgrade", line: 8, column1: 14 },
      { kind: "drop-column", table: "u", column: "d", direction: "upgrade", line: 9, column1: 18 },
    ]);
    // What the caller passes at run time stays dynamic, at the helper's parameter.
    expect(facts.dynamicSql.map((d) => [d.reason, d.location.line, d.location.column])).toEqual([["variable", 5, 16]]);
  });

  test("SQL in a module-level dict or tuple indexed by a constant is read", async () => {
    const facts = await extract(`${header}\nSQL = {"up": "DROP TABLE a", "down": "DROP TABLE b"}\nSTEPS = ("TRUNCATE c", "DROP TABLE d")\nK = "up"\n\ndef upgrade():\n    op.execute(SQL[K])\n    op.execute(STEPS[-1])\n    op.execute(SQL["missing"])\n    op.execute(STEPS[i])\n`);
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.location.line, c.location.column])).toEqual([
      ["drop-table", "a", 4, 15],
      ["drop-table", "d", 5, 25],
    ]);
    expect(facts.dynamicSql.map((d) => [d.reason, d.location.line])).toEqual([
      ["expression", 11],
      ["expression", 12],
    ]);
  });

  test("helpers that pass built strings on and nested literal loops are read within a budget", async () => {
    const chain = Array.from({ length: 20 }, (_, i) => (i === 19 ? `def f${i}(s):\n    op.execute(s)\n` : `def f${i}(s):\n    f${i + 1}(s + "a")\n    f${i + 1}(s + "b")\n`));
    let loops = "";
    for (let i = 0; i < 8; i++) loops += `${"    ".repeat(i + 1)}for v${i} in ("a", "b", "c", "d", "e", "f", "g", "h"):\n`;
    const facts = await extract(`${header}\n${chain.join("\n")}\ndef upgrade():\n    f0("SELECT 1 -- ")\n${loops}${"    ".repeat(9)}op.drop_table(v7)\n`);
    // 2^20 paths and 8^8 loop bodies are not all read: past the budget a parameter is unknown
    // (dynamic SQL at the helper) and a loop variable is named by its expression.
    expect(facts.dynamicSql.map((d) => d.reason)).toEqual(["variable"]);
    expect(facts.schemaChanges.map((c) => c.table)).toContain("<v7>");
    expect(new Set(facts.schemaChanges.map((c) => c.table))).toEqual(new Set(["a", "b", "c", "d", "e", "f", "g", "h", "<v7>"]));
  });

  test("a loop over a literal tuple of names names each table, at its string", async () => {
    const facts = await extract(`${header}\nOLD = ["x", "y"]\n\ndef upgrade():\n    for t in ("a", "b"):\n        op.drop_table(t)\n        op.execute("ANALYZE audit")\n    for t in OLD:\n        op.drop_table(t)\n    for t in names():\n        op.drop_table(t)\n`);
    expect(facts.schemaChanges.map((c) => [c.table, c.location.line, c.location.column])).toEqual([
      ["a", 7, 15],
      ["b", 7, 20],
      ["x", 4, 8],
      ["y", 4, 13],
      ["<t>", 13, 9],
    ]);
    // The body is counted once, as written: three operations in the first two loops, one in the last.
    expect(facts.migration!.upgrade!.changeCount).toBe(4);
  });
});

describe("SQL in Python strings", () => {
  test("the finding points at the statement inside a multi-line string, not at op.execute(", async () => {
    const facts = await extract(
      [
        header,
        "def upgrade():",
        '    op.execute("""',
        "        UPDATE users SET active = true WHERE last_login > now() - interval '1 year';",
        "        DELETE FROM sessions;",
        '    """)',
      ].join("\n"),
    );
    const del = facts.schemaChanges.find((c) => c.kind === "delete")!;
    expect(del).toMatchObject({ origin: "sql-in-python", table: "sessions", hasWhere: false });
    expect(del.location).toMatchObject({ line: 7, column: 9 });
  });

  test("constants, implicit concatenation, text(), get_bind().execute, exec_driver_sql, session.execute", async () => {
    const facts = await extract(
      [
        "from sqlalchemy import text",
        header,
        'PURGE = "TRUNCATE " "audit_log"',
        "",
        "def upgrade():",
        "    op.execute(PURGE)",
        '    op.get_bind().execute(text("DROP TABLE old_carts"))',
        "    bind = op.get_bind()",
        '    bind.exec_driver_sql("DELETE FROM tmp_import WHERE 1=1")',
        '    session.execute(sa.text("UPDATE prices SET amount = 0"))',
      ].join("\n"),
    );
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.location.line])).toEqual([
      ["truncate", "audit_log", 5],
      ["drop-table", "old_carts", 9],
      ["delete", "tmp_import", 11],
      ["update", "prices", 12],
    ]);
    expect(facts.schemaChanges[2]).toMatchObject({ hasWhere: true, whereIsTautology: true });
  });

  test("text(…).bindparams(…) and .execution_options(…) are the same statement, not dynamic SQL", async () => {
    const facts = await extract(
      [
        header,
        "def upgrade():",
        '    op.execute(sa.text("UPDATE users SET active = :a").bindparams(a=True))',
        '    op.execute(sa.text("DELETE FROM sessions WHERE expires_at < now()").execution_options(autocommit=True))',
      ].join("\n"),
    );
    expect(facts.dynamicSql).toEqual([]);
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.hasWhere, c.location.line, c.location.column])).toEqual([
      ["update", "users", false, 5, 25],
      ["delete", "sessions", true, 6, 25],
    ]);
  });

  test("textwrap.dedent and .strip() keep exact locations", async () => {
    const facts = await extract(
      [
        "import textwrap",
        header,
        "def upgrade():",
        '    op.execute(textwrap.dedent("""',
        "        UPDATE orders SET status = 'open' WHERE status IS NULL;",
        "          TRUNCATE order_events;",
        '    """).strip())',
      ].join("\n"),
    );
    expect(facts.dynamicSql).toEqual([]);
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.location.line, c.location.column])).toEqual([
      ["update", "orders", 7, 9],
      ["truncate", "order_events", 8, 11],
    ]);
  });

  test("dynamic SQL and SQLAlchemy Core expressions", async () => {
    const facts = await extract(
      [
        header,
        "def upgrade():",
        '    op.execute(f"DROP TABLE {name}")',
        '    op.execute("DELETE FROM " + table_name)',
        '    op.execute("DELETE FROM {}".format(t))',
        "    conn.execute(users.delete())",
        "    conn.execute(users.delete().where(users.c.id == 3))",
        "    conn.execute(sa.update(accounts).values(active=False))",
        "    op.execute(query)",
      ].join("\n"),
    );
    expect(facts.dynamicSql.map((d) => [d.reason, d.location.line])).toEqual([
      ["f-string", 5],
      ["concatenation", 6],
      ["format-call", 7],
      ["variable", 11],
    ]);
    expect(facts.schemaChanges.map((c) => [c.kind, c.table, c.hasWhere, c.origin])).toEqual([
      ["delete", "users", false, "sqlalchemy-core"],
      ["delete", "users", true, "sqlalchemy-core"],
      ["update", "accounts", false, "sqlalchemy-core"],
    ]);
  });

  test("text() that is not executed, docstrings, comments and table comments are never SQL", async () => {
    const facts = await extract(
      [
        '"""Drop the old DROP TABLE users workaround."""',
        header,
        "def upgrade():",
        '    """DELETE FROM users happens elsewhere."""',
        "    # DROP TABLE users",
        '    op.add_column("users", sa.Column("seen", sa.DateTime(), server_default=sa.text("now()"), nullable=False))',
        '    op.create_table("notes", sa.Column("id", sa.Integer()), comment="DROP TABLE notes is never run")',
        '    q = sa.select(users).where(sa.text("deleted_at IS NULL"))',
      ].join("\n"),
    );
    expect(facts.schemaChanges.map((c) => c.kind)).toEqual(["add-column", "create-table"]);
    expect(facts.schemaChanges[0]).toMatchObject({ notNull: true, hasDefault: true });
    expect(facts.dynamicSql).toEqual([]);
  });

  test("a syntax error yields a parse problem at the error, and the header is still read", async () => {
    const facts = await extract(`${header}\ndef upgrade(:\n    op.drop_table("x")\n`);
    expect(facts.migration).toMatchObject({ revision: "0001", parseFailed: true });
    expect(facts.parseProblems[0]).toMatchObject({ family: "alembic", wholeFile: true, location: { line: 4 } });
    expect(facts.schemaChanges).toEqual([]);
  });
});
