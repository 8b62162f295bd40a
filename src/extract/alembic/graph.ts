// The revision DAG of Alembic versions directories: heads, roots, merges, cycles, missing
// parents, duplicate ids, and the path between two revisions.
import type { Migration, RevisionGraph } from "../facts.js";
import { compareStrings } from "../../types.js";

/**
 * Builds one graph per Alembic environment. `environmentOf` names the environment of a versions
 * directory (its alembic.ini's `version_locations`, the config's `migrations:`); by default each
 * directory is its own. Directories are never joined by revision ids: unrelated projects often
 * share ids like `0001`, and whether a scan happened to read the other directory must not decide
 * what is reported.
 */
export function buildRevisionGraphs(migrations: Migration[], reportFiles?: Set<string>, environmentOf: (directory: string) => string = (d) => d): RevisionGraph[] {
  const byEnvironment = new Map<string, { directories: Set<string>; migrations: Migration[] }>();
  for (const m of migrations) {
    const key = environmentOf(m.directory);
    let group = byEnvironment.get(key);
    if (!group) byEnvironment.set(key, (group = { directories: new Set(), migrations: [] }));
    group.directories.add(m.directory);
    group.migrations.push(m);
  }
  return [...byEnvironment.values()]
    .map((group) => ({ directories: [...group.directories].sort(compareStrings), migrations: group.migrations }))
    .sort((a, b) => compareStrings(a.directories[0]!, b.directories[0]!))
    .map((group) => buildGraph(group.directories, group.migrations, reportFiles));
}

function buildGraph(directories: string[], migrations: Migration[], reportFiles?: Set<string>): RevisionGraph {
  const sorted = [...migrations].sort((a, b) => compareStrings(a.file, b.file));
  const byRevision = new Map<string, Migration>();
  const duplicates = new Map<string, Migration[]>();
  for (const m of sorted) {
    if (m.revision === undefined) continue;
    const existing = byRevision.get(m.revision);
    if (existing) duplicates.set(m.revision, [...(duplicates.get(m.revision) ?? [existing]), m]);
    else byRevision.set(m.revision, m);
  }
  const referenced = new Set<string>();
  const missingParents: RevisionGraph["missingParents"] = [];
  for (const m of sorted) {
    for (const p of m.downRevisions) {
      referenced.add(p);
      if (!byRevision.has(p)) missingParents.push({ migration: m, parent: p });
    }
  }
  const revisions = [...byRevision.keys()];
  const graph: RevisionGraph = {
    directories,
    migrations: byRevision,
    heads: revisions.filter((r) => !referenced.has(r)),
    roots: revisions.filter((r) => byRevision.get(r)!.downRevisions.length === 0),
    merges: revisions.filter((r) => byRevision.get(r)!.downRevisions.length > 1),
    cycles: findCycles(byRevision),
    missingParents,
    duplicates: [...duplicates].map(([revision, list]) => ({ revision, migrations: list })),
  };
  if (reportFiles) graph.reportFiles = reportFiles;
  return graph;
}

/** Cycles along down_revision edges (each reported once, as the revisions on it). */
function findCycles(byRevision: Map<string, Migration>): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of [...byRevision.keys()].sort()) {
    if (state.has(start)) continue;
    // Iterative DFS, so a 10,000-long chain does not overflow the stack.
    const stack: { revision: string; next: number }[] = [{ revision: start, next: 0 }];
    const path: string[] = [start];
    state.set(start, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const parents = byRevision.get(top.revision)?.downRevisions ?? [];
      if (top.next >= parents.length) {
        state.set(top.revision, "done");
        stack.pop();
        path.pop();
        continue;
      }
      const p = parents[top.next++]!;
      if (!byRevision.has(p)) continue;
      const s = state.get(p);
      if (s === "visiting") {
        const cycle = path.slice(path.indexOf(p));
        const key = [...cycle].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) {
        state.set(p, "visiting");
        stack.push({ revision: p, next: 0 });
        path.push(p);
      }
    }
  }
  return cycles;
}

/**
 * The revisions a downgrade from `from` to `to` passes through, newest first, excluding `to`.
 * Returns undefined when `to` is not an ancestor of `from`. `to` may be "base" (every ancestor).
 */
export function downgradePath(graph: RevisionGraph, from: string, to: string): string[] | undefined {
  const ancestorsOf = (revision: string): Set<string> => {
    const out = new Set<string>();
    const queue = [revision];
    while (queue.length > 0) {
      const r = queue.pop()!;
      if (out.has(r)) continue;
      out.add(r);
      for (const p of graph.migrations.get(r)?.downRevisions ?? []) queue.push(p);
    }
    return out;
  };
  const fromSet = ancestorsOf(from);
  if (!graph.migrations.has(from)) return undefined;
  if (to !== "base" && !fromSet.has(to)) return undefined;
  const keep = to === "base" ? new Set<string>() : ancestorsOf(to);
  if (keep.has(from)) return []; // already at the target
  // Reverse post-order along parent edges: every revision comes before its parents.
  const order: string[] = [];
  const visited = new Set<string>();
  const stack: { revision: string; next: number }[] = [{ revision: from, next: 0 }];
  visited.add(from);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const parents = graph.migrations.get(top.revision)?.downRevisions ?? [];
    if (top.next >= parents.length) {
      order.push(top.revision);
      stack.pop();
      continue;
    }
    const p = parents[top.next++]!;
    if (visited.has(p) || keep.has(p) || !graph.migrations.has(p)) continue;
    visited.add(p);
    stack.push({ revision: p, next: 0 });
  }
  return order.reverse();
}
