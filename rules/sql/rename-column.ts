import { defineRule } from "../define.js";
import { changeData, isDeprecationRename, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/rename-column",
  family: "sql",
  reads: "schemaChanges",
  severity: "medium",
  docs: {
    summary: "Renaming a column that running code still uses.",
    why: "Code from the previous release, still serving traffic during the deploy or brought back by a rollback, reads and writes the old name and fails.",
    instead:
      "Add the new column, write to both, backfill, move reads to the new column, and drop the old one in a later release (or, on PostgreSQL, keep the old name readable through a view during the transition). Renaming to _deprecated_<name> before a planned drop is not reported.",
  },
  examples: {
    invalid: [
      { file: "migrations/0130_rename_email.sql", code: "ALTER TABLE users RENAME COLUMN email TO email_address;\n", finding: { line: 1, column: 1, message: "Column email of table users is renamed to email_address" } },
      { file: "migrations/0131_rename_email.sql", code: "EXEC sp_rename 'dbo.users.email', 'email_address', 'COLUMN';\n", options: { dialect: "mssql" }, finding: { line: 1, column: 1, message: "Column email of table dbo.users is renamed to email_address" } },
    ],
    valid: [{ file: "migrations/0130_add_email_address.sql", code: "ALTER TABLE users ADD COLUMN email_address text;\nUPDATE users SET email_address = email WHERE email_address IS NULL;\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "rename-column") continue;
      if (isDeprecationRename(change.newName)) continue;
      report(change, `Column ${change.column ?? "?"} of table ${tableName(change)} is renamed to ${change.newName ?? "?"}`, { ...changeData(change), newName: change.newName });
    }
  },
});
