// The Alembic revision DAG as a picture: one view model (nodes coloured by their worst finding,
// heads, merges, branch labels, the rollback path) rendered as text, Mermaid, DOT or SVG.
import { downgradePath } from "../extract/alembic/graph.js";
import { GraphRequestError } from "../errors.js";
import type { Migration, RevisionGraph } from "../extract/facts.js";
import { compareStrings, severityRank, type Finding, type Severity } from "../types.js";
import { plural } from "../plural.js";

/** The colour of a migration: its worst finding (critical/high red, medium amber, low/info blue, none green). */
export type NodeColor = "red" | "amber" | "blue" | "green" | "grey";

export const GRAPH_FORMATS = ["text", "mermaid", "dot", "svg"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** Fill, stroke and text colour of each node colour; shared by every renderer so they agree. */
export const NODE_PALETTE: Record<NodeColor, { fill: string; stroke: string; text: string }> = {
  red: { fill: "#ffd8d3", stroke: "#cf222e", text: "#5c0011" },
  amber: { fill: "#fff0b3", stroke: "#bf8700", text: "#4d3800" },
  blue: { fill: "#d6ecff", stroke: "#0969da", text: "#032f62" },
  green: { fill: "#d3f5dc", stroke: "#1a7f37", text: "#04260f" },
  grey: { fill: "#f6f8fa", stroke: "#8c959f", text: "#57606a" },
};
/** The colour of the rollback path. */
export const PATH_COLOR = "#8250df";
export const EDGE_COLOR = "#6e7781";

export function colorForSeverity(severity: Severity | undefined): NodeColor {
  if (severity === undefined) return "green";
  if (severity === "critical" || severity === "high") return "red";
  if (severity === "medium") return "amber";
  return "blue";
}

export interface GraphNode {
  /** The revision id (for a missing parent: the id that was named). */
  revision: string;
  file?: string;
  /** First line of the module docstring, else the file name. */
  title: string;
  branchLabels: string[];
  head: boolean;
  merge: boolean;
  root: boolean;
  /** A parent named by a migration that no migration in the graph has. */
  missing: boolean;
  worst?: Severity;
  /** Findings of the migration's file, by severity. */
  findingCounts: Partial<Record<Severity, number>>;
  findingCount: number;
  color: NodeColor;
  /** On the highlighted rollback path: from (first downgraded), through, to (the target, not downgraded). */
  path?: "from" | "through" | "to";
  /** Layer from the roots (longest path), for layouts. */
  layer: number;
}

export interface GraphEdge {
  parent: string;
  child: string;
  kind: "down-revision" | "depends-on";
  /** Walked by the highlighted rollback. */
  onPath: boolean;
}

export interface GraphView {
  directories: string[];
  /** Topological order: every parent before its children (cycles broken by file order). */
  nodes: GraphNode[];
  edges: GraphEdge[];
  cycles: string[][];
  rollback?: { from: string; to: string; steps: string[] };
}

export interface RollbackSpec {
  from: string;
  to: string;
}

export { GraphRequestError };

/**
 * Builds the views of every graph. With `rollback`, the graph holding `from` gets the path a
 * downgrade from `from` to `to` walks; throws GraphRequestError when a revision is unknown,
 * ambiguous, or `to` is not an ancestor of `from`.
 */
export function buildGraphViews(graphs: RevisionGraph[], findings: Finding[], rollback?: Partial<RollbackSpec>): GraphView[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const views = graphs.map((g) => buildView(g, byFile));
  if (rollback && (rollback.from !== undefined || rollback.to !== undefined)) applyRollback(graphs, views, rollback);
  return views;
}

function buildView(graph: RevisionGraph, findingsByFile: Map<string, Finding[]>): GraphView {
  const heads = new Set(graph.heads);
  const merges = new Set(graph.merges);
  const nodes = new Map<string, GraphNode>();
  for (const [revision, m] of graph.migrations) {
    const findings = findingsByFile.get(m.file) ?? [];
    const counts: Partial<Record<Severity, number>> = {};
    let worst: Severity | undefined;
    for (const f of findings) {
      counts[f.severity] = (counts[f.severity] ?? 0) + 1;
      if (worst === undefined || severityRank(f.severity) > severityRank(worst)) worst = f.severity;
    }
    const node: GraphNode = {
      revision,
      file: m.file,
      title: titleOf(m),
      branchLabels: [...m.branchLabels],
      head: heads.has(revision),
      merge: merges.has(revision),
      root: m.downRevisions.length === 0,
      missing: false,
      findingCounts: counts,
      findingCount: findings.length,
      color: colorForSeverity(worst),
      layer: 0,
    };
    if (worst !== undefined) node.worst = worst;
    nodes.set(revision, node);
  }
  for (const { parent } of graph.missingParents) {
    if (nodes.has(parent)) continue;
    nodes.set(parent, {
      revision: parent,
      title: "missing parent",
      branchLabels: [],
      head: false,
      merge: false,
      root: true,
      missing: true,
      findingCounts: {},
      findingCount: 0,
      color: "grey",
      layer: 0,
    });
  }
  const edges: GraphEdge[] = [];
  for (const [revision, m] of graph.migrations) {
    for (const p of m.downRevisions) edges.push({ parent: p, child: revision, kind: "down-revision", onPath: false });
    for (const d of m.dependsOn) if (nodes.has(d) && !m.downRevisions.includes(d)) edges.push({ parent: d, child: revision, kind: "depends-on", onPath: false });
  }
  const order = topologicalOrder([...nodes.values()], edges);
  const position = new Map(order.map((n, i) => [n.revision, i]));
  const parentEdges = groupEdges(edges, (e) => e.child);
  for (const node of order) {
    for (const e of parentEdges.get(node.revision) ?? []) {
      if (e.kind !== "down-revision") continue;
      const parent = nodes.get(e.parent);
      // Only parents earlier in the order count, so a cycle cannot raise layers forever.
      if (parent && position.get(e.parent)! < position.get(node.revision)!) node.layer = Math.max(node.layer, parent.layer + 1);
    }
  }
  return { directories: [...graph.directories], nodes: order, edges, cycles: graph.cycles.map((c) => [...c]) };
}

export function groupEdges(edges: GraphEdge[], key: (e: GraphEdge) => string): Map<string, GraphEdge[]> {
  const out = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    const list = out.get(key(e));
    if (list) list.push(e);
    else out.set(key(e), [e]);
  }
  return out;
}

