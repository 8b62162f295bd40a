import { defineRule } from "../define.js";

export default defineRule({
  id: "gonogo/internal-error",
  family: "gonogo",
  reads: [],
  severity: "high",
  docs: {
    summary: "A rule crashed while checking the project: what it should have checked was not checked.",
    why: "A rule that fails finds nothing, and nothing found must not read as safe. The finding names the rule and its error; production fails closed on it, as on a file that could not be analysed.",
    instead: "Report the bug with the files that trigger it (the message names the rule). Until it is fixed, the release needs a decision by a person in an environment that does not fail closed.",
  },
  examples: { invalid: [], valid: [{ file: "db/schema.sql", code: "CREATE TABLE audit_log (id bigint PRIMARY KEY);\n" }] },
  // Reported by the engine when a rule's check throws.
  check() {},
});
