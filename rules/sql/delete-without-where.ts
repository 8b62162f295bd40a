import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/delete-without-where",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "DELETE without a WHERE clause (or with one that is always true, such as WHERE 1=1) removes every row.",
    why: "A DELETE with no effective filter empties the table. It is usually a filter that was lost in an edit or a placeholder that was never filled in, and the rows can only come back from a backup.",
    instead:
      "Write the WHERE clause that selects exactly the rows to remove, check the count with SELECT count(*) … WHERE … first, and delete large sets in batches. If the table really must be emptied, do it as a separate, approved operation.",
  },
  examples: {
    invalid: [
      { file: "migrations/0063_cleanup_tokens.sql", code: "-- Remove expired tokens.\nDELETE FROM password_reset_tokens;\n", finding: { line: 2, column: 1, message: "DELETE removes every row of table password_reset_tokens: it has no WHERE clause" } },
      { file: "migrations/0064_cleanup_tokens.sql", code: "DELETE FROM password_reset_tokens WHERE 1 = 1;\n", options: { dialect: "mysql" }, finding: { line: 1, column: 1, message: "DELETE removes every row of table password_reset_tokens: its WHERE clause is always true" } },
    ],
    valid: [{ file: "migrations/0063_cleanup_tokens.sql", code: "DELETE FROM password_reset_tokens WHERE expires_at < now();\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "delete") continue;
      if (change.hasWhere === true && change.whereIsTautology !== true) continue;
      const reason = change.hasWhere === true ? "its WHERE clause is always true" : "it has no WHERE clause";
      report(change, `DELETE removes every row of table ${tableName(change)}: ${reason}`, { ...changeData(change), tautology: change.whereIsTautology === true });
    }
  },
});
