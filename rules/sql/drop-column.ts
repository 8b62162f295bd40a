import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/drop-column",
  family: "sql",
  reads: "schemaChanges",
  severity: "high",
  docs: {
    summary: "ALTER TABLE … DROP COLUMN destroys a column and its data.",
    why: "The column's values are gone once it commits, and the code still running during the deploy (and any release you roll back to) selects or inserts the column and fails.",
    instead:
      "First ship code that no longer reads or writes the column (for SQLAlchemy models, remove it from the model or mark it deferred), then drop it in a later release; or rename it to _deprecated_<name> first, and keep a copy of the values if they may be needed.",
  },
  examples: {
    invalid: [{ file: "migrations/0081_drop_fax.sql", code: "ALTER TABLE customers\n  DROP COLUMN fax_number;\n", finding: { line: 1, column: 1, message: "Column fax_number of table customers is dropped" } }],
    valid: [{ file: "migrations/0081_add_phone.sql", code: "ALTER TABLE customers ADD COLUMN mobile_number text;\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "drop-column") continue;
      report(change, `Column ${change.column ?? "?"} of table ${tableName(change)} is dropped`, changeData(change));
    }
  },
});
