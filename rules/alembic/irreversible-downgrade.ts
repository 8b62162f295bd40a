import { defineRule } from "../define.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/irreversible-downgrade",
  family: "alembic",
  reads: "migrations",
  severity: "high",
  docs: {
    summary: "downgrade() raises instead of reversing the upgrade.",
    why: "A raising downgrade blocks every rollback that passes through this revision: in an incident the only way back is a restore from backup.",
    instead: "Make the change reversible (keep the old column or table until a later release, copy data before transforming it) and write a real downgrade().",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0011_merge_names.py", code: migration({ revision: "0011", upgrade: 'op.execute("UPDATE customers SET full_name = first_name || \' \' || last_name WHERE full_name IS NULL")', downgrade: 'raise NotImplementedError("names cannot be split again")' }), finding: { line: 20, column: 5, message: "downgrade() of 0011 raises NotImplementedError: rollbacks through this revision are impossible" } }],
    valid: [{ file: "alembic/versions/0011_add_full_name.py", code: migration({ revision: "0011", upgrade: 'op.add_column("customers", sa.Column("full_name", sa.Text(), nullable=True))', downgrade: 'op.drop_column("customers", "full_name")' }) }],
  },
  check(facts, report) {
    for (const m of facts.migrations) {
      const raises = m.downgrade?.raises;
      if (!raises) continue;
      report(raises.location, `downgrade() of ${m.revision ?? m.file} raises ${raises.exception}: rollbacks through this revision are impossible`, { revision: m.revision });
    }
  },
});
