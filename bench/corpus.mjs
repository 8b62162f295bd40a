#!/usr/bin/env node
// Deterministic benchmark corpus: N Alembic migrations in autogenerate style, one revision chain,
// plus the SQL each one carries (what `alembic upgrade --sql` would print) as a `.sql` file.
//
//   node bench/corpus.mjs [--n 1000] [--seed 7] [--style plain|annotated] [--sql-size large|small]
//                         [--out bench/corpus/n1000]
//
// Two shapes (issue 16): `--style plain --sql-size large` (the default, 4 KB per file on disk: the corpus
// of the first rounds, byte-identical to what it always wrote) and `--style annotated --sql-size
// small`: Alembic 1.13's template (`revision: str = …`, `def upgrade() -> None:`, ~1.45 KB per
// migration against ~1.25 KB), and as SQL only the migration's first statement plus the
// `alembic_version` update (~350 bytes against ~420: one statement per migration, as
// `alembic upgrade --sql` prints it for most real migrations).
// The default output is bench/corpus/n<N>, else n<N>-<style>-sql<size>.
//
// Layout written:  <out>/alembic/versions/<rev>_<slug>.py   and   <out>/sql/<0001>_<slug>.sql
// The same (n, seed) always writes byte-identical files. About 1 in 12 migrations holds a
// dangerous operation (drop table/column, DELETE or UPDATE without WHERE, TRUNCATE, NOT NULL
// column without default); the rest are ordinary.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "1000" },
    seed: { type: "string", default: "7" },
    out: { type: "string" },
    style: { type: "string", default: "plain" },
    "sql-size": { type: "string", default: "large" },
  },
});
const style = values.style;
const sqlSize = values["sql-size"];
if (style !== "plain" && style !== "annotated") throw new Error(`--style ${style}: expected plain or annotated`);
if (sqlSize !== "large" && sqlSize !== "small") throw new Error(`--sql-size ${sqlSize}: expected large or small`);
const annotated = style === "annotated";
const count = Number(values.n);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new Error(`--n ${values.n}: expected a whole number 1…1000000`);
if (!Number.isInteger(seed)) throw new Error(`--seed ${values.seed}: expected a whole number`);
const shape = style === "plain" && sqlSize === "large" ? "" : `-${style}-sql${sqlSize}`;
const out = path.resolve(values.out ?? `bench/corpus/n${count}${shape}`);

/** mulberry32: small, fast, good enough to pick names. */
function prng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(random() * 16)]).join("");

const NOUNS = ["user", "order", "invoice", "payment", "shipment", "product", "review", "coupon", "address", "session",
  "tenant", "webhook", "audit_event", "subscription", "plan", "refund", "warehouse", "carrier", "ticket", "comment",
  "attachment", "notification", "api_key", "team", "membership", "report", "export_job", "price", "tax_rate", "region"];
const COLUMN_NAMES = ["name", "email", "status", "created_at", "updated_at", "amount", "currency", "note", "external_id",
  "country", "city", "postcode", "phone", "priority", "quantity", "sku", "title", "description", "score", "expires_at",
  "deleted_at", "version", "source", "channel", "locale", "timezone", "reference", "checksum", "kind", "label"];
const TYPES = [
  { py: "sa.String(length=255)", sql: "VARCHAR(255)" },
  { py: "sa.String(length=64)", sql: "VARCHAR(64)" },
  { py: "sa.Integer()", sql: "INTEGER" },
  { py: "sa.BigInteger()", sql: "BIGINT" },
  { py: "sa.Boolean()", sql: "BOOLEAN" },
  { py: "sa.DateTime(timezone=True)", sql: "TIMESTAMP WITH TIME ZONE" },
  { py: "sa.Numeric(precision=12, scale=2)", sql: "NUMERIC(12, 2)" },
  { py: "sa.Text()", sql: "TEXT" },
  { py: "postgresql.JSONB(astext_type=sa.Text())", sql: "JSONB" },
  { py: "postgresql.UUID(as_uuid=True)", sql: "UUID" },
];

const tables = []; // { name, columns: string[] } of tables created so far (and not dropped)

function newTableName(i) {
  return `${pick(NOUNS)}_${pick(["items", "records", "log", "history", "links", "stats", "events", "archive"])}_${i}`;
}

