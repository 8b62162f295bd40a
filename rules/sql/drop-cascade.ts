import { defineRule } from "../define.js";
import { changeData, reportable } from "./shared.js";

/** What a cascading drop of each kind takes with it, for messages. */
const DEPENDANTS: Record<string, string> = {
  TYPE: "every column of that type with its data, and the functions and views using it",
  DOMAIN: "every column of that domain with its data",
  EXTENSION: "its types' columns with their data, its functions and whatever uses them",
  FUNCTION: "triggers, row-level security policies, defaults, constraints, generated columns, indexes and views that use it",
};

export default defineRule({
  id: "sql/drop-cascade",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "DROP EXTENSION, TYPE, DOMAIN or FUNCTION … CASCADE, and DROP OWNED, also drop what depends on the object: table columns, whole tables.",
    why: "CASCADE removes every dependent object without naming it: dropping an enum type or a domain drops each column declared with it (and the data in them), dropping an extension drops the columns of its types (PostGIS geometry, hstore, citext), dropping a function drops the triggers, defaults and generated columns that use it. DROP OWNED BY a role drops every table that role owns. The statement says nothing about tables, so a review misses the data loss; only a backup brings it back.",
    instead:
      "Drop without CASCADE (PostgreSQL then refuses and lists what still depends on the object), migrate or drop the dependent columns explicitly in their own reviewed statements, and reassign objects before removing a role (REASSIGN OWNED BY old_role TO new_role).",
  },
  examples: {
    invalid: [
      { file: "migrations/0120_drop_order_status.sql", code: "-- Statuses are plain text now.\nDROP TYPE order_status CASCADE;\n", finding: { line: 2, column: 1, message: "DROP TYPE … CASCADE drops order_status and everything that depends on it: every column of that type with its data, and the functions and views using it" } },
      { file: "migrations/0121_remove_reporting_role.sql", code: "DROP OWNED BY reporting;\nDROP ROLE reporting;\n", finding: { line: 1, column: 1, message: "DROP OWNED drops every object owned by reporting, tables and their rows included" } },
    ],
    valid: [
      { file: "migrations/0120_drop_order_status.sql", code: "ALTER TABLE orders ALTER COLUMN status TYPE text;\nDROP TYPE order_status;\n" },
      { file: "migrations/0122_drop_helper.sql", code: "DROP FUNCTION IF EXISTS normalize_email(text);\n" },
    ],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "drop-cascade") continue;
      const names = change.objects && change.objects.length > 0 ? change.objects : [change.name ?? "?"];
      const message = change.operation.startsWith("DROP OWNED")
        ? `${change.operation} drops every object owned by ${names.join(", ")}, tables and their rows included`
        : `${change.operation} drops ${names.join(", ")} and everything that depends on it: ${DEPENDANTS[change.operation.split(" ")[1] ?? ""] ?? "whatever uses it"}`;
      report(change, message, { ...changeData(change), objects: names });
    }
  },
});
