import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/rename-table",
  family: "sql",
  reads: "schemaChanges",
  severity: "medium",
  docs: {
    summary: "Renaming a table that running code still uses.",
    why: "The rename is instant, but every instance of the previous release still running during the deploy (and any release you roll back to) queries the old name and fails until it is replaced.",
    instead:
      "Expand and contract: create the new table (or a view with the new name over the old table), write to both or read through the view, move the code over in one release, then remove the old name in a later release. Renaming to _deprecated_<name> right before a planned drop is fine: suppress it with a reason.",
  },
  examples: {
    invalid: [{ file: "migrations/0120_rename_clients.sql", code: "ALTER TABLE clients RENAME TO customers;\n" }],
    valid: [{ file: "migrations/0120_customers_view.sql", code: "CREATE VIEW customers AS SELECT * FROM clients;\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "rename-table") continue;
      report(change, `Table ${tableName(change)} is renamed to ${change.newName ?? "?"}`, { ...changeData(change), newName: change.newName });
    }
  },
});