function titleOf(m: Migration): string {
  const first = m.docstring
    ?.split("\n")
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (first) return first;
  const base = m.file.slice(m.file.lastIndexOf("/") + 1);
  return base.replace(/\.py$/, "");
}

/** Kahn's algorithm with file-name tie breaks; what remains (cycles) follows in file order. */
function topologicalOrder(nodes: GraphNode[], edges: GraphEdge[]): GraphNode[] {
  const key = (n: GraphNode) => (n.missing ? "" : (n.file ?? "")) + "\u0000" + n.revision;
  const sorted = [...nodes].sort((a, b) => compareStrings(key(a), key(b)));
  const indegree = new Map(sorted.map((n) => [n.revision, 0]));
  const children = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind !== "down-revision" || !indegree.has(e.parent)) continue;
    indegree.set(e.child, (indegree.get(e.child) ?? 0) + 1);
    children.set(e.parent, [...(children.get(e.parent) ?? []), e.child]);
  }
  const byRevision = new Map(sorted.map((n) => [n.revision, n]));
  const out: GraphNode[] = [];
  const done = new Set<string>();
  let ready = sorted.filter((n) => indegree.get(n.revision) === 0);
  while (out.length < sorted.length) {
    if (ready.length === 0) {
      // A cycle: release the first remaining node in file order.
      const next = sorted.find((n) => !done.has(n.revision))!;
      indegree.set(next.revision, 0);
      ready = [next];
    }
    ready.sort((a, b) => compareStrings(key(a), key(b)));
    const node = ready.shift()!;
    if (done.has(node.revision)) continue;
    done.add(node.revision);
    out.push(node);
    for (const c of children.get(node.revision) ?? []) {
      const left = indegree.get(c)! - 1;
      indegree.set(c, left);
      if (left === 0 && !done.has(c)) ready.push(byRevision.get(c)!);
    }
  }
  return out;
}

