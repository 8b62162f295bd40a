import { defineRule } from "../define.js";
import { plural } from "../../src/plural.js";
import { isDataOnlyUpgrade } from "./shared.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/empty-downgrade",
  family: "alembic",
  reads: ["migrations", "schemaChanges"],
  severity: "high",
  docs: {
    summary: "downgrade() only holds `pass` or a docstring while upgrade() changes the schema. An upgrade that only moves data is alembic/one-way-data-migration (low) instead.",
    why: "An empty downgrade looks reversible but is not: `alembic downgrade` succeeds, records the old revision and leaves the new schema in place, so the rolled-back code meets a schema it does not know.",
    instead: "Reverse each upgrade change in downgrade(); if a change truly cannot be reversed, raise NotImplementedError with the reason so a rollback stops loudly.",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0009_orders_index.py", code: migration({ revision: "0009", upgrade: 'op.create_index("ix_orders_customer", "orders", ["customer_id"])', downgrade: '"""Nothing to do."""\npass' }), finding: { line: 19, column: 5, message: "downgrade() of 0009 is empty while upgrade() makes 1 change" } }],
    valid: [
      { file: "alembic/versions/0009_orders_index.py", code: migration({ revision: "0009", upgrade: 'op.create_index("ix_orders_customer", "orders", ["customer_id"])', downgrade: 'op.drop_index("ix_orders_customer", table_name="orders")' }) },
      { file: "alembic/versions/0010_merge.py", code: migration({ revision: "0010", upgrade: "pass", downgrade: "pass" }) },
    ],
  },
  check(facts, report) {
    for (const m of facts.migrations) {
      if (!m.downgrade?.isEmpty || !m.upgrade || m.upgrade.changeCount === 0 || isDataOnlyUpgrade(m, facts.schemaChanges)) continue;
      report(m.downgrade.nameLocation, `downgrade() of ${m.revision ?? m.file} is empty while upgrade() makes ${plural(m.upgrade.changeCount, "change")}`, { revision: m.revision });
    }
  },
});
