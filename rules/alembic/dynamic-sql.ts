import { defineRule } from "../define.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/dynamic-sql",
  family: "alembic",
  reads: "dynamicSql",
  severity: "medium",
  docs: {
    summary: "SQL built at run time (f-string, concatenation, a variable; in SQL itself, PL/pgSQL EXECUTE of a built string) that cannot be checked statically.",
    why: "gonogo cannot see what such a statement does: a DROP or an unbounded DELETE inside it would ship unchecked. Building SQL from strings also invites injection.",
    instead: "Write the statement as a literal (`op.execute(\"...\")`), use Alembic operations, or bind values with `sa.text(...).bindparams(...)`.",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0013_backfill.py", code: migration({ revision: "0013", upgrade: 'table = "orders"\nop.execute(f"UPDATE {table} SET region = \'eu\' WHERE region IS NULL")', downgrade: "pass" }), finding: { line: 17, column: 16, message: "SQL passed to op.execute is built at run time (f-string) and cannot be checked" } }],
    valid: [{ file: "alembic/versions/0013_backfill.py", code: migration({ revision: "0013", upgrade: "op.execute(\"UPDATE orders SET region = 'eu' WHERE region IS NULL\")", downgrade: "pass" }) }],
  },
  check(facts, report) {
    for (const d of facts.dynamicSql) {
      report(d, `SQL passed to ${d.operation} is built at run time (${d.reason}) and cannot be checked`, { reason: d.reason, ...(d.migration?.directions ? { directions: d.migration.directions } : {}) });
    }
  },
});
