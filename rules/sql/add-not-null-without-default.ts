import { defineRule } from "../define.js";
import { changeData, reportable, tableCreatedAlongside, tableName } from "./shared.js";

export default defineRule({
  id: "sql/add-not-null-without-default",
  family: "sql",
  reads: "schemaChanges",
  severity: "high",
  docs: {
    summary: "Adding a NOT NULL column without a DEFAULT to an existing table.",
    why: "On a table that has rows the statement fails outright (the existing rows would be NULL), so the migration breaks the deploy; where it succeeds, every INSERT from code that does not know the column yet fails.",
    instead:
      "Add the column nullable (ADD COLUMN plan text), backfill it in batches (UPDATE … WHERE plan IS NULL), then add the constraint: ALTER TABLE … ALTER COLUMN plan SET NOT NULL (on PostgreSQL, first ADD CONSTRAINT … CHECK (plan IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT to avoid a long lock). Or give it a DEFAULT.",
  },
  examples: {
    invalid: [{ file: "migrations/0102_add_plan.sql", code: "ALTER TABLE accounts ADD COLUMN plan text NOT NULL;\n", finding: { line: 1, column: 1, message: "Column plan is added to table accounts as NOT NULL without a default" } }],
    valid: [
      { file: "migrations/0102_add_plan.sql", code: "ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n" },
      { file: "migrations/0103_add_plan_nullable.sql", code: "ALTER TABLE accounts ADD COLUMN plan text;\n" },
      {
        file: "migrations/0104_create_invoices.sql",
        code: "CREATE TABLE invoices (id bigserial PRIMARY KEY);\nALTER TABLE invoices ADD COLUMN number text NOT NULL;\n",
      },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "add-column" || change.notNull !== true || change.hasDefault === true) continue;
      // A table created in the same migration has no rows yet.
      if (tableCreatedAlongside(change, facts.schemaChanges)) continue;
      report(change, `Column ${change.column ?? "?"} is added to table ${tableName(change)} as NOT NULL without a default`, changeData(change));
    }
  },
});
