import { defineRule } from "../define.js";
import { changeData, reportable, tableCreatedAlongside, tableName } from "./shared.js";

export default defineRule({
  id: "sql/create-index-non-concurrently",
  family: "sql",
  reads: "schemaChanges",
  severity: "medium",
  docs: {
    summary: "CREATE INDEX without CONCURRENTLY on an existing PostgreSQL table.",
    why: "A plain CREATE INDEX holds a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits, which on a large table means minutes of failed writes.",
    instead:
      "Use CREATE INDEX CONCURRENTLY outside a transaction (in Alembic: op.create_index(…, postgresql_concurrently=True) inside with op.get_context().autocommit_block()), and check afterwards that the index is valid. Indexes on a table created in the same migration need nothing.",
  },
  examples: {
    invalid: [{ file: "migrations/0140_index_orders.sql", code: "CREATE INDEX idx_orders_customer_id ON orders (customer_id);\n", finding: { line: 1, column: 1, message: "Index idx_orders_customer_id is created on table orders without CONCURRENTLY" } }],
    valid: [
      { file: "migrations/0140_index_orders.sql", code: "CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);\n" },
      {
        file: "migrations/0141_create_refunds.sql",
        code: "CREATE TABLE refunds (\n  id bigserial PRIMARY KEY,\n  order_id bigint NOT NULL\n);\nCREATE INDEX idx_refunds_order_id ON refunds (order_id);\n",
      },
      { file: "migrations/0142_index_orders.sql", code: "CREATE INDEX idx_orders_customer_id ON orders (customer_id);\n", options: { dialect: "mysql" } },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "create-index" || change.concurrently === true) continue;
      // CONCURRENTLY is PostgreSQL's; other databases build indexes online or not at all.
      if (change.dialect !== undefined && change.dialect !== "postgresql") continue;
      if (tableCreatedAlongside(change, facts.schemaChanges)) continue;
      const name = change.name ? `Index ${change.name}` : "An index";
      report(change, `${name} is created on table ${tableName(change)} without CONCURRENTLY`, { ...changeData(change), index: change.name });
    }
  },
});
