import { defineRule } from "../define.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/missing-downgrade",
  family: "alembic",
  reads: "migrations",
  severity: "critical",
  docs: {
    summary: "A migration module has no downgrade() function.",
    why: "Without downgrade() the release cannot be rolled back: `alembic downgrade` fails at this revision and the database is stuck on the new schema while the old code is redeployed.",
    instead: "Write a downgrade() that reverses every upgrade change (drop what was created, re-add what was dropped, rename back).",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0008_add_status.py", code: migration({ revision: "0008", upgrade: 'op.add_column("orders", sa.Column("status", sa.String(20), nullable=True))', downgrade: null }), finding: { line: 15, column: 5, message: "Migration 0008 has no downgrade() function: it cannot be rolled back" } }],
    valid: [{ file: "alembic/versions/0008_add_status.py", code: migration({ revision: "0008", upgrade: 'op.add_column("orders", sa.Column("status", sa.String(20), nullable=True))', downgrade: 'op.drop_column("orders", "status")' }) }],
  },
  check(facts, report) {
    for (const m of facts.migrations) {
      if (m.parseFailed || m.downgrade || !m.upgrade) continue;
      report(m.upgrade.nameLocation, `Migration ${m.revision ?? m.file} has no downgrade() function: it cannot be rolled back`, { revision: m.revision });
    }
  },
});