/** Resolves a revision as Alembic does: exact id, a unique prefix, or `head` when there is one head. */
export function resolveRevision(graph: RevisionGraph, spec: string): string | undefined {
  if (graph.migrations.has(spec)) return spec;
  if (spec === "head") return graph.heads.length === 1 ? graph.heads[0] : undefined;
  const matches = [...graph.migrations.keys()].filter((r) => r.startsWith(spec));
  return matches.length === 1 ? matches[0] : undefined;
}

function applyRollback(graphs: RevisionGraph[], views: GraphView[], spec: Partial<RollbackSpec>): void {
  const fromSpec = spec.from ?? "head";
  const toSpec = spec.to;
  if (toSpec === undefined) throw new GraphRequestError("--from needs --to: the revision to roll back to (or base)");
  const candidates = graphs.map((g, i) => ({ i, from: resolveRevision(g, fromSpec) })).filter((c) => c.from !== undefined);
  if (candidates.length === 0) {
    const heads = graphs.flatMap((g) => g.heads);
    throw new GraphRequestError(
      fromSpec === "head" && heads.length > 1
        ? `--from head: there are ${heads.length} heads (${heads.join(", ")}); name one`
        : `--from ${fromSpec}: no such revision (or the prefix is ambiguous)`,
    );
  }
  if (candidates.length > 1) throw new GraphRequestError(`--from ${fromSpec}: matches revisions in ${candidates.length} graphs; give more of the id`);
  const { i, from } = candidates[0]!;
  const graph = graphs[i]!;
  const view = views[i]!;
  const to = toSpec === "base" ? "base" : resolveRevision(graph, toSpec);
  if (to === undefined) throw new GraphRequestError(`--to ${toSpec}: no such revision in the graph of ${from} (or the prefix is ambiguous)`);
  const steps = downgradePath(graph, from!, to);
  if (steps === undefined) throw new GraphRequestError(`--to ${toSpec}: ${to} is not an ancestor of ${from}, so no downgrade leads there`);
  const onPath = new Set(steps);
  for (const node of view.nodes) {
    if (node.revision === to) node.path = "to";
    else if (node.revision === from) node.path = "from";
    else if (onPath.has(node.revision)) node.path = "through";
  }
  for (const edge of view.edges) {
    if (edge.kind !== "down-revision" || !onPath.has(edge.child)) continue;
    if (onPath.has(edge.parent) || edge.parent === to) edge.onPath = true;
  }
  view.rollback = { from: from!, to, steps };
}

// ── text ──────────────────────────────────────────────────────────────────────────────────────

const ANSI: Record<NodeColor | "path" | "dim" | "bold", string> = { red: "31", amber: "33", blue: "34", green: "32", grey: "90", path: "35", dim: "2", bold: "1" };

