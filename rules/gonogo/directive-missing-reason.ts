import { defineRule } from "../define.js";

export default defineRule({
  id: "gonogo/directive-missing-reason",
  family: "gonogo",
  reads: [],
  severity: "medium",
  docs: {
    summary: "A gonogo-disable directive without a reason after ` -- `.",
    why: "A suppression is a decision that a dangerous change is safe; without the reason, reviewers cannot check it. A directive without a reason suppresses nothing.",
    instead: "Write why it is safe: `-- gonogo-disable-next-line sql/drop-table -- emptied and unused since 0049`.",
  },
  examples: {
    invalid: [{ file: "db/0051_cleanup.sql", code: "-- gonogo-disable-next-line sql/truncate\nTRUNCATE staging_imports;\n", finding: { line: 1, column: 1, message: "Suppression directive gonogo-disable-next-line sql/truncate has no reason; write one after \" -- \"" } }],
    valid: [{ file: "db/0051_cleanup.sql", code: "-- gonogo-disable-next-line sql/truncate -- staging_imports is a scratch table refilled hourly\nTRUNCATE staging_imports;\n" }],
  },
  // Reported by the engine when it applies suppressions.
  check() {},
});
