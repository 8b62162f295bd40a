import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/update-without-where",
  family: "sql",
  reads: "schemaChanges",
  severity: "high",
  docs: {
    summary: "UPDATE without a WHERE clause (or with one that is always true) overwrites a column in every row.",
    why: "The previous values are lost for the whole table, and one UPDATE of a large table holds row locks on all of it until it commits, blocking the application's writes.",
    instead:
      "Restrict the UPDATE with a WHERE clause that selects only the rows that need the change (e.g. WHERE status IS NULL), and backfill large tables in batches of a few thousand rows, each in its own transaction.",
  },
  examples: {
    invalid: [{ file: "migrations/0070_default_plan.sql", code: "UPDATE accounts SET plan = 'free';\n", finding: { line: 1, column: 1, message: "UPDATE changes every row of table accounts: it has no WHERE clause" } }],
    valid: [{ file: "migrations/0070_default_plan.sql", code: "UPDATE accounts SET plan = 'free' WHERE plan IS NULL;\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "update") continue;
      if (change.hasWhere === true && change.whereIsTautology !== true) continue;
      const reason = change.hasWhere === true ? "its WHERE clause is always true" : "it has no WHERE clause";
      report(change, `UPDATE changes every row of table ${tableName(change)}: ${reason}`, { ...changeData(change), tautology: change.whereIsTautology === true });
    }
  },
});