function columnsFor() {
  const names = new Set();
  const wanted = between(6, 18);
  while (names.size < wanted) names.add(pick(COLUMN_NAMES));
  return [...names].map((name) => ({ name, type: pick(TYPES), nullable: random() < 0.7 }));
}

/** One migration: its Python upgrade/downgrade bodies and its upgrade SQL. */
function buildMigration(i) {
  const dangerous = i > 3 && i % 12 === 5; // one in twelve, spread evenly
  const up = [];
  const down = [];
  const sql = [];
  const existing = tables.length > 0 ? tables[Math.floor(random() * tables.length)] : undefined;
  let slug;

  if (dangerous && existing) {
    const kind = pick(["drop-table", "drop-column", "delete", "update", "truncate", "not-null"]);
    slug = `${kind.replace("-", "_")}_${existing.name}`;
    if (kind === "drop-table") {
      tables.splice(tables.indexOf(existing), 1);
      up.push(`op.drop_table("${existing.name}")`);
      down.push(...createTablePy(existing.name, existing.columns));
      sql.push(`DROP TABLE ${existing.name};`);
    } else if (kind === "drop-column") {
      const column = existing.columns[existing.columns.length - 1];
      up.push(`op.drop_column("${existing.name}", "${column.name}")`);
      down.push(`op.add_column("${existing.name}", sa.Column("${column.name}", ${column.type.py}, nullable=True))`);
      sql.push(`ALTER TABLE ${existing.name} DROP COLUMN ${column.name};`);
    } else if (kind === "delete") {
      up.push(`op.execute("DELETE FROM ${existing.name}")`);
      down.push("pass");
      sql.push(`DELETE FROM ${existing.name};`);
    } else if (kind === "update") {
      up.push(`op.execute("UPDATE ${existing.name} SET status = 'archived'")`);
      down.push(`op.execute("UPDATE ${existing.name} SET status = 'active' WHERE status = 'archived'")`);
      sql.push(`UPDATE ${existing.name} SET status = 'archived';`);
    } else if (kind === "truncate") {
      up.push(`op.execute("TRUNCATE TABLE ${existing.name}")`);
      down.push("pass");
      sql.push(`TRUNCATE TABLE ${existing.name};`);
    } else {
      const column = `required_${i}`;
      up.push(`op.add_column("${existing.name}", sa.Column("${column}", sa.String(length=64), nullable=False))`);
      down.push(`op.drop_column("${existing.name}", "${column}")`);
      sql.push(`ALTER TABLE ${existing.name} ADD COLUMN ${column} VARCHAR(64) NOT NULL;`);
    }
    return { slug, up, down, sql };
  }

  const shape = !existing || i % 5 === 0 ? "create-table" : pick(["add-columns", "index", "batch", "data-fix", "alter", "create-table"]);
  if (shape === "create-table") {
    const name = newTableName(i);
    const columns = columnsFor();
    tables.push({ name, columns });
    slug = `create_${name}`;
    up.push(...createTablePy(name, columns));
    const indexed = columns.find((c) => c.name === "created_at" || c.name === "email" || c.name === "status") ?? columns[0];
    up.push(`op.create_index(op.f("ix_${name}_${indexed.name}"), "${name}", ["${indexed.name}"], unique=False)`);
    down.push(`op.drop_index(op.f("ix_${name}_${indexed.name}"), table_name="${name}")`, `op.drop_table("${name}")`);
    sql.push(createTableSql(name, columns), `CREATE INDEX ix_${name}_${indexed.name} ON ${name} (${indexed.name});`);
  } else if (shape === "add-columns") {
    slug = `add_columns_to_${existing.name}`;
    const added = between(1, 4);
    for (let k = 0; k < added; k++) {
      const column = { name: `${pick(COLUMN_NAMES)}_${i}_${k}`, type: pick(TYPES) };
      existing.columns.push(column);
      up.push(`op.add_column("${existing.name}", sa.Column("${column.name}", ${column.type.py}, nullable=True))`);
      down.unshift(`op.drop_column("${existing.name}", "${column.name}")`);
      sql.push(`ALTER TABLE ${existing.name} ADD COLUMN ${column.name} ${column.type.sql};`);
    }
  } else if (shape === "index") {
    const column = pick(existing.columns);
    const index = `ix_${existing.name}_${column.name}_${i}`;
    slug = `index_${existing.name}_${column.name}`;
    up.push(
      "with op.get_context().autocommit_block():",
      `    op.create_index("${index}", "${existing.name}", ["${column.name}"], unique=False, postgresql_concurrently=True)`,
    );
    down.push(
      "with op.get_context().autocommit_block():",
      `    op.drop_index("${index}", table_name="${existing.name}", postgresql_concurrently=True)`,
    );
    sql.push(`CREATE INDEX CONCURRENTLY ${index} ON ${existing.name} (${column.name});`);
  } else if (shape === "batch") {
    const column = { name: `${pick(COLUMN_NAMES)}_${i}`, type: pick(TYPES) };
    existing.columns.push(column);
    slug = `batch_${existing.name}`;
    up.push(
      `with op.batch_alter_table("${existing.name}", schema=None) as batch_op:`,
      `    batch_op.add_column(sa.Column("${column.name}", ${column.type.py}, nullable=True))`,
      `    batch_op.create_index(batch_op.f("ix_${existing.name}_${column.name}"), ["${column.name}"], unique=False)`,
    );
    down.push(
      `with op.batch_alter_table("${existing.name}", schema=None) as batch_op:`,
      `    batch_op.drop_index(batch_op.f("ix_${existing.name}_${column.name}"))`,
      `    batch_op.drop_column("${column.name}")`,
    );
    sql.push(
      `ALTER TABLE ${existing.name} ADD COLUMN ${column.name} ${column.type.sql};`,
      `CREATE INDEX CONCURRENTLY ix_${existing.name}_${column.name} ON ${existing.name} (${column.name});`,
    );
  } else if (shape === "data-fix") {
    const column = pick(existing.columns);
    slug = `backfill_${existing.name}_${column.name}`;
    up.push(
      `op.execute("UPDATE ${existing.name} SET ${column.name} = NULL WHERE ${column.name} IS NOT NULL AND id < ${between(100, 90000)}")`,
      "conn = op.get_bind()",
      `conn.execute(sa.text("UPDATE ${existing.name} SET updated_at = now() WHERE updated_at IS NULL"))`,
    );
    down.push("# data fix: nothing to undo", "pass");
    sql.push(
      `UPDATE ${existing.name} SET ${column.name} = NULL WHERE ${column.name} IS NOT NULL AND id < 100;`,
      `UPDATE ${existing.name} SET updated_at = now() WHERE updated_at IS NULL;`,
    );
  } else {
    const column = pick(existing.columns);
    slug = `alter_${existing.name}_${column.name}`;
    up.push(
      `op.alter_column("${existing.name}", "${column.name}",`,
      `                existing_type=${column.type.py},`,
      "                nullable=True,",
      `                comment="${column.name} is optional since ticket ${between(1000, 9999)}")`,
    );
    down.push(
      `op.alter_column("${existing.name}", "${column.name}",`,
      `                existing_type=${column.type.py},`,
      "                comment=None)",
    );
    sql.push(`ALTER TABLE ${existing.name} ALTER COLUMN ${column.name} DROP NOT NULL;`, `COMMENT ON COLUMN ${existing.name}.${column.name} IS 'optional';`);
  }
  return { slug, up, down, sql };
}

