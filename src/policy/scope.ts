// The release scope on the migrations: which migrations are already applied in an environment
// (the revision it runs and every ancestor of it) and which are pending there. A decision judges
// the pending ones; findings in applied migrations are history, except the graph rules', which
// are about the graph as a whole and always count.
import type { Migration, RevisionGraph } from "../extract/facts.js";
import type { Finding } from "../types.js";
import type { MigrationScope } from "./types.js";

/** Rules about the revision graph as a whole: they see every file, whatever the scope. */
export const GRAPH_RULE_IDS: readonly string[] = ["alembic/multiple-heads", "alembic/missing-parent", "alembic/duplicate-revision", "alembic/revision-cycle"];

export interface PendingMigrations {
  /** Files of the migrations the environment already runs (a revision given, or an ancestor of one). */
  appliedFiles: string[];
  /** Files of every other migration: pending in the environment. */
  pendingFiles: string[];
  /** Given revisions that no graph holds. */
  unknownRevisions: string[];
}

/** The graph holding `revision`, if any. */
export function graphOf(graphs: readonly RevisionGraph[], revision: string): RevisionGraph | undefined {
  return graphs.find((g) => g.migrations.has(revision));
}

/**
 * Splits the migrations into applied and pending for an environment that runs `revisions`. Ancestry
 * follows `down_revision` and `depends_on` (Alembic applies a dependency before its dependant),
 * through merges and labelled branches. A graph none of the revisions is on is pending entirely;
 * a migration without a readable revision id is pending (it cannot be placed).
 */
export function pendingMigrations(graphs: readonly RevisionGraph[], migrations: readonly Migration[], revisions: readonly string[]): PendingMigrations {
  const applied = new Set<string>();
  const unknownRevisions: string[] = [];
  for (const revision of revisions) {
    const graph = graphOf(graphs, revision);
    if (!graph) {
      unknownRevisions.push(revision);
      continue;
    }
    const queue = [revision];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const r = queue.pop()!;
      if (seen.has(r)) continue;
      seen.add(r);
      const migration = graph.migrations.get(r);
      if (!migration) continue;
      applied.add(migration.file);
      queue.push(...migration.downRevisions, ...migration.dependsOn);
    }
  }
  const appliedFiles: string[] = [];
  const pendingFiles: string[] = [];
  for (const m of migrations) (applied.has(m.file) ? appliedFiles : pendingFiles).push(m.file);
  return { appliedFiles: appliedFiles.sort(), pendingFiles: pendingFiles.sort(), unknownRevisions };
}

/** Splits findings into those the decision judges and those in migrations the environment already runs. */
export function partitionByScope(findings: readonly Finding[], scope: MigrationScope | undefined): { judged: Finding[]; applied: Finding[] } {
  if (!scope || scope.appliedFiles.length === 0) return { judged: [...findings], applied: [] };
  const appliedFiles = new Set(scope.appliedFiles);
  const judged: Finding[] = [];
  const applied: Finding[] = [];
  for (const f of findings) (appliedFiles.has(f.file) && !GRAPH_RULE_IDS.includes(f.ruleId) ? applied : judged).push(f);
  return { judged, applied };
}
