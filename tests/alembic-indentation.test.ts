// Issue 13, item 12: indentation errors CPython refuses and tree-sitter-python parses into a clean
// tree. The migrations are written in indico's shape (indico/migrations/versions: a docstring,
// `revision`/`down_revision`, `upgrade()`/`downgrade()` of `op.*` calls, four-space indents); each
// positive has a true negative beside it that CPython compiles (checked with
// `python3 -c "compile(open(f,'rb').read(), f, 'exec')"`).
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";
import { tempProject } from "./helpers.js";

const head = (rev: string) => `"""Add the room colour"""\n\nfrom alembic import op\n\nrevision = "${rev}"\ndown_revision = None\n\n`;

const cases: Record<string, string> = {
  // IndentationError: unindent does not match any outer indentation level (line 10, column 7)
  "unindent.py": head("a1") + "def upgrade():\n        op.add_column('rooms', sa.Column('colour', sa.String()))\n      op.create_index(None, 'rooms', ['colour'])\n",
  // IndentationError: expected an indented block after function definition (line 9, column 1)
  "noblock.py": head("a2") + "def upgrade():\npass\n\ndef downgrade():\n    op.drop_table('rooms')\n",
  // IndentationError: unexpected indent (line 10, column 9)
  "unexpected.py": head("a3") + "def upgrade():\n    op.add_column('rooms', sa.Column('colour', sa.String()))\n        op.drop_column('rooms', 'old')\n",
  // TabError: the block's meaning depends on the tab size (line 10, column 2)
  "taberror.py": head("a4") + "def upgrade():\n    if True:\n\top.drop_column('rooms', 'old')\n",
  // True negatives: the same shapes CPython accepts — a continuation line, a bracketed line and a
  // triple-quoted SQL string at any indent, comments at any indent, tabs used consistently.
  "ok_continued.py":
    head("b1") +
    "def upgrade():\n    op.add_column('rooms',\n  sa.Column('colour', sa.String()))\n    x = 1 + \\\n 2\n    op.execute('''\nUPDATE rooms SET colour = 'red' WHERE id = 1\n  ''')\n  # a comment\n    pass\n\ndef downgrade():\n    op.drop_column('rooms', 'colour')\n",
  // After a bracketed group (call arguments, a comprehension, a tuple target, parameters): the
  // line that follows is measured, and a bracket opening the offending line is where it points.
  // IndentationError: unexpected indent (line 11, column 9)
  "group_unexpected.py": head("c1") + "def upgrade():\n    op.execute(\n\"UPDATE rooms SET colour = 'red'\")\n        [op.drop_column('rooms', c) for c in ('a', 'b')]\n",
  // IndentationError: expected an indented block: the file ends after `def downgrade(a,\n b):`
  "group_noblock.py": head("c2") + "def upgrade():\n    (a,\n  b) = (1, 2)\n\ndef downgrade(a,\n        b):",
  "ok_groups.py":
    head("c3") +
    "def upgrade():\n    (a,\n b) = {k: v for k, v in [(1,\n 2)]}.items()\n    [op.drop_column('rooms', c) for c in (\n'a', 'b')]\n\ndef downgrade(a=(1,\n  2)):\n    op.execute({\n'x': (1)}['x'])\n",
  // The file ends after `def downgrade():` and blanks, on one row: where the error points is the
  // first token of that line, `def` (line 11, columns 1-4).
  "eof_noblock.py": head("d1") + "def upgrade():\n    op.drop_table('rooms')\n\ndef downgrade():  ",
  "ok_tabs.py": head("b2") + "def upgrade():\n\tif True:\n\t\top.add_column('rooms', sa.Column('colour', sa.String()))\n\ndef downgrade():\n\top.drop_column('rooms', 'colour')\n",
};

describe("Python indentation errors in a migration", () => {
  const dir = tempProject(Object.fromEntries(Object.entries(cases).map(([name, code]) => [`alembic/versions/${name}`, code])));

  test("each is alembic/parse-error at the first token of the offending line, with CPython's error", async () => {
    const result = await scan({ cwd: dir, configFile: false });
    const parseErrors = (name: string) =>
      result.findings.filter((f) => f.file === `alembic/versions/${name}` && f.ruleId === "alembic/parse-error").map((f) => ({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message }));
    // Where each points: the first token of the offending line (`op`, `pass`, a bracket, `def`).
    const at = (line: number, column: number, endColumn: number) => ({ line, column, endLine: line, endColumn });
    expect(parseErrors("unindent.py")).toEqual([{ ...at(10, 7, 9), message: expect.stringContaining("IndentationError at line 10 (unindent does not match any outer indentation level)") }]);
    expect(parseErrors("noblock.py")).toEqual([{ ...at(9, 1, 5), message: expect.stringContaining("IndentationError at line 9 (expected an indented block)") }]);
    expect(parseErrors("unexpected.py")).toEqual([{ ...at(10, 9, 11), message: expect.stringContaining("IndentationError at line 10 (unexpected indent)") }]);
    expect(parseErrors("taberror.py")).toEqual([{ ...at(10, 2, 4), message: expect.stringContaining("TabError at line 10") }]);
    expect(parseErrors("group_unexpected.py")).toEqual([{ ...at(11, 9, 10), message: expect.stringContaining("IndentationError at line 11 (unexpected indent)") }]);
    expect(parseErrors("group_noblock.py")).toEqual([{ ...at(12, 1, 4), message: expect.stringContaining("IndentationError at line 12 (expected an indented block)") }]);
    expect(parseErrors("eof_noblock.py")).toEqual([{ ...at(11, 1, 4), message: expect.stringContaining("IndentationError at line 11 (expected an indented block)") }]);
    expect(parseErrors("ok_groups.py")).toEqual([]);
    expect(parseErrors("ok_continued.py")).toEqual([]);
    expect(parseErrors("ok_tabs.py")).toEqual([]);
    expect(result.unanalysed.map((u) => u.file).sort()).toEqual(["eof_noblock.py", "group_noblock.py", "group_unexpected.py", "noblock.py", "taberror.py", "unexpected.py", "unindent.py"].map((n) => `alembic/versions/${n}`));
  });
});