function createTablePy(name, columns) {
  const lines = [`op.create_table("${name}",`, "    sa.Column(\"id\", sa.BigInteger(), autoincrement=True, nullable=False),"];
  for (const c of columns) lines.push(`    sa.Column("${c.name}", ${c.type.py}, nullable=${c.nullable ? "True" : "False"}${c.nullable ? "" : `, server_default=${serverDefault(c)}`}),`);
  lines.push(`    sa.PrimaryKeyConstraint("id", name=op.f("pk_${name}")),`, ")");
  return lines;
}

function serverDefault(c) {
  if (c.type.sql === "BOOLEAN") return 'sa.text("false")';
  if (/INT|NUMERIC/.test(c.type.sql)) return 'sa.text("0")';
  if (c.type.sql.startsWith("TIMESTAMP")) return 'sa.text("now()")';
  if (c.type.sql === "UUID") return 'sa.text("gen_random_uuid()")';
  if (c.type.sql === "JSONB") return "sa.text(\"'{}'::jsonb\")";
  return "\"\"";
}

function createTableSql(name, columns) {
  const lines = [`CREATE TABLE ${name} (`, "    id BIGSERIAL NOT NULL,"];
  for (const c of columns) {
    const def = c.nullable ? "" : ` NOT NULL DEFAULT ${sqlDefault(c)}`;
    lines.push(`    ${c.name} ${c.type.sql}${def},`);
  }
  lines.push(`    CONSTRAINT pk_${name} PRIMARY KEY (id)`, ");");
  return lines.join("\n");
}

