import { defineRule } from "../define.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/missing-upgrade",
  family: "alembic",
  reads: "migrations",
  severity: "critical",
  docs: {
    summary: "A migration module has no upgrade() function.",
    why: "Alembic calls upgrade() to apply a revision; without it `alembic upgrade` fails mid-deploy and the revision chain is stuck at this file.",
    instead: "Define `def upgrade():` with the schema change, or delete the file if the revision is not needed.",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0007_no_upgrade.py", code: migration({ revision: "0007", down: null, upgrade: "pass" }).replace("def upgrade():\n    pass\n", ""), finding: { line: 9, column: 1, message: "Migration 0007 has no upgrade() function" } }],
    valid: [{ file: "alembic/versions/0007_add_index.py", code: migration({ revision: "0007", upgrade: 'op.create_index("ix_orders_created", "orders", ["created_at"])', downgrade: 'op.drop_index("ix_orders_created", table_name="orders")' }) }],
  },
  check(facts, report) {
    for (const m of facts.migrations) {
      if (m.parseFailed || m.upgrade) continue;
      report(m.revisionLocation, `Migration ${m.revision ?? m.file} has no upgrade() function`, { revision: m.revision });
    }
  },
});
