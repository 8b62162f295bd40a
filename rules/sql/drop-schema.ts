import { defineRule } from "../define.js";
import { changeData, reportable } from "./shared.js";

export default defineRule({
  id: "sql/drop-schema",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "DROP SCHEMA or DROP DATABASE destroys every table, view and function in it.",
    why: "One statement removes all the data of a schema or database (with CASCADE, regardless of what is in it); nothing but a full restore brings it back, and every service using it fails immediately.",
    instead:
      "Never drop a schema or database from a migration. Rename it (ALTER SCHEMA billing RENAME TO _deprecated_billing), revoke access, take a backup, and have an operator drop it by hand once nothing uses it.",
  },
  examples: {
    invalid: [
      { file: "migrations/0090_remove_reporting.sql", code: "DROP SCHEMA reporting CASCADE;\n", finding: { line: 1, column: 1, message: "Schema reporting is dropped" } },
      { file: "migrations/0091_remove_staging_db.sql", code: "DROP DATABASE analytics_staging;\n", options: { dialect: "mysql" }, finding: { line: 1, column: 1, message: "Database analytics_staging is dropped" } },
    ],
    valid: [{ file: "migrations/0090_retire_reporting.sql", code: "ALTER SCHEMA reporting RENAME TO _deprecated_reporting;\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "drop-schema" && change.kind !== "drop-database") continue;
      const what = change.kind === "drop-schema" ? "Schema" : "Database";
      const names = change.objects && change.objects.length > 0 ? change.objects : [change.name ?? change.schema ?? "?"];
      const message = names.length > 1 ? `${what}s ${names.join(", ")} are dropped` : `${what} ${names[0]} is dropped`;
      report(change, message, { ...changeData(change), objects: names });
    }
  },
});
