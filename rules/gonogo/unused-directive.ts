import { defineRule } from "../define.js";

export default defineRule({
  id: "gonogo/unused-directive",
  family: "gonogo",
  reads: [],
  severity: "low",
  docs: {
    summary: "A gonogo-disable directive that suppresses no finding.",
    why: "A stale suppression hides the next real problem on that line, and tells readers a danger exists where none does.",
    instead: "Remove the directive, or move it to the line it was meant for.",
  },
  examples: {
    invalid: [{ file: "db/0050_cleanup.sql", code: "-- gonogo-disable-next-line sql/drop-table -- legacy table, emptied in 0049\nCREATE INDEX CONCURRENTLY ix_events_created ON events (created_at);\n", finding: { line: 1, column: 1, message: "Suppression directive gonogo-disable-next-line sql/drop-table suppresses nothing; remove it" } }],
    valid: [{ file: "db/0050_cleanup.sql", code: "-- gonogo-disable-next-line sql/drop-table -- legacy table, emptied and unused since 0049\nDROP TABLE legacy_events;\n" }],
  },
  // Reported by the engine when it applies suppressions.
  check() {},
});
