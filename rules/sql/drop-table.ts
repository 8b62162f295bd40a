import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/drop-table",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "DROP TABLE destroys a table and every row in it. A table the same migration direction created first (a scratch or temporary table), or in an Alembic migration a `DROP TABLE IF EXISTS` right before that table's `CREATE`, is not reported; in a .sql file (a dump or restore script) that defensive drop still is.",
    why: "The data is gone the moment the statement commits; only a backup restore brings it back. Every release still running reads or writes the table and starts failing at once, so even a rollback of the code cannot help.",
    instead:
      "Rename the table to _deprecated_<name> (ALTER TABLE users RENAME TO _deprecated_users) in one release, stop every read and write, keep a backup, and drop it in a later release once nothing has touched it.",
  },
  examples: {
    invalid: [
      { file: "migrations/0042_drop_legacy_sessions.sql", code: "-- Sessions moved to Redis.\nDROP TABLE legacy_sessions;\n", finding: { line: 2, column: 1, message: "Table legacy_sessions is dropped" } },
      { file: "migrations/0043_drop_audit.sql", code: "DROP TABLE IF EXISTS `audit_log`;\n", options: { dialect: "mysql" }, finding: { line: 1, column: 1, message: "Table audit_log is dropped" } },
    ],
    valid: [
      { file: "migrations/0042_rename_legacy_sessions.sql", code: "ALTER TABLE legacy_sessions RENAME TO _deprecated_legacy_sessions;\n" },
      { file: "migrations/0044_drop_index.sql", code: "DROP INDEX IF EXISTS idx_sessions_user_id;\n" },
      {
        file: "migrations/0045_merge_users.sql",
        code: "-- A scratch table the same migration creates and drops is not reported.\nCREATE TEMPORARY TABLE merge_map AS SELECT id, merged_into_id FROM users WHERE merged_into_id IS NOT NULL;\nUPDATE registrations r SET user_id = m.merged_into_id FROM merge_map m WHERE m.id = r.user_id;\nDROP TABLE merge_map;\n",
      },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "drop-table" || change.dropsOwnTable) continue;
      const names = change.objects && change.objects.length > 1 ? change.objects : [tableName(change)];
      const message = names.length > 1 ? `Tables ${names.join(", ")} are dropped` : `Table ${names[0]} is dropped`;
      report(change, message, { ...changeData(change), tables: names });
    }
  },
});
