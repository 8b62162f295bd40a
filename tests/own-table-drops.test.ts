// Issue 13, item 9: a table the same migration creates is not sql/drop-table when that direction
// drops it again. The Alembic shape is indico's "update merged users" migrations
// (indico/migrations/versions/20210607_1548_735dc4e8d2f3_…: one op.execute that creates a
// TEMPORARY TABLE merge_map AS …, updates from it and drops it); the SQL-file shape is a scratch
// table; the migration also guards a CREATE with `DROP TABLE IF EXISTS` (left out in a migration,
// still reported in a .sql file, where it is mysqldump's restore shape). True negatives beside
// each: a drop of a table the file did not create, a drop of a table created in the *other*
// direction, and an IF EXISTS drop whose CREATE is of another table are still reported.
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";
import { tempProject } from "./helpers.js";

const migration = [
  "from alembic import op",
  "",
  'revision = "735dc4e8d2f3"',
  "down_revision = None",
  "",
  "def upgrade():",
  "    op.execute('''",
  "        CREATE TEMPORARY TABLE merge_map AS SELECT id AS user_id, merged_into_id AS current_user_id FROM users.users WHERE merged_into_id IS NOT NULL;",
  "        UPDATE event_registration.registrations r SET user_id = mm.current_user_id FROM merge_map mm WHERE mm.user_id = r.user_id;",
  "        DROP TABLE merge_map;",
  "    ''')",
  "    op.drop_table('legacy_registrations')",
  "    op.execute('DROP TABLE IF EXISTS user_merge_log')",
  "    op.create_table('user_merge_log', sa.Column('id', sa.Integer()))",
  "",
  "def downgrade():",
  "    op.create_table('legacy_registrations', sa.Column('id', sa.Integer()))",
  "    op.drop_table('merge_map')",
  "",
].join("\n");

const sqlFile = [
  "DROP TABLE IF EXISTS report_scratch;",
  "CREATE TABLE report_scratch (id int);",
  "INSERT INTO report_scratch SELECT id FROM orders WHERE total > 0;",
  "DROP TABLE report_scratch;",
  "DROP TABLE IF EXISTS old_reports;",
  "CREATE TABLE new_reports (id int);",
  "DROP TABLE audit_trail;",
  "",
].join("\n");

describe("drops of a table the same direction created", () => {
  const dir = tempProject({ "alembic/versions/735dc4e8d2f3_merge.py": migration, "db/0007_reports.sql": sqlFile });

  test("are left out; other drops are still reported at their line and column", async () => {
    const result = await scan({ cwd: dir, configFile: false });
    const drops = result.findings.filter((f) => f.ruleId === "sql/drop-table").map((f) => `${f.file}:${f.line}:${f.column}`);
    expect(drops).toEqual([
      // op.drop_table of a table it did not create, and the downgrade's drop of a table only the upgrade created.
      "alembic/versions/735dc4e8d2f3_merge.py:12:5",
      "alembic/versions/735dc4e8d2f3_merge.py:18:5",
      "db/0007_reports.sql:1:1",
      "db/0007_reports.sql:5:1",
      "db/0007_reports.sql:7:1",
    ]);
  });
});
