import { defineRule } from "../define.js";

export default defineRule({
  id: "gonogo/file-unreadable",
  family: "gonogo",
  reads: "parseProblems",
  severity: "high",
  docs: {
    summary: "A path could not be read at all: permission denied, a symbolic link loop, a FIFO or device, or it vanished during the scan.",
    why: "What gonogo cannot read it cannot check; the release may ship a change nobody saw. Production fails closed on it.",
    instead: "Fix the permissions or the link, or exclude the path with an `ignore` glob in gonogo.config.yaml if it is not part of the release.",
  },
  examples: { invalid: [], valid: [{ file: "db/schema.sql", code: "CREATE TABLE audit_log (id bigint PRIMARY KEY);\n" }] },
  check(facts, report) {
    for (const p of facts.parseProblems) if (p.family === "gonogo") report(p, p.message);
  },
});
