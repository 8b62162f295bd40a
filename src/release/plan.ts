// The migration side of a rollback: the downgrade path from the current head to a target
// revision over the revision graph, whether each downgrade is real, and the data it destroys.
import { buildRevisionGraphs, downgradePath } from "../extract/alembic/graph.js";
import type { Migration, RevisionGraph, SchemaChange } from "../extract/facts.js";

export type DowngradeKind = "real" | "noop" | "empty" | "missing" | "raises";

export interface PlannedDowngrade {
  revision: string;
  file: string;
  line: number;
  downgrade: DowngradeKind;
  /** What the downgrade destroys: `table users`, `column users.email`, … */
  destroys: string[];
}

export interface RollbackPlan {
  /** The head the downgrade starts from. */
  head?: string;
  target: string;
  /** Migrations to downgrade, newest first. */
  migrations: PlannedDowngrade[];
  /** Why the plan cannot run; empty when it can. */
  refusals: string[];
}

export interface PlanFacts {
  migrations: Migration[];
  schemaChanges: SchemaChange[];
  revisionGraphs: RevisionGraph[];
}

function classify(migration: Migration): DowngradeKind {
  const down = migration.downgrade;
  if (!down) return "missing";
  if (down.raises) return "raises";
  if (down.isEmpty || down.changeCount === 0) {
    const up = migration.upgrade;
    const upgradeChanges = up ? !up.isEmpty && up.changeCount > 0 : false;
    return upgradeChanges ? "empty" : "noop";
  }
  return "real";
}

function destroyed(change: SchemaChange): string | undefined {
  const table = [change.schema, change.table].filter(Boolean).join(".");
  switch (change.kind) {
    case "drop-table":
      return `table ${change.objects?.join(", ") ?? table}`;
    case "drop-column":
      return `column ${table}.${change.column ?? "?"}`;
    case "truncate":
      return `all rows of ${change.objects?.join(", ") ?? table}`;
    case "delete":
      return change.hasWhere && !change.whereIsTautology ? `some rows of ${table}` : `all rows of ${table}`;
    case "drop-schema":
      return `schema ${change.schema ?? change.name ?? change.table ?? "?"}`;
    case "drop-database":
      return `database ${change.name ?? change.table ?? "?"}`;
    case "drop-cascade":
      return `${change.objects?.join(", ") ?? change.name ?? "?"} and what depends on it`;
    default:
      return undefined;
  }
}

const DESCRIBE: Record<DowngradeKind, string> = {
  real: "real downgrade",
  noop: "nothing to undo",
  empty: "EMPTY downgrade (pass) while the upgrade changes the schema",
  missing: "NO downgrade() function",
  raises: "downgrade RAISES",
};

export function describeDowngrade(kind: DowngradeKind): string {
  return DESCRIBE[kind];
}

/** The graph holding `target` (or the only graph, for `base`): the scan's graphs, else built from its migrations. */
function graphFor(facts: PlanFacts, target: string): { graph?: RevisionGraph; graphs: RevisionGraph[] } {
  const graphs = facts.revisionGraphs.length > 0 ? facts.revisionGraphs : buildRevisionGraphs(facts.migrations);
  const graph = graphs.find((g) => g.migrations.has(target)) ?? (graphs.length === 1 ? graphs[0] : undefined);
  return graph ? { graph, graphs } : { graphs };
}

/**
 * Which migrations a downgrade to `target` (`base` for all) reverts, newest first: the graph's own
 * head and `downgradePath`, so the plan shown is the path `gonogo migrations graph` draws.
 */
export function planDowngrade(facts: PlanFacts, target: string): RollbackPlan {
  const refusals: string[] = [];
  const { graph, graphs } = graphFor(facts, target);
  if (graphs.every((g) => g.migrations.size === 0)) return { target, migrations: [], refusals: ["no Alembic migrations were found to plan the downgrade"] };
  if (target !== "base" && !graph?.migrations.has(target)) return { target, migrations: [], refusals: [`revision ${target} is not in the revision graph`] };
  const heads = [...(graph ? graph.heads : graphs.flatMap((g) => g.heads))].sort();
  if (!graph || heads.length !== 1) {
    refusals.push(heads.length === 0 ? "the revision graph has no head (cycle?)" : `the revision graph has ${heads.length} heads (${heads.join(", ")}); merge them before rolling back`);
    return { target, migrations: [], refusals };
  }
  const head = heads[0]!;
  const path = downgradePath(graph, head, target);
  if (!path) return { head, target, migrations: [], refusals: [`revision ${target} is not an ancestor of the head ${head}`] };
  const planned: PlannedDowngrade[] = path.map((rev) => {
    const m = graph.migrations.get(rev)!;
    const destroys = facts.schemaChanges
      .filter((c) => c.migration?.direction === "downgrade" && (c.migration.revision === rev || (!c.migration.revision && c.location.file === m.file)))
      .map(destroyed)
      .filter((d): d is string => d !== undefined);
    const kind = classify(m);
    if (kind === "empty" || kind === "missing" || kind === "raises")
      refusals.push(`migration ${rev} (${m.file}) has no real downgrade: ${describeDowngrade(kind)}`);
    return { revision: rev, file: m.file, line: (m.downgrade ?? m.upgrade)?.nameLocation.line ?? m.revisionLocation.line, downgrade: kind, destroys: [...new Set(destroys)] };
  });
  return { head, target, migrations: planned, refusals };
}

/** The plan as text, shown before asking. */
export function formatPlan(plan: RollbackPlan): string {
  const lines = [`Migration downgrade ${plan.head ?? "?"} → ${plan.target}:`];
  if (plan.migrations.length === 0 && plan.refusals.length === 0) lines.push("  nothing to downgrade (already at the target)");
  for (const m of plan.migrations) {
    lines.push(`  - ${m.revision} (${m.file}:${m.line}): ${describeDowngrade(m.downgrade)}`);
    for (const d of m.destroys) lines.push(`      destroys ${d}`);
  }
  for (const r of plan.refusals) lines.push(`  REFUSED: ${r}`);
  return `${lines.join("\n")}\n`;
}