/** A terminal listing, newest first: one line per migration with its parents, markers and colour. */
export function renderGraphText(views: GraphView[], options: { color?: boolean } = {}): string {
  const paint = (style: keyof typeof ANSI, text: string) => (options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const out: string[] = [];
  for (const view of views) {
    const migrations = view.nodes.filter((n) => !n.missing);
    const heads = migrations.filter((n) => n.head).length;
    const merges = migrations.filter((n) => n.merge).length;
    if (out.length > 0) out.push("");
    out.push(paint("bold", `${view.directories.join(", ")}: ${plural(migrations.length, "migration")}, ${plural(heads, "head")}, ${plural(merges, "merge")}`));
    const parentEdges = groupEdges(view.edges, (e) => e.child);
    const parentsOf = (revision: string) => parentEdges.get(revision) ?? [];
    const revWidth = Math.max(...view.nodes.map((n) => n.revision.length), 8);
    for (const node of [...view.nodes].reverse()) {
      const marks = [node.head && "head", node.merge && "merge", node.root && !node.missing && "root", node.missing && "missing", ...node.branchLabels.map((b) => `branch ${b}`)].filter(Boolean);
      const parents = parentsOf(node.revision).map((e) => (e.kind === "depends-on" ? `${e.parent} (depends on)` : e.parent));
      const findings = node.findingCount === 0 ? "no findings" : countsText(node.findingCounts);
      const pathMark = node.path === "to" ? paint("path", "◎") : node.path ? paint("path", "»") : " ";
      const line = [
        `${pathMark} ${paint(node.color, node.revision.padEnd(revWidth))}`,
        paint(node.color, `${node.color.padEnd(5)}`),
        marks.length ? `[${marks.join(", ")}]` : "",
        node.missing ? "" : `${findings}`,
        node.missing ? "" : `— ${node.title}`,
        parents.length ? paint("dim", `← ${parents.join(", ")}`) : "",
      ].filter((s) => s !== "");
      out.push(line.join("  "));
    }
    for (const cycle of view.cycles) out.push(paint("red", `cycle: ${[...cycle, cycle[0]].join(" → ")}`));
    if (view.rollback) {
      const { from, to, steps } = view.rollback;
      out.push(
        "",
        paint("path", `Rollback ${from} → ${to}: ${plural(steps.length, "downgrade")} (${steps.join(", ")})`),
        paint("dim", "  » downgraded   ◎ target"),
      );
    }
  }
  out.push("", paint("dim", "colours: red critical/high · amber medium · blue low/info · green no findings · grey missing"));
  return out.join("\n") + "\n";
}

function countsText(counts: Partial<Record<Severity, number>>): string {
  return (["critical", "high", "medium", "low", "info"] as const)
    .filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(", ");
}


// ── mermaid ───────────────────────────────────────────────────────────────────────────────────

/** A Mermaid flowchart (roots at the top), for Markdown that renders Mermaid (GitHub, GitLab). */
export function renderGraphMermaid(views: GraphView[]): string {
  const out = ["flowchart TB"];
  const ids = nodeIds(views);
  const linkStyles: number[] = [];
  let link = 0;
  views.forEach((view, vi) => {
    const indent = views.length > 1 ? "    " : "  ";
    if (views.length > 1) out.push(`  subgraph g${vi}["${mermaidText(view.directories.join(", "))}"]`);
    for (const node of view.nodes) {
      const label = [node.revision, node.missing ? "missing parent" : node.title, ...badges(node)].map(mermaidText).join("<br/>");
      const [open, close] = node.missing ? ["[/", "/]"] : node.merge ? ["{{", "}}"] : node.head ? ["([", "])"] : ["[", "]"];
      out.push(`${indent}${ids.get(vi)!.get(node.revision)}${open}"${label}"${close}`);
    }
    if (views.length > 1) out.push("  end");
  });
  views.forEach((view, vi) => {
    for (const edge of view.edges) {
      const arrow = edge.kind === "depends-on" ? "-.->" : edge.onPath ? "==>" : "-->";
      out.push(`  ${ids.get(vi)!.get(edge.parent)} ${arrow} ${ids.get(vi)!.get(edge.child)}`);
      if (edge.onPath) linkStyles.push(link);
      link++;
    }
  });
  for (const color of Object.keys(NODE_PALETTE) as NodeColor[]) {
    const p = NODE_PALETTE[color];
    out.push(`  classDef ${color} fill:${p.fill},stroke:${p.stroke},color:${p.text}${color === "grey" ? ",stroke-dasharray:4 3" : ""}`);
  }
  out.push(`  classDef rollback stroke:${PATH_COLOR},stroke-width:4px`);
  views.forEach((view, vi) => {
    for (const color of Object.keys(NODE_PALETTE) as NodeColor[]) {
      const members = view.nodes.filter((n) => n.color === color).map((n) => ids.get(vi)!.get(n.revision));
      if (members.length) out.push(`  class ${members.join(",")} ${color}`);
    }
    const onPath = view.nodes.filter((n) => n.path).map((n) => ids.get(vi)!.get(n.revision));
    if (onPath.length) out.push(`  class ${onPath.join(",")} rollback`);
  });
  if (linkStyles.length) out.push(`  linkStyle ${linkStyles.join(",")} stroke:${PATH_COLOR},stroke-width:4px`);
  return out.join("\n") + "\n";
}

/** Mermaid node ids are plain `n<i>`: revision ids may hold characters Mermaid reads as syntax. */
function nodeIds(views: GraphView[]): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  let i = 0;
  views.forEach((view, vi) => out.set(vi, new Map(view.nodes.map((n) => [n.revision, `n${i++}`]))));
  return out;
}

