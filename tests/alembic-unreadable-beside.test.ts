// Issue 13, item 13: a versions directory known only by its contents (Netflix/dispatch's and
// indico's layouts put migrations under a configured script_location; here `db/revisions` holds
// migrations, no alembic.ini names it) still makes an undecodable module in it an unreadable
// *migration*: alembic/parse-error (production fails closed), not infra/parse-error. True
// negatives beside it: the same bytes outside any migrations directory are not a migration, and
// an unreadable `__init__.py` beside migrations is not one either (Alembic never loads it as one).
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";
import { tempProject } from "./helpers.js";

const migration = (rev: string, down: string) =>
  [`revision = "${rev}"`, `down_revision = ${down}`, "from alembic import op", "", "def upgrade():", '    op.add_column("t", sa.Column("x", sa.Integer()))', "", "def downgrade():", '    op.drop_column("t", "x")', ""].join("\n");

describe("an unreadable module beside migrations", () => {
  const dir = tempProject({
    "db/revisions/a1_first.py": migration("a1", "None"),
    "db/revisions/b2_binary.py": Buffer.concat([Buffer.from('revision = "b2"\n'), Buffer.from([0x00, 0x01, 0x02])]),
    "db/revisions/c3_latin1.py": Buffer.concat([Buffer.from('revision = "c3"\n# caf'), Buffer.from([0xe9]), Buffer.from("\n")]),
    "db/revisions/__init__.py": Buffer.from([0x00, 0x01]),
    "tools/blob.py": Buffer.from([0x00, 0x01, 0x02]),
  });

  test("is alembic/parse-error at line 1, column 1; the others keep their families", async () => {
    const result = await scan({ cwd: dir, configFile: false });
    const at = (file: string) => result.findings.filter((f) => f.file === file).map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column }));
    expect(at("db/revisions/b2_binary.py")).toEqual([{ ruleId: "alembic/parse-error", line: 1, column: 1 }]);
    expect(at("db/revisions/c3_latin1.py")).toEqual([{ ruleId: "alembic/parse-error", line: 1, column: 1 }]);
    expect(at("db/revisions/__init__.py").map((f) => f.ruleId)).not.toContain("alembic/parse-error");
    expect(at("tools/blob.py").map((f) => f.ruleId)).not.toContain("alembic/parse-error");
  });
});
