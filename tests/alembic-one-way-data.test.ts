// Issue 13, item 10: an empty downgrade after a data-only upgrade is alembic/one-way-data-migration
// (low), not alembic/empty-downgrade (high). The positive is written in the shape of redash's
// migrations/versions/1655999df5e3_default_alert_selector.py (one op.execute of an UPDATE … WHERE
// backfilling a JSON option, `downgrade(): pass`) and of an op.bulk_insert seed; the true negatives
// beside it: an UPDATE without WHERE, and a schema change next to the backfill, stay
// alembic/empty-downgrade.
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";
import { tempProject } from "./helpers.js";

const file = (rev: string, down: string, upgrade: string[]) =>
  ["from alembic import op", "import sqlalchemy as sa", "", `revision = "${rev}"`, `down_revision = ${down}`, "", "def upgrade():", ...upgrade, "", "def downgrade():", "    pass", ""].join("\n");

describe("an empty downgrade after an upgrade that only moves data", () => {
  const dir = tempProject({
    "migrations/versions/a1_selector.py": file("a1", "None", ['    op.execute("""', "    UPDATE alerts", "    SET options = jsonb_set(options, '{selector}', '\"first\"')", "    WHERE options->>'selector' IS NULL;", '    """)']),
    "migrations/versions/b2_seed.py": file("b2", '"a1"', ['    roles = sa.table("roles", sa.column("name", sa.String))', '    op.bulk_insert(roles, [{"name": "admin"}])']),
    "migrations/versions/c3_all_rows.py": file("c3", '"b2"', ["    op.execute(\"UPDATE alerts SET rearm = 0\")"]),
    "migrations/versions/d4_mixed.py": file("d4", '"c3"', ['    op.add_column("alerts", sa.Column("muted", sa.Boolean()))', "    op.execute(\"UPDATE alerts SET muted = false WHERE muted IS NULL\")"]),
  });

  test("is one-way-data-migration at the downgrade's name; the others stay empty-downgrade", async () => {
    const result = await scan({ cwd: dir, configFile: false });
    const rows = result.findings
      .filter((f) => f.ruleId === "alembic/empty-downgrade" || f.ruleId === "alembic/one-way-data-migration")
      .map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.severity}`);
    expect(rows).toEqual([
      "alembic/one-way-data-migration migrations/versions/a1_selector.py:14:5 low",
      "alembic/one-way-data-migration migrations/versions/b2_seed.py:11:5 low",
      "alembic/empty-downgrade migrations/versions/c3_all_rows.py:10:5 high",
      "alembic/empty-downgrade migrations/versions/d4_mixed.py:11:5 high",
    ]);
    expect(result.findings.find((f) => f.ruleId === "alembic/one-way-data-migration")!.message).toContain("only moves data");
  });
});
