import { defineRule } from "../define.js";
import { compareStrings } from "../../src/types.js";
import type { Migration, RevisionGraph } from "../../src/extract/facts.js";
import { migration } from "./examples.js";

/** Branch labels that apply to a revision: its own and those of its ancestors. */
function labelsOf(graph: RevisionGraph, revision: string): Set<string> {
  const labels = new Set<string>();
  const seen = new Set<string>();
  const queue = [revision];
  while (queue.length > 0) {
    const r = queue.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    const m: Migration | undefined = graph.migrations.get(r);
    if (!m) continue;
    for (const l of m.branchLabels) labels.add(l);
    queue.push(...m.downRevisions);
  }
  return labels;
}

/** How many heads a message names. */
const MAX_NAMED = 10;

export default defineRule({
  id: "alembic/multiple-heads",
  family: "alembic",
  reads: "revisionGraphs",
  severity: "high",
  docs: {
    summary: "The revision graph has more than one head that is not an intended, labelled branch.",
    why: "`alembic upgrade head` refuses to run with several heads, so the deploy fails at the migration step; two developers' migrations were branched from the same parent and never merged.",
    instead: "Create a merge revision (`alembic merge -m \"merge heads\" <rev1> <rev2>`), or give intended independent branches distinct branch_labels.",
  },
  examples: {
    invalid: [
      {
        file: "alembic/versions/0003_add_phone.py",
        code: migration({ revision: "0003", down: "0001", upgrade: 'op.add_column("users", sa.Column("phone", sa.String(32)))', downgrade: 'op.drop_column("users", "phone")' }),
        siblings: [
          { file: "alembic/versions/0001_users.py", code: migration({ revision: "0001", upgrade: 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))', downgrade: 'op.drop_table("users")' }) },
          { file: "alembic/versions/0002_add_email.py", code: migration({ revision: "0002", down: "0001", upgrade: 'op.add_column("users", sa.Column("email", sa.String(255)))', downgrade: 'op.drop_column("users", "email")' }) },
        ],
        finding: { line: 9, column: 1, message: "2 heads in alembic/versions: 0002, 0003 — `alembic upgrade head` will refuse to run" },
      },
    ],
    valid: [
      {
        file: "alembic/versions/0003_merge.py",
        code: migration({ revision: "0003", upgrade: "pass", downgrade: "pass" }).replace('down_revision = None', 'down_revision = ("0002", "0004")'),
        siblings: [
          { file: "alembic/versions/0001_users.py", code: migration({ revision: "0001", upgrade: 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))', downgrade: 'op.drop_table("users")' }) },
          { file: "alembic/versions/0002_add_email.py", code: migration({ revision: "0002", down: "0001", upgrade: 'op.add_column("users", sa.Column("email", sa.String(255)))', downgrade: 'op.drop_column("users", "email")' }) },
          { file: "alembic/versions/0004_add_phone.py", code: migration({ revision: "0004", down: "0001", upgrade: 'op.add_column("users", sa.Column("phone", sa.String(32)))', downgrade: 'op.drop_column("users", "phone")' }) },
        ],
      },
    ],
  },
  check(facts, report) {
    for (const graph of facts.revisionGraphs) {
      if (graph.heads.length < 2) continue;
      const labelled = graph.heads.map((h) => ({ head: h, labels: [...labelsOf(graph, h)].sort().join(",") }));
      const distinct = new Set(labelled.map((l) => l.labels));
      if (labelled.every((l) => l.labels !== "") && distinct.size === labelled.length) continue;
      // One finding per extra head (all but the first by file name), and in pre-commit mode the
      // staged file that added a head is the one that gets it. The heads are listed once (in the
      // first finding's data); messages name at most MAX_NAMED, so 5,000 heads cost linear output.
      const heads = graph.heads.map((h) => graph.migrations.get(h)!).sort((a, b) => compareStrings(a.file, b.file));
      const names = heads.slice(0, MAX_NAMED).map((h) => h.revision).join(", ");
      const more = heads.length > MAX_NAMED ? ` and ${heads.length - MAX_NAMED} more` : "";
      for (const [index, head] of heads.slice(1).entries()) {
        report(head.revisionLocation, `${heads.length} heads in ${graph.directories.join(", ")}: ${names}${more} — \`alembic upgrade head\` will refuse to run`, index === 0 ? { heads: heads.map((h) => h.revision) } : { headCount: heads.length });
      }
    }
  },
});
