import { defineRule } from "../define.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/missing-parent",
  family: "alembic",
  reads: "revisionGraphs",
  severity: "critical",
  docs: {
    summary: "down_revision names a revision that no migration in the versions directory has.",
    why: "Alembic cannot build the revision map: every `alembic upgrade` and `downgrade` fails with \"Can't locate revision\", so nothing deploys and nothing rolls back.",
    instead: "Point down_revision at the revision this migration was written on (`alembic heads` on main), or restore the missing migration file.",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0021_orders_note.py", code: migration({ revision: "0021", down: "0020", upgrade: 'op.add_column("orders", sa.Column("note", sa.Text()))', downgrade: 'op.drop_column("orders", "note")' }), finding: { line: 9, column: 1, message: "Migration 0021 revises 0020, which no migration in alembic/versions defines" } }],
    valid: [
      {
        file: "alembic/versions/0021_orders_note.py",
        code: migration({ revision: "0021", down: "0020", upgrade: 'op.add_column("orders", sa.Column("note", sa.Text()))', downgrade: 'op.drop_column("orders", "note")' }),
        siblings: [{ file: "alembic/versions/0020_orders.py", code: migration({ revision: "0020", upgrade: 'op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True))', downgrade: 'op.drop_table("orders")' }) }],
      },
    ],
  },
  check(facts, report) {
    for (const graph of facts.revisionGraphs) {
      for (const { migration: m, parent } of graph.missingParents) {
        report(m.revisionLocation, `Migration ${m.revision ?? m.file} revises ${parent}, which no migration in ${graph.directories.join(", ")} defines`, { revision: m.revision, parent });
      }
    }
  },
});
