import { defineRule } from "../define.js";
import { changeData, reportable, tableName } from "./shared.js";

export default defineRule({
  id: "sql/alter-column-type",
  family: "sql",
  reads: "schemaChanges",
  severity: "medium",
  docs: {
    summary: "Changing a column's type in place.",
    why: "Most type changes rewrite the whole table under an exclusive lock (reads and writes wait until it finishes), can fail half-way on values that do not convert, and break code that still expects the old type.",
    instead:
      "Add a new column with the new type, write to both, backfill it in batches, switch reads to it, then drop the old column in a later release. Changes the database can do without a rewrite (e.g. widening varchar(50) to varchar(100) or to text on PostgreSQL) can be suppressed with a reason.",
  },
  examples: {
    invalid: [
      { file: "migrations/0110_bigint_ids.sql", code: "ALTER TABLE events ALTER COLUMN id TYPE bigint;\n", finding: { line: 1, column: 1, message: "Column id of table events changes type to bigint" } },
      { file: "migrations/0111_price_decimal.sql", code: "ALTER TABLE products MODIFY COLUMN price DECIMAL(12, 2) NOT NULL;\n", options: { dialect: "mysql" }, finding: { line: 1, column: 1, message: "Column price of table products changes type to DECIMAL(12, 2)" } },
    ],
    valid: [{ file: "migrations/0110_bigint_ids.sql", code: "ALTER TABLE events ADD COLUMN id_new bigint;\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "alter-column-type") continue;
      const to = change.newType ? ` to ${change.newType}` : "";
      // MySQL `CONVERT TO CHARACTER SET` names no column: it converts them all.
      const subject = change.column === undefined ? "Every text column" : `Column ${change.column}`;
      report(change, `${subject} of table ${tableName(change)} changes type${to}`, { ...changeData(change), newType: change.newType });
    }
  },
});
