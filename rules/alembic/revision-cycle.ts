import { defineRule } from "../define.js";
import { compareStrings } from "../../src/types.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/revision-cycle",
  family: "alembic",
  reads: "revisionGraphs",
  severity: "critical",
  docs: {
    summary: "down_revision links form a cycle.",
    why: "A cycle has no base to start from and no head to reach: Alembic fails to build the revision map and no migration can run or be rolled back.",
    instead: "Fix the down_revision of the migration that closes the loop so it names its real parent.",
  },
  examples: {
    invalid: [
      {
        file: "alembic/versions/0041_a.py",
        code: migration({ revision: "0041", down: "0042", upgrade: 'op.add_column("users", sa.Column("a", sa.Integer()))', downgrade: 'op.drop_column("users", "a")' }),
        siblings: [{ file: "alembic/versions/0042_b.py", code: migration({ revision: "0042", down: "0041", upgrade: 'op.add_column("users", sa.Column("b", sa.Integer()))', downgrade: 'op.drop_column("users", "b")' }) }],
        finding: { line: 9, column: 1, message: "Revision cycle: 0041 → 0042 → 0041" },
      },
    ],
    valid: [
      {
        file: "alembic/versions/0041_a.py",
        code: migration({ revision: "0041", upgrade: 'op.add_column("users", sa.Column("a", sa.Integer()))', downgrade: 'op.drop_column("users", "a")' }),
        siblings: [{ file: "alembic/versions/0042_b.py", code: migration({ revision: "0042", down: "0041", upgrade: 'op.add_column("users", sa.Column("b", sa.Integer()))', downgrade: 'op.drop_column("users", "b")' }) }],
      },
    ],
  },
  check(facts, report) {
    for (const graph of facts.revisionGraphs) {
      for (const cycle of graph.cycles) {
        const members = cycle.map((r) => graph.migrations.get(r)!).sort((a, b) => compareStrings(a.file, b.file));
        report(members[0]!.revisionLocation, `Revision cycle: ${cycle.join(" → ")} → ${cycle[0]}`, { cycle });
      }
    }
  },
});
