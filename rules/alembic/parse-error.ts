import { defineRule } from "../define.js";

export default defineRule({
  id: "alembic/parse-error",
  family: "alembic",
  reads: "parseProblems",
  severity: "high",
  docs: {
    summary: "A migration could not be analysed: a syntax error (including the IndentationError and TabError CPython raises, as `python -m py_compile` would), binary content, invalid UTF-8, or a file too large or unreadable.",
    why: "A migration gonogo cannot read is a migration nobody checked; it may drop tables or lack a downgrade. Production fails closed on it.",
    instead: "Fix the syntax error (run `python -m py_compile` on the file), store the file as UTF-8 text, or split an oversized migration.",
  },
  examples: {
    invalid: [{ file: "alembic/versions/0014_broken.py", code: 'revision = "0014"\ndown_revision = None\n\ndef upgrade(:\n    op.drop_table("x")\n', finding: { line: 4, column: 13, message: "Python syntax error at line 4: the migration cannot be analysed" } }],
    valid: [{ file: "alembic/versions/0014_ok.py", code: 'revision = "0014"\ndown_revision = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n' }],
  },
  check(facts, report) {
    for (const p of facts.parseProblems) if (p.family === "alembic") report(p, p.message, { language: p.language });
  },
});