function sqlDefault(c) {
  if (c.type.sql === "BOOLEAN") return "false";
  if (/INT|NUMERIC/.test(c.type.sql)) return "0";
  if (c.type.sql.startsWith("TIMESTAMP")) return "now()";
  if (c.type.sql === "UUID") return "gen_random_uuid()";
  if (c.type.sql === "JSONB") return "'{}'::jsonb";
  return "''";
}

function indent(lines) {
  return lines.map((l) => `    ${l}`).join("\n");
}

/** Alembic ≥ 1.13's script.py.mako: typed module variables and `-> None` functions. */
function annotatedPy({ title, revision, parent, date, usesPostgres, up, down }) {
  return `"""${title}

Revision ID: ${revision}
Revises: ${parent ?? ""}
Create Date: ${date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${usesPostgres ? "from sqlalchemy.dialects import postgresql\n" : ""}

# revision identifiers, used by Alembic.
revision: str = "${revision}"
down_revision: Union[str, None] = ${parent ? `"${parent}"` : "None"}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # ### commands auto generated by Alembic - please adjust! ###
${indent(up)}
    # ### end Alembic commands ###


def downgrade() -> None:
    """Downgrade schema."""
    # ### commands auto generated by Alembic - please adjust! ###
${indent(down)}
    # ### end Alembic commands ###
`;
}

rmSync(out, { recursive: true, force: true });
const versions = path.join(out, "alembic", "versions");
const sqlDir = path.join(out, "sql");
mkdirSync(versions, { recursive: true });
mkdirSync(sqlDir, { recursive: true });

let parent = null;
const start = Date.UTC(2024, 0, 1);
for (let i = 1; i <= count; i++) {
  const revision = hex(12);
  const { slug, up, down, sql } = buildMigration(i);
  const date = new Date(start + i * 3_600_000).toISOString().replace("T", " ").replace("Z", "");
  const title = slug.replace(/_/g, " ");
  const usesPostgres = up.some((l) => l.includes("postgresql.")) || down.some((l) => l.includes("postgresql."));
  const py = annotated ? annotatedPy({ title, revision, parent, date, usesPostgres, up, down }) : `"""${title}

Revision ID: ${revision}
Revises: ${parent ?? ""}
Create Date: ${date}

"""
from alembic import op
import sqlalchemy as sa
${usesPostgres ? "from sqlalchemy.dialects import postgresql\n" : ""}

# revision identifiers, used by Alembic.
revision = "${revision}"
down_revision = ${parent ? `"${parent}"` : "None"}
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
${indent(up)}
    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
${indent(down)}
    # ### end Alembic commands ###
`;
  writeFileSync(path.join(versions, `${revision}_${slug}.py`), py);
  const versionSql = parent
    ? `UPDATE alembic_version SET version_num='${revision}' WHERE alembic_version.version_num = '${parent}';`
    : `INSERT INTO alembic_version (version_num) VALUES ('${revision}');`;
  const statements = sqlSize === "small" ? sql.slice(0, 1) : sql;
  const script = `-- Running upgrade ${parent ?? ""} -> ${revision}\n\n${statements.join("\n\n")}\n\n${versionSql}\n`;
  writeFileSync(path.join(sqlDir, `${String(i).padStart(5, "0")}_${slug}.sql`), script);
  parent = revision;
}
process.stdout.write(`wrote ${count} migrations and ${count} .sql files to ${path.relative(process.cwd(), out) || "."}\n`);
