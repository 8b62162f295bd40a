import { defineRule } from "../define.js";
import type { SchemaChangeKind } from "../../src/extract/facts.js";
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

export default defineRule({
  id: "alembic/unbalanced-downgrade",
  family: "alembic",
  reads: ["migrations", "schemaChanges", "dynamicSql"],
  severity: "medium",
  docs: {
    summary: "An upgrade change that the migration's downgrade() does not reverse.",
    why: "After a rollback the database keeps part of the new schema: a leftover column, index or constraint that the old code does not expect, and that makes the next upgrade fail because the object already exists.",
    instead: "Add the inverse operation to downgrade() (drop what upgrade created, rename back, restore the old type), in reverse order.",
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
    const opaque = new Set(facts.dynamicSql.filter((d) => d.migration?.direction === "downgrade").map((d) => d.location.file));
    for (const change of facts.schemaChanges) {
      if (change.migration?.direction !== "upgrade" || change.undoneByDowngrade) continue;
      const inverse = INVERTIBLE[change.kind];
      const file = change.location.file;
      if (!inverse || !realDowngrade.has(file) || opaque.has(file)) continue;
      const what = change.column ? `${change.table}.${change.column}` : (change.name ?? change.table ?? "object");
      report(change, `${change.operation} (${what}) is not reversed in downgrade(): ${inverse}`, { table: change.table, column: change.column });
    }
  },
});