function mermaidText(text: string): string {
  // Inside a quoted label Mermaid reads entity codes; quotes and angle brackets must not reach it raw.
  return text.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/[\r\n]+/g, " ");
}

/** Short markers shown under a node's title. */
export function badges(node: GraphNode): string[] {
  const out: string[] = [];
  if (node.head) out.push("head");
  if (node.merge) out.push("merge");
  for (const b of node.branchLabels) out.push(`branch: ${b}`);
  if (node.findingCount > 0) out.push(countsText(node.findingCounts));
  if (node.path === "from") out.push("rollback from");
  if (node.path === "to") out.push("rollback target");
  return out;
}

// ── dot ───────────────────────────────────────────────────────────────────────────────────────

/** Graphviz DOT, one cluster per graph, roots at the top. */
export function renderGraphDot(views: GraphView[]): string {
  const q = dotString;
  const out = [
    "digraph revisions {",
    "  rankdir=TB;",
    `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];`,
    `  edge [color=${q(EDGE_COLOR)}, arrowsize=0.7];`,
  ];
  views.forEach((view, vi) => {
    const indent = views.length > 1 ? "    " : "  ";
    if (views.length > 1) out.push(`  subgraph ${q(`cluster_${vi}`)} {`, `    label=${q(view.directories.join(", "))};`);
    for (const node of view.nodes) {
      const p = NODE_PALETTE[node.color];
      const label = [node.revision, node.missing ? "missing parent" : node.title, ...badges(node)].join("\n");
      const attrs = [
        `label=${q(label)}`,
        `fillcolor=${q(p.fill)}`,
        `color=${q(node.path ? PATH_COLOR : p.stroke)}`,
        `fontcolor=${q(p.text)}`,
        `penwidth=${node.path ? 3 : node.head ? 2 : 1}`,
      ];
      if (node.missing) attrs.push(`style="rounded,filled,dashed"`);
      if (node.merge) attrs.push("shape=hexagon");
      if (node.file) attrs.push(`tooltip=${q(node.file)}`);
      attrs.push(`gonogo_color=${q(node.color)}`);
      out.push(`${indent}${q(node.revision)} [${attrs.join(", ")}];`);
    }
    for (const edge of view.edges) {
      const attrs: string[] = [];
      if (edge.kind === "depends-on") attrs.push("style=dashed", `label="depends on"`);
      if (edge.onPath) attrs.push(`color=${q(PATH_COLOR)}`, "penwidth=3", `gonogo_rollback="true"`);
      out.push(`${indent}${q(edge.parent)} -> ${q(edge.child)}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
    }
    if (views.length > 1) out.push("  }");
  });
  out.push("}");
  return out.join("\n") + "\n";
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}
