import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/drop-table",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "DROP TABLE destroys a table and every row in it.",
    why: "The data is gone the moment the statement commits; only a backup restore brings it back. Every release still running reads or writes the table and starts failing at once, so even a rollback of the code cannot help.",
    instead:
      "Rename the table to _deprecated_<name> (ALTER TABLE users RENAME TO _deprecated_users) in one release, stop every read and write, keep a backup, and drop it in a later release once nothing has touched it.",
  },
  examples: {
    invalid: [
      { file: "migrations/0042_drop_legacy_sessions.sql", code: "-- Sessions moved to Redis.\nDROP TABLE legacy_sessions;\n" },
      { file: "migrations/0043_drop_audit.sql", code: "DROP TABLE IF EXISTS `audit_log`;\n", options: { dialect: "mysql" } },
    ],
    valid: [
      { file: "migrations/0042_rename_legacy_sessions.sql", code: "ALTER TABLE legacy_sessions RENAME TO _deprecated_legacy_sessions;\n" },
      { file: "migrations/0044_drop_index.sql", code: "DROP INDEX IF EXISTS idx_sessions_user_id;\n" },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "drop-table") continue;
      const names = change.objects && change.objects.length > 1 ? change.objects : [tableName(change)];
      const message = names.length > 1 ? `Tables ${names.join(", ")} are dropped` : `Table ${names[0]} is dropped`;
      report(change, message, { ...changeData(change), tables: names });
    }
  },
});
