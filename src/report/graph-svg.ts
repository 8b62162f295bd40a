// The revision graph as a standalone SVG, laid out here without graphviz: layers by longest path
// from the roots (root at the top), order within a layer by the barycentre of neighbours (a few
// sweeps down and up, the usual Sugiyama heuristic), edges as curves from parent to child.
import { badges, EDGE_COLOR, NODE_PALETTE, PATH_COLOR, type GraphNode, type GraphView } from "./graph.js";

const NODE_WIDTH = 232;
const NODE_HEIGHT = 58;
const GAP_X = 36;
const GAP_Y = 46;
const MARGIN = 20;
const TITLE_HEIGHT = 30;
const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
const SANS = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif";

export interface NodeBox {
  node: GraphNode;
  x: number;
  y: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  boxes: Map<string, NodeBox>;
}

/** Positions of every node of one view, top-left corners, in a box of width × height. */
export function layoutGraph(view: GraphView): GraphLayout {
  const layers: GraphNode[][] = [];
  for (const node of view.nodes) (layers[node.layer] ??= []).push(node);
  const parentsOf = new Map<string, string[]>();
  const childrenOf = new Map<string, string[]>();
  for (const e of view.edges) {
    parentsOf.set(e.child, [...(parentsOf.get(e.child) ?? []), e.parent]);
    childrenOf.set(e.parent, [...(childrenOf.get(e.parent) ?? []), e.child]);
  }
  const index = new Map<string, number>();
  const reindex = () => layers.forEach((layer) => layer?.forEach((n, i) => index.set(n.revision, i)));
  reindex();
  const barycentre = (node: GraphNode, neighbours: Map<string, string[]>): number => {
    const positions = (neighbours.get(node.revision) ?? []).map((r) => index.get(r)).filter((i): i is number => i !== undefined);
    return positions.length ? positions.reduce((a, b) => a + b, 0) / positions.length : (index.get(node.revision) ?? 0);
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? layers.keys() : [...layers.keys()].reverse();
    for (const li of order) {
      const layer = layers[li];
      if (!layer) continue;
      const weights = new Map(layer.map((n) => [n.revision, barycentre(n, down ? parentsOf : childrenOf)]));
      // Stable sort keeps the topological (file) order among equals, so output is deterministic.
      layer.sort((a, b) => weights.get(a.revision)! - weights.get(b.revision)!);
      reindex();
    }
  }
  const widest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const width = MARGIN * 2 + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const boxes = new Map<string, NodeBox>();
  layers.forEach((layer, li) => {
    if (!layer) return;
    const rowWidth = layer.length * NODE_WIDTH + (layer.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    layer.forEach((node, i) => boxes.set(node.revision, { node, x: left + i * (NODE_WIDTH + GAP_X), y: TITLE_HEIGHT + MARGIN + li * (NODE_HEIGHT + GAP_Y) }));
  });
  const height = TITLE_HEIGHT + MARGIN * 2 + layers.length * NODE_HEIGHT + Math.max(0, layers.length - 1) * GAP_Y;
  return { width, height, boxes };
}

export interface SvgOptions {
  /** Prefix for element ids, so several SVGs can sit inline in one HTML page. */
  idPrefix?: string;
  /** Link each migration node to this anchor (HTML report: the file's findings). */
  hrefFor?: (file: string) => string | undefined;
}

/** One SVG holding every graph, stacked vertically. */
export function renderGraphSvg(views: GraphView[], options: SvgOptions = {}): string {
  const prefix = options.idPrefix ?? "gg";
  const layouts = views.map(layoutGraph);
  const width = Math.max(520, ...layouts.map((l) => l.width));
  const height = Math.max(80, layouts.reduce((sum, l, i) => sum + l.height + (views[i]!.rollback ? 20 : 0) + 10, 0) + 30);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="gonogo-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${prefix}-title">`,
    `<title id="${prefix}-title">Alembic revision graph</title>`,
    "<defs>",
    arrowMarker(`${prefix}-arrow`, EDGE_COLOR),
    arrowMarker(`${prefix}-arrow-path`, PATH_COLOR),
    "</defs>",
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  let top = 0;
  views.forEach((view, vi) => {
    const layout = layouts[vi]!;
    const dx = (width - layout.width) / 2;
    out.push(`<g class="revision-graph" data-directories="${attr(view.directories.join(","))}" transform="translate(${dx},${top})">`);
    out.push(`<text class="graph-title" x="${MARGIN}" y="${MARGIN + 8}" font-family="${SANS}" font-size="14" font-weight="600" fill="#24292f">${esc(view.directories.join(", "))}</text>`);
    out.push(`<g class="edges">`);
    // Path edges last, so they are drawn over the others.
    for (const edge of [...view.edges].sort((a, b) => Number(a.onPath) - Number(b.onPath))) {
      const p = layout.boxes.get(edge.parent);
      const c = layout.boxes.get(edge.child);
      if (!p || !c) continue;
      out.push(edgePath(edge, p, c, prefix));
    }
    out.push("</g>", `<g class="nodes">`);
    for (const box of layout.boxes.values()) out.push(nodeGroup(box, options));
    out.push("</g>");
    if (view.rollback) {
      const { from, to, steps } = view.rollback;
      out.push(
        `<text class="rollback-caption" x="${MARGIN}" y="${layout.height + 8}" font-family="${SANS}" font-size="12" fill="${PATH_COLOR}">${esc(`rollback ${from} → ${to}: ${steps.length} downgrade${steps.length === 1 ? "" : "s"}`)}</text>`,
      );
    }
    out.push("</g>");
    top += layout.height + (view.rollback ? 20 : 0) + (vi < views.length - 1 ? 10 : 0);
  });
  out.push(legend(top + 14));
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function arrowMarker(id: string, color: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}

function edgePath(edge: GraphView["edges"][number], p: NodeBox, c: NodeBox, prefix: string): string {
  const x1 = p.x + NODE_WIDTH / 2;
  const y1 = p.y + NODE_HEIGHT;
  const x2 = c.x + NODE_WIDTH / 2;
  const y2 = c.y;
  const bend = Math.max(20, (y2 - y1) / 2);
  // A cycle's back edge goes upward: bow it out to the side so it does not cross the nodes.
  const d =
    y2 > y1
      ? `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`
      : `M${x1 + NODE_WIDTH / 2},${p.y + NODE_HEIGHT / 2} C${x1 + NODE_WIDTH},${p.y} ${x2 + NODE_WIDTH},${c.y + NODE_HEIGHT} ${x2 + NODE_WIDTH / 2},${c.y + NODE_HEIGHT / 2}`;
  const classes = ["edge", edge.kind, edge.onPath ? "rollback" : ""].filter(Boolean).join(" ");
  const stroke = edge.onPath ? PATH_COLOR : EDGE_COLOR;
  const dash = edge.kind === "depends-on" ? ` stroke-dasharray="5 4"` : "";
  const marker = edge.onPath ? `${prefix}-arrow-path` : `${prefix}-arrow`;
  return `<path class="${classes}" data-parent="${attr(edge.parent)}" data-child="${attr(edge.child)}" d="${d}" fill="none" stroke="${stroke}" stroke-width="${edge.onPath ? 3.5 : 1.5}"${dash} marker-end="url(#${marker})"/>`;
}

function nodeGroup(box: NodeBox, options: SvgOptions): string {
  const { node, x, y } = box;
  const palette = NODE_PALETTE[node.color];
  const classes = ["node", node.color, node.head && "head", node.merge && "merge", node.missing && "missing", node.path && "rollback", node.path && `rollback-${node.path}`].filter(Boolean).join(" ");
  const data = [`data-revision="${attr(node.revision)}"`, `data-color="${node.color}"`];
  if (node.worst) data.push(`data-worst="${node.worst}"`);
  if (node.file) data.push(`data-file="${attr(node.file)}"`);
  if (node.path) data.push(`data-rollback="${node.path}"`);
  const stroke = node.path ? PATH_COLOR : palette.stroke;
  const strokeWidth = node.path ? 3.5 : node.head ? 2.5 : 1.5;
  const dash = node.missing ? ` stroke-dasharray="5 4"` : "";
  const shape = node.merge
    ? `<path class="node-shape" d="M${x + 14},${y} H${x + NODE_WIDTH - 14} L${x + NODE_WIDTH},${y + NODE_HEIGHT / 2} L${x + NODE_WIDTH - 14},${y + NODE_HEIGHT} H${x + 14} L${x},${y + NODE_HEIGHT / 2} Z" fill="${palette.fill}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`
    : `<rect class="node-shape" x="${x}" y="${y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="8" fill="${palette.fill}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`;
  const tags = badges(node).filter((b) => !b.startsWith("rollback"));
  const lines = [
    `<text x="${x + 12}" y="${y + 18}" font-family="${FONT}" font-size="12" font-weight="700" fill="${palette.text}">${esc(truncate(node.revision, 30))}</text>`,
    `<text x="${x + 12}" y="${y + 34}" font-family="${SANS}" font-size="12" fill="${palette.text}">${esc(truncate(node.missing ? "missing parent" : node.title, 32))}</text>`,
  ];
  if (tags.length) lines.push(`<text class="badges" x="${x + 12}" y="${y + 50}" font-family="${SANS}" font-size="10.5" fill="${palette.text}" opacity="0.85">${esc(truncate(tags.join(" · "), 40))}</text>`);
  const tooltip = [node.revision, node.file, node.title, ...badges(node)].filter(Boolean).join("\n");
  const body = `<g class="${classes}" ${data.join(" ")}><title>${esc(tooltip)}</title>${shape}${lines.join("")}</g>`;
  const href = node.file ? options.hrefFor?.(node.file) : undefined;
  return href ? `<a href="${attr(href)}">${body}</a>` : body;
}

function legend(y: number): string {
  const items: [string, string][] = [
    [NODE_PALETTE.red.fill, "critical / high"],
    [NODE_PALETTE.amber.fill, "medium"],
    [NODE_PALETTE.blue.fill, "low / info"],
    [NODE_PALETTE.green.fill, "no findings"],
  ];
  const parts = items.map(
    ([fill, label], i) =>
      `<rect x="${MARGIN + i * 120}" y="${y - 10}" width="12" height="12" rx="2" fill="${fill}" stroke="#8c959f"/><text x="${MARGIN + i * 120 + 18}" y="${y}" font-family="${SANS}" font-size="11" fill="#57606a">${label}</text>`,
  );
  return `<g class="legend">${parts.join("")}</g>`;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join("") + "…" : text;
}

/** XML text escaping; also drops characters XML 1.0 forbids, which would make the file unreadable. */
export function esc(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const attr = esc;
