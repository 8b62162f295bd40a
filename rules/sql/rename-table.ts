import { defineRule } from "../define.js";
import { changeData, isDeprecationRename, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/rename-table",
  family: "sql",
  reads: "schemaChanges",
  severity: "medium",
  docs: {
    summary: "Renaming a table that running code still uses.",
    why: "The rename is instant, but every instance of the previous release still running during the deploy (and any release you roll back to) queries the old name and fails until it is replaced.",
    instead:
      "Expand and contract: create the new table (or a view with the new name over the old table), write to both or read through the view, move the code over in one release, then remove the old name in a later release. Renaming to _deprecated_<name> as the first step of a drop (what sql/drop-table recommends) is not reported.",
  },
  examples: {
    invalid: [{ file: "migrations/0120_rename_clients.sql", code: "ALTER TABLE clients RENAME TO customers;\n", finding: { line: 1, column: 1, message: "Table clients is renamed to customers" } }],
    valid: [
      { file: "migrations/0120_customers_view.sql", code: "CREATE VIEW customers AS SELECT * FROM clients;\n" },
      { file: "migrations/0121_park_clients.sql", code: "ALTER TABLE clients RENAME TO _deprecated_clients;\n" },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "rename-table") continue;
      if (isDeprecationRename(change.newName)) continue;
      report(change, `Table ${tableName(change)} is renamed to ${change.newName ?? "?"}`, { ...changeData(change), newName: change.newName });
    }
  },
});
