import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/truncate",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "TRUNCATE removes every row of a table.",
    why: "TRUNCATE empties the table in one step, skips row-level triggers and takes an ACCESS EXCLUSIVE lock; with CASCADE it empties every table that references it too. The rows are recoverable only from a backup.",
    instead:
      "Delete only the rows you mean to remove with a WHERE clause, in batches (DELETE … WHERE id IN (SELECT id … LIMIT 5000)), after copying them to an archive table; empty a table as a separate, approved operation, not inside a migration.",
  },
  examples: {
    invalid: [{ file: "migrations/0051_reset_carts.sql", code: "BEGIN;\nTRUNCATE TABLE shopping_carts CASCADE;\nCOMMIT;\n", finding: { line: 2, column: 1, message: "Table shopping_carts is truncated: every row is removed" } }],
    valid: [{ file: "migrations/0051_expire_carts.sql", code: "DELETE FROM shopping_carts WHERE updated_at < now() - interval '90 days';\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "truncate") continue;
      const names = change.objects && change.objects.length > 1 ? change.objects : [tableName(change)];
      const message = names.length > 1 ? `Tables ${names.join(", ")} are truncated: every row is removed` : `Table ${names[0]} is truncated: every row is removed`;
      report(change, message, { ...changeData(change), tables: names });
    }
  },
});
