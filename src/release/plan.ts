// The migration side of a rollback: the downgrade path from the current head to a target
// revision over the revision graph, whether each downgrade is real, and the data it destroys.
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

/** The graph holding `target` (or the only graph for `base`), from the scan or built from migrations. */
function graphFor(facts: PlanFacts, target: string): Map<string, Migration> {
  for (const graph of facts.revisionGraphs) if (graph.migrations.has(target)) return graph.migrations;
  if (facts.revisionGraphs.length === 1) return facts.revisionGraphs[0]!.migrations;
  const map = new Map<string, Migration>();
  for (const migration of facts.migrations) if (migration.revision && !map.has(migration.revision)) map.set(migration.revision, migration);
  return map;
}

/** Computes which migrations a downgrade to `target` (`base` for all) reverts, newest first. */
export function planDowngrade(facts: PlanFacts, target: string): RollbackPlan {
  const refusals: string[] = [];
  const migrations = graphFor(facts, target);
  if (migrations.size === 0) return { target, migrations: [], refusals: ["no Alembic migrations were found to plan the downgrade"] };
  if (target !== "base" && !migrations.has(target)) return { target, migrations: [], refusals: [`revision ${target} is not in the revision graph`] };
  const parents = new Set<string>();
  for (const m of migrations.values()) for (const p of m.downRevisions) parents.add(p);
  const heads = [...migrations.keys()].filter((rev) => !parents.has(rev)).sort();
  if (heads.length !== 1) {
    refusals.push(heads.length === 0 ? "the revision graph has no head (cycle?)" : `the revision graph has ${heads.length} heads (${heads.join(", ")}); merge them before rolling back`);
    return { target, migrations: [], refusals };
  }
  const head = heads[0]!;
  // Revisions kept: the target and its ancestors.
  const keep = new Set<string>();
  const stack = target === "base" ? [] : [target];
  while (stack.length > 0) {
    const rev = stack.pop()!;
    if (keep.has(rev)) continue;
    keep.add(rev);
    for (const p of migrations.get(rev)?.downRevisions ?? []) stack.push(p);
  }
  if (target !== "base") {
    // The target must be an ancestor of the head.
    const ancestors = new Set<string>();
    const walk = [head];
    while (walk.length > 0) {
      const rev = walk.pop()!;
      if (ancestors.has(rev)) continue;
      ancestors.add(rev);
      for (const p of migrations.get(rev)?.downRevisions ?? []) walk.push(p);
    }
    if (!ancestors.has(target)) return { head, target, migrations: [], refusals: [`revision ${target} is not an ancestor of the head ${head}`] };
  }
  // Reverse topological order of head's ancestors not kept: a migration before its parents.
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (rev: string): void => {
    if (state.has(rev) || keep.has(rev) || !migrations.has(rev)) return;
    state.set(rev, "visiting");
    for (const p of migrations.get(rev)!.downRevisions) visit(p);
    state.set(rev, "done");
    order.push(rev);
  };
  visit(head);
  order.reverse();
  const planned: PlannedDowngrade[] = order.map((rev) => {
    const m = migrations.get(rev)!;
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
