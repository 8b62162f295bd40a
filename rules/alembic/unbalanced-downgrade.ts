import { defineRule } from "../define.js";
import { runsIn, type SchemaChange, type SchemaChangeKind } from "../../src/extract/facts.js";
import { migration } from "./examples.js";

/** Upgrade changes that have a natural inverse a downgrade is expected to perform. */
const INVERTIBLE: Partial<Record<SchemaChangeKind, string>> = {
  "create-table": "drop the table",
  "add-column": "drop the column",
  "rename-table": "rename it back",
  "rename-column": "rename it back",
  "create-index": "drop the index",
  "add-foreign-key": "drop the constraint",
  "add-constraint": "drop the constraint",
  "alter-column-type": "restore the old type",
};

/** What stays in the database after upgrade + downgrade, for the message. */
function leftBehind(change: SchemaChange): string {
  const on = change.table ?? "?";
  const columns = change.columns?.length ? ` (${change.columns.join(", ")})` : "";
  const named = (what: string) => (change.name ? `${what} ${change.name} on ${on}` : `an unnamed ${what} on ${on}${columns}`);
  switch (change.kind) {
    case "create-table":
      return `table ${on}`;
    case "add-column":
      return `column ${on}.${change.column ?? "?"}`;
    case "create-index":
      return named("index");
    case "add-foreign-key":
      return `${named("foreign key")}${change.referredTable && !change.name ? ` to ${change.referredTable}` : ""}`;
    case "add-constraint":
      return named(change.constraintType && change.constraintType !== "foreignkey" ? `${change.constraintType === "primary" ? "primary key" : change.constraintType} constraint` : "constraint");
    case "alter-column-type":
      return `the new type of ${on}.${change.column ?? "?"}`;
    case "rename-table":
      return `the new name ${change.newName ?? "?"} (was ${on})`;
    case "rename-column":
      return `${on}.${change.newName ?? "?"} (was ${change.column ?? "?"})`;
    default:
      return change.name ?? on;
  }
}

function messageFor(change: SchemaChange, inverse: string): string {
  if (change.renamedBackTo !== undefined) {
    const [from, to] = change.kind === "rename-table" ? [change.table, change.newName] : [`${change.table}.${change.column}`, change.newName];
    return `${change.operation} renames ${from} to ${to}, but downgrade() renames it back to ${change.renamedBackTo}, not ${change.kind === "rename-table" ? from : change.column}`;
  }
  return `${change.operation} is not reversed in downgrade(): ${leftBehind(change)} stays after a rollback; ${inverse}`;
}

export default defineRule({
  id: "alembic/unbalanced-downgrade",
  family: "alembic",
  reads: ["migrations", "schemaChanges", "dynamicSql"],
  severity: "medium",
  docs: {
    summary: "An upgrade change that the migration's downgrade() does not reverse.",
    why: "After a rollback the database keeps part of the new schema: a leftover column, index or constraint that the old code does not expect, and that makes the next upgrade fail because the object already exists.",
    instead: "Add the inverse operation to downgrade() (drop what upgrade created, rename back to the exact original name, restore the old type), in reverse order.",
    details: [
      "The upgrade is replayed first: an index or constraint it creates and drops again, a column it adds and renames into place (add `x_new`, drop `x`, rename `x_new` to `x`), or an object it drops and re-creates under the same name (to change its definition) needs no reversal.",
      "",
      "Then the downgrade is read the way the database runs it:",
      "",
      "- **Implied drops.** Dropping a table reverses everything the upgrade created on it: columns, indexes, constraints, foreign keys. Dropping a column reverses the indexes and constraints on that column, multi-column ones included (PostgreSQL, MySQL and SQLite drop a multi-column index with any of its columns), and the check constraints, expression indexes and partial indexes whose SQL (condition, `sa.text(...)` expression, `postgresql_where`) names it.",
      "- **Names.** A dropped name matches a created one when they are equal; when the project's naming convention gives both the same name (a `MetaData(naming_convention={...})` or `metadata.naming_convention = {...}` with a literal dict, found in the `env.py` beside or above the versions directory or in a module it imports, among the scanned files; tokens the project computes with its own functions are not guessed); when it is the name Alembic's documented convention (`ix_%(column_0_label)s`, `uq_%(table_name)s_%(column_0_name)s`, `ck_%(table_name)s_%(constraint_name)s`, `fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s`, `pk_%(table_name)s`) generates; or when it is the created name behind a conventional prefix (`ck_<table>_`, `uq_`, `ix_`, `fk_`, `pk_`). `op.f()` names are final. An object created with `None` as its name matches a dropped name that spells its table and every one of its columns, and a `drop_constraint(None, table, type_=...)` of the same table and kind.",
      "- **Renames** must go back to the exact original name. A rename back to another name (a typo) is reported with both names.",
      "",
      "The message says what stays after a rollback: the table, the column, the index or constraint (by name, or by table and columns when it has none), the new type, the new name.",
    ].join("\n"),
  },
  examples: {
    invalid: [
      {
        file: "alembic/versions/0012_invoices.py",
        code: migration({
          revision: "0012",
          upgrade: 'op.add_column("invoices", sa.Column("paid_at", sa.DateTime(), nullable=True))\nop.create_index("ix_invoices_paid_at", "invoices", ["paid_at"])',
          downgrade: 'op.drop_index("ix_invoices_paid_at", table_name="invoices")',
        }),
        finding: { line: 16, column: 5, message: "op.add_column is not reversed in downgrade(): column invoices.paid_at stays after a rollback; drop the column" },
      },
    ],
    valid: [
      {
        file: "alembic/versions/0012_invoices.py",
        code: migration({
          revision: "0012",
          upgrade: 'op.add_column("invoices", sa.Column("paid_at", sa.DateTime(), nullable=True))\nop.create_index("ix_invoices_paid_at", "invoices", ["paid_at"])',
          downgrade: 'op.drop_index("ix_invoices_paid_at", table_name="invoices")\nop.drop_column("invoices", "paid_at")',
        }),
      },
    ],
  },
  check(facts, report) {
    const realDowngrade = new Set(
      facts.migrations.filter((m) => m.downgrade && !m.downgrade.isEmpty && !m.downgrade.raises).map((m) => m.file),
    );
    // A downgrade that runs SQL we cannot read may well reverse everything: do not guess.
    const opaque = new Set(facts.dynamicSql.filter((d) => runsIn(d.migration, "downgrade")).map((d) => d.location.file));
    for (const change of facts.schemaChanges) {
      if (change.migration?.direction !== "upgrade" || change.undoneByDowngrade) continue;
      const inverse = INVERTIBLE[change.kind];
      const file = change.location.file;
      if (!inverse || !realDowngrade.has(file) || opaque.has(file)) continue;
      report(change, messageFor(change, inverse), { table: change.table, column: change.column });
    }
  },
});
