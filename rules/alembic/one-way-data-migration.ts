import { defineRule } from "../define.js";
import { plural } from "../../src/plural.js";
import { isDataOnlyUpgrade } from "./shared.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/one-way-data-migration",
  family: "alembic",
  reads: ["migrations", "schemaChanges"],
  severity: "low",
  docs: {
    summary:
      "downgrade() is empty while upgrade() only moves data (INSERT, op.bulk_insert, UPDATE or DELETE with a WHERE): a one-way data migration. Reported here, at low severity, instead of as alembic/empty-downgrade, because no schema change is left behind. A scratch table the upgrade creates (and indexes) and drops again, such as a temporary mapping table, leaves none either and does not count.",
    why: "Data migrations are often one-way by design (backfills, fixes of bad rows). A rollback leaves the rows as the upgrade wrote them: the old code meets the same schema, but the data it finds may not be what it wrote.",
    instead: "If the old code cannot live with the new rows, reverse them in downgrade() or raise NotImplementedError with the reason; otherwise say in the docstring that the migration is one-way on purpose.",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0011_backfill_status.py", code: migration({ revision: "0011", upgrade: "op.execute(\"UPDATE orders SET status = 'open' WHERE status IS NULL\")", downgrade: "pass" }), finding: { line: 19, column: 5, message: "downgrade() of 0011 is empty while upgrade() only moves data (1 data change): a rollback leaves the rows as the upgrade wrote them" } }],
    valid: [
      { file: "alembic/versions/0011_backfill_status.py", code: migration({ revision: "0011", upgrade: "op.execute(\"UPDATE orders SET status = 'open' WHERE status IS NULL\")", downgrade: "op.execute(\"UPDATE orders SET status = NULL WHERE status = 'open'\")" }) },
      { file: "alembic/versions/0012_add_status.py", code: migration({ revision: "0012", upgrade: 'op.add_column("orders", sa.Column("status", sa.Text()))', downgrade: 'op.drop_column("orders", "status")' }) },
    ],
  },
  check(facts, report) {
    for (const m of facts.migrations) {
      if (!m.downgrade?.isEmpty || !isDataOnlyUpgrade(m, facts.schemaChanges)) continue;
      report(m.downgrade.nameLocation, `downgrade() of ${m.revision ?? m.file} is empty while upgrade() only moves data (${plural(m.upgrade!.changeCount, "data change")}): a rollback leaves the rows as the upgrade wrote them`, { revision: m.revision });
    }
  },
});
