import { defineRule } from "../define.js";

export default defineRule({
  id: "sql/parse-error",
  family: "sql",
  reads: "parseProblems",
  severity: "medium",
  docs: {
    summary: "SQL that could not be parsed, so gonogo could not check it.",
    why: "A statement gonogo cannot read is a statement nobody checked: it may drop a table or delete every row. A syntax error will also fail the migration itself at deploy time. Production fails closed on unanalysed files.",
    instead:
      "Fix the syntax error at the reported position (run the file against a scratch database, or psql -f with ON_ERROR_STOP=1), or set the right dialect (--dialect mysql|sqlite|mssql or `dialect` in the config) when the SQL is not PostgreSQL.",
  },
  examples: {
    invalid: [{ file: "migrations/0160_broken.sql", code: "ALTER TABLE orders ADD COLUMN note text;\nALTER TABEL orders DROP COLUMN legacy_note;\n", finding: { line: 2, column: 7, message: "SQL (postgresql) does not parse: syntax error at or near \"TABEL\"" } }],
    valid: [{ file: "migrations/0160_fixed.sql", code: "ALTER TABLE orders ADD COLUMN note text;\n" }],
  },
  check(facts, report) {
    for (const problem of facts.parseProblems) {
      if (problem.family !== "sql") continue;
      report(problem, problem.message, { language: problem.language, wholeFile: problem.wholeFile });
    }
  },
});
