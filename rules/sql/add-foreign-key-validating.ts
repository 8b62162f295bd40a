import { defineRule } from "../define.js";
import { changeData, reportable, tableCreatedAlongside, tableName } from "./shared.js";

export default defineRule({
  id: "sql/add-foreign-key-validating",
  family: "sql",
  reads: "schemaChanges",
  severity: "medium",
  docs: {
    summary: "Adding a foreign key that is validated at once (without NOT VALID).",
    why: "Adding the constraint checks every existing row while holding locks on both the table and the referenced table, blocking writes to both for as long as the scan takes.",
    instead:
      "On PostgreSQL add it with NOT VALID (ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID), then run ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer in a separate migration; on SQL Server use WITH NOCHECK and then WITH CHECK CHECK CONSTRAINT; on MySQL use an online schema change tool.",
  },
  examples: {
    invalid: [
      {
        file: "migrations/0150_orders_fk.sql",
        code: "ALTER TABLE orders\n  ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id);\n",
        finding: { line: 1, column: 1, message: "Foreign key fk_orders_customer on table orders is validated while it is added (no NOT VALID)" },
      },
    ],
    valid: [
      {
        file: "migrations/0150_orders_fk.sql",
        code: "ALTER TABLE orders\n  ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n",
      },
      { file: "migrations/0151_validate_orders_fk.sql", code: "ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer;\n" },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "add-foreign-key" || change.notValid === true) continue;
      // A new table has no rows to validate.
      if (tableCreatedAlongside(change, facts.schemaChanges)) continue;
      const name = change.name ? `Foreign key ${change.name}` : "A foreign key";
      report(change, `${name} on table ${tableName(change)} is validated while it is added (no NOT VALID)`, { ...changeData(change), constraint: change.name });
    }
  },
});
