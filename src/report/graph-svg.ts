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
  /** Bend points of edges that span more than one layer (through virtual nodes), by `parent>child`. */
  waypoints: Map<string, { x: number; y: number }[]>;
}

/** A place in a layer: a migration, or a virtual node carrying a long edge through the layer. */
interface Slot {
  id: string;
  node?: GraphNode;
  width: number;
  index: number;
}

const VIRTUAL_WIDTH = 24;

export const edgeKey = (parent: string, child: string) => `${parent}>${child}`;

/**
 * Positions of every node of one view, top-left corners, in a box of width × height. Edges that
 * skip layers get a virtual node in each layer they cross, so the ordering keeps them clear of
 * the migrations in between (the usual Sugiyama construction).
 */
export function layoutGraph(view: GraphView): GraphLayout {
  const layers: Slot[][] = [];
  const slots = new Map<string, Slot>();
  const addSlot = (layer: number, slot: Omit<Slot, "index">) => {
    const list = (layers[layer] ??= []);
    const full = { ...slot, index: list.length };
    list.push(full);
    slots.set(full.id, full);
  };
  for (const node of view.nodes) addSlot(node.layer, { id: node.revision, node, width: NODE_WIDTH });
  const above = new Map<string, string[]>();
  const below = new Map<string, string[]>();
  const link = (upper: string, lower: string) => {
    above.set(lower, [...(above.get(lower) ?? []), upper]);
    below.set(upper, [...(below.get(upper) ?? []), lower]);
  };
  const chains = new Map<string, string[]>();
  view.edges.forEach((edge, i) => {
    const p = slots.get(edge.parent);
    const c = slots.get(edge.child);
    if (!p?.node || !c?.node || c.node.layer <= p.node.layer) return; // a cycle's back edge: drawn, not ordered
    let upper = p.id;
    const chain: string[] = [];
    for (let layer = p.node.layer + 1; layer < c.node.layer; layer++) {
      const id = `\u0000virtual-${i}-${layer}`;
      addSlot(layer, { id, width: VIRTUAL_WIDTH });
      chain.push(id);
      link(upper, id);
      upper = id;
    }
    link(upper, c.id);
    if (chain.length) chains.set(edgeKey(edge.parent, edge.child), chain);
  });
  for (let sweep = 0; sweep < 6; sweep++) {
    const down = sweep % 2 === 0;
    const neighbours = down ? above : below;
    const order = down ? [...layers.keys()] : [...layers.keys()].reverse();
    for (const li of order) {
      const layer = layers[li];
      if (!layer) continue;
      const weight = new Map<string, number>();
      for (const slot of layer) {
        const positions = (neighbours.get(slot.id) ?? []).map((id) => slots.get(id)!.index);
        weight.set(slot.id, positions.length ? positions.reduce((a, b) => a + b, 0) / positions.length : slot.index);
      }
      // Stable sort keeps the topological (file) order among equals, so output is deterministic.
      layer.sort((a, b) => weight.get(a.id)! - weight.get(b.id)!);
      layer.forEach((slot, i) => (slot.index = i));
    }
  }
  // x: each slot as close as it can get below the centre of what it hangs from, left to right
  // without overlaps (a straight chain stays a straight line), then everything shifted into view.
  const centreX = new Map<string, number>();
  const left = new Map<string, number>();
  const place = (order: (Slot[] | undefined)[], towards: Map<string, string[]>, follows: (ids: string[]) => boolean) => {
    for (const layer of order) {
      if (!layer) continue;
      let nextFree = -Infinity;
      for (const slot of layer) {
        const ids = towards.get(slot.id) ?? [];
        const targets = follows(ids) ? ids.map((id) => centreX.get(id)).filter((x): x is number => x !== undefined) : [];
        const current = left.get(slot.id) ?? (nextFree === -Infinity ? 0 : nextFree);
        const wanted = targets.length ? targets.reduce((a, b) => a + b, 0) / targets.length - slot.width / 2 : current;
        const x = Math.max(wanted, nextFree);
        left.set(slot.id, x);
        centreX.set(slot.id, x + slot.width / 2);
        nextFree = x + slot.width + GAP_X;
      }
    }
  };
  place(layers, above, () => true);
  // Then a fork's parent over the middle of its children, so the fork does not lean to one side,
  // and a chain above it straight over it (but not a merge's parents over the merge).
  place([...layers].reverse(), below, (children) => children.length >= 2 || (children.length === 1 && (above.get(children[0]!)?.length ?? 0) === 1));
  const minX = Math.min(...left.values());
  const maxX = Math.max(...[...slots.values()].map((slot) => left.get(slot.id)! + slot.width));
  const width = MARGIN * 2 + Math.max(NODE_WIDTH, maxX - minX);
  const boxes = new Map<string, NodeBox>();
  const centres = new Map<string, { x: number; y: number }>();
  layers.forEach((layer, li) => {
    if (!layer) return;
    const y = TITLE_HEIGHT + MARGIN + li * (NODE_HEIGHT + GAP_Y);
    for (const slot of layer) {
      const x = left.get(slot.id)! - minX + MARGIN;
      if (slot.node) boxes.set(slot.id, { node: slot.node, x, y });
      else centres.set(slot.id, { x: x + slot.width / 2, y });
    }
  });
  const waypoints = new Map<string, { x: number; y: number }[]>();
  for (const [key, chain] of chains) waypoints.set(key, chain.map((id) => centres.get(id)!));
  const height = TITLE_HEIGHT + MARGIN * 2 + layers.length * NODE_HEIGHT + Math.max(0, layers.length - 1) * GAP_Y;
  return { width, height, boxes, waypoints };
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
  const width = Math.max(640, ...layouts.map((l) => l.width));
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
      out.push(edgePath(edge, p, c, prefix, layout.waypoints.get(edgeKey(edge.parent, edge.child)) ?? []));
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
  out.push(legend(top + 14, views.some((v) => v.rollback)));
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function arrowMarker(id: string, color: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}

function edgePath(edge: GraphView["edges"][number], p: NodeBox, c: NodeBox, prefix: string, via: { x: number; y: number }[]): string {
  let d: string;
  if (c.y > p.y) {
    // Down through each virtual node: a curve into its layer, straight through it, a curve out.
    const points = [{ x: p.x + NODE_WIDTH / 2, y: p.y + NODE_HEIGHT }];
    const parts: string[] = [`M${points[0]!.x},${points[0]!.y}`];
    const curveTo = (from: { x: number; y: number }, to: { x: number; y: number }) => {
      const bend = Math.max(16, (to.y - from.y) / 2);
      parts.push(`C${from.x},${from.y + bend} ${to.x},${to.y - bend} ${to.x},${to.y}`);
    };
    let at = points[0]!;
    for (const v of via) {
      curveTo(at, v);
      parts.push(`L${v.x},${v.y + NODE_HEIGHT}`);
      at = { x: v.x, y: v.y + NODE_HEIGHT };
    }
    curveTo(at, { x: c.x + NODE_WIDTH / 2, y: c.y });
    d = parts.join(" ");
  } else {
    // A cycle's back edge goes upward: bow it out to the right so it does not cross the nodes.
    const x1 = p.x + NODE_WIDTH;
    const x2 = c.x + NODE_WIDTH;
    d = `M${x1},${p.y + NODE_HEIGHT / 2} C${x1 + 60},${p.y} ${x2 + 60},${c.y + NODE_HEIGHT} ${x2},${c.y + NODE_HEIGHT / 2}`;
  }
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

function legend(y: number, withPath: boolean): string {
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
  if (withPath) {
    const x = MARGIN + items.length * 120;
    parts.push(`<path d="M${x},${y - 4} H${x + 14}" stroke="${PATH_COLOR}" stroke-width="3.5"/><text x="${x + 20}" y="${y}" font-family="${SANS}" font-size="11" fill="#57606a">rollback path</text>`);
  }
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
