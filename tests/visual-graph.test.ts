// `gonogo migrations graph`: the same revision DAG (fixtures/visual/billing: a root, a branch into
// `billing` and `reporting`, a merge, a head) in text, Mermaid, DOT and SVG, each asserted on its
// structure: nodes, edges, colours by worst finding, heads/merges/branch labels, rollback path.
import { describe, expect, test } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { instance } from "@viz-js/viz";
import { runCli, tempProject } from "./helpers.js";
import { buildGraphViews, GraphRequestError, renderGraphDot, renderGraphMermaid, renderGraphText } from "../src/report/graph.js";
import { layoutGraph, renderGraphSvg } from "../src/report/graph-svg.js";
import type { Migration, RevisionGraph } from "../src/extract/facts.js";
import { scan } from "../src/engine/scan.js";

const BILLING = "fixtures/visual/billing";
const ROOT = "a1b2c3d4e5f6";
const INVOICES = "b2c3d4e5f6a7";
const BILLING_BRANCH = "c3d4e5f6a7b8";
const REPORTING_BRANCH = "d4e5f6a7b8c9";
const MERGE = "e5f6a7b8c9d0";
const HEAD = "f6a7b8c9d0e1";

/** Expected colour of each migration: its worst finding (see the fixture's rules and config). */
const COLORS: Record<string, string> = {
  [ROOT]: "green", // clean
  [INVOICES]: "amber", // sql/create-index-non-concurrently (medium)
  [BILLING_BRANCH]: "red", // sql/add-not-null-without-default (high)
  [REPORTING_BRANCH]: "blue", // sql/rename-column, lowered to low by the fixture's config
  [MERGE]: "green", // empty merge
  [HEAD]: "red", // sql/drop-table (critical)
};
const EDGES = [
  [ROOT, INVOICES],
  [INVOICES, BILLING_BRANCH],
  [INVOICES, REPORTING_BRANCH],
  [BILLING_BRANCH, MERGE],
  [REPORTING_BRANCH, MERGE],
  [MERGE, HEAD],
].map(([p, c]) => `${p}->${c}`);
/** Rolling back from the head to INVOICES downgrades HEAD, MERGE and both branches. */
const ROLLBACK_EDGES = EDGES.filter((e) => !e.startsWith(ROOT));

async function graph(format: string, extra: string[] = [], cwd = BILLING) {
  const run = await runCli(["migrations", "graph", "--format", format, ...extra], { cwd });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

// ── SVG ───────────────────────────────────────────────────────────────────────────────────────

type XmlNode = Record<string, unknown>;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", preserveOrder: false, isArray: (name) => ["g", "path", "rect", "text", "a"].includes(name) });

/** Every element named `name` below `node`, depth first. */
function elements(node: unknown, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== "object") return;
    for (const [key, value] of Object.entries(n as XmlNode)) {
      if (key === name) for (const v of [value].flat()) if (v && typeof v === "object") out.push(v as XmlNode);
      visit(value);
    }
  };
  visit(node);
  return out;
}

function parseSvg(svg: string) {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = xml.parse(svg) as XmlNode;
  const nodes = elements(doc, "g").filter((g) => String(g.class ?? "").split(" ").includes("node"));
  const edges = elements(doc, "path").filter((p) => String(p.class ?? "").split(" ").includes("edge"));
  return { doc, nodes, edges };
}

describe("svg", () => {
  test("is well-formed XML with one node per migration, coloured by its worst finding, and every parent edge", async () => {
    const { doc, nodes, edges } = parseSvg(await graph("svg"));
    expect((doc.svg as XmlNode).xmlns).toBe("http://www.w3.org/2000/svg");
    expect(Object.fromEntries(nodes.map((n) => [n["data-revision"], n["data-color"]]))).toEqual(COLORS);
    // The fill of the shape is the colour's fill, not just a data attribute.
    const fills = new Map(nodes.map((n) => [n["data-color"], (elements(n, "rect")[0] ?? elements(n, "path")[0])!.fill]));
    expect(new Set(fills.values()).size).toBe(3 + 1); // red, amber, blue, green all distinct
    expect(fills.get("red")).toBe("#ffd8d3");
    expect(nodes.find((n) => n["data-revision"] === HEAD)!["data-worst"]).toBe("critical");
    expect(nodes.find((n) => n["data-revision"] === ROOT)!["data-worst"]).toBeUndefined();
    expect(edges.map((e) => `${e["data-parent"]}->${e["data-child"]}`).sort()).toEqual([...EDGES].sort());
    expect(edges.filter((e) => String(e.class).includes("rollback"))).toHaveLength(0);
  });

  test("marks the head, the merge and the branch labels", async () => {
    const { nodes } = parseSvg(await graph("svg"));
    const classesOf = (rev: string) => String(nodes.find((n) => n["data-revision"] === rev)!.class).split(" ");
    expect(nodes.filter((n) => classesOf(String(n["data-revision"])).includes("head")).map((n) => n["data-revision"])).toEqual([HEAD]);
    expect(nodes.filter((n) => classesOf(String(n["data-revision"])).includes("merge")).map((n) => n["data-revision"])).toEqual([MERGE]);
    const badgeOf = (rev: string) => {
      const badge = elements(nodes.find((n) => n["data-revision"] === rev), "text").find((t) => t.class === "badges");
      return String(badge?.["#text"] ?? "");
    };
    expect(badgeOf(BILLING_BRANCH)).toContain("branch: billing");
    expect(badgeOf(REPORTING_BRANCH)).toContain("branch: reporting");
    expect(badgeOf(HEAD)).toContain("head");
  });

  test("--from/--to highlights exactly the rollback path", async () => {
    const { nodes, edges } = parseSvg(await graph("svg", ["--from", HEAD, "--to", INVOICES]));
    const roles = Object.fromEntries(nodes.filter((n) => n["data-rollback"]).map((n) => [n["data-revision"], n["data-rollback"]]));
    expect(roles).toEqual({ [HEAD]: "from", [MERGE]: "through", [BILLING_BRANCH]: "through", [REPORTING_BRANCH]: "through", [INVOICES]: "to" });
    const highlighted = edges.filter((e) => String(e.class).split(" ").includes("rollback"));
    expect(highlighted.map((e) => `${e["data-parent"]}->${e["data-child"]}`).sort()).toEqual([...ROLLBACK_EDGES].sort());
    expect(new Set(highlighted.map((e) => e.stroke))).toEqual(new Set(["#8250df"]));
    expect(edges.find((e) => e["data-parent"] === ROOT)!.stroke).not.toBe("#8250df");
  });

  test("layout: parents above children, branches side by side, no overlapping nodes", async () => {
    const result = await scan({ cwd: BILLING });
    const [view] = buildGraphViews(result.facts.revisionGraphs, result.findings);
    const { boxes } = layoutGraph(view!);
    const y = (r: string) => boxes.get(r)!.y;
    for (const edge of EDGES) {
      const [p, c] = edge.split("->") as [string, string];
      expect(y(p)).toBeLessThan(y(c));
    }
    expect(y(BILLING_BRANCH)).toBe(y(REPORTING_BRANCH));
    const all = [...boxes.values()];
    for (const a of all) for (const b of all) if (a !== b) expect(a.x === b.x && a.y === b.y).toBe(false);
  });

  test("text from the migrations is escaped: the SVG stays well-formed", async () => {
    const dir = tempProject({
      "alembic/versions/0001_x.py": [
        '"""<script>alert("x")</script> & friends \u0007"""',
        'revision = "0001"',
        "down_revision = None",
        "branch_labels = (\"a<b&c\",)",
        "def upgrade():",
        '    op.drop_table("t")',
        "def downgrade():",
        "    pass",
        "",
      ].join("\n"),
    });
    const svg = await graph("svg", [], dir);
    const { nodes } = parseSvg(svg);
    expect(svg).not.toContain("<script");
    expect(elements(parseSvg(svg).doc, "script")).toEqual([]);
    // Read back by an XML parser, the title is the original text again (and the bell character, illegal in XML, is gone).
    const text = elements(nodes[0], "text").map((t) => String(t["#text"])).join(" ");
    expect(text).toContain('<script>alert("x")</script> & f');
    expect(text).toContain("branch: a<b&c");
  });
});

// ── text ──────────────────────────────────────────────────────────────────────────────────────

describe("text", () => {
  test("one line per migration, newest first, with colour, markers and parents", async () => {
    const out = await graph("text");
    const lines = out.split("\n");
    expect(lines[0]).toBe("alembic/versions: 6 migrations, 1 head, 1 merge");
    const rows = lines.filter((l) => /^. [0-9a-f]{12} /.test(l));
    expect(rows.map((l) => l.slice(2, 14))).toEqual([HEAD, MERGE, REPORTING_BRANCH, BILLING_BRANCH, INVOICES, ROOT]);
    for (const row of rows) expect(row.split(/\s+/)[2] ?? row.split(/\s+/)[1]).toBe(COLORS[row.slice(2, 14)]);
    const row = (rev: string) => rows.find((l) => l.slice(2, 14) === rev)!;
    expect(row(HEAD)).toContain("[head]");
    expect(row(MERGE)).toContain("[merge]");
    expect(row(MERGE)).toContain(`← ${BILLING_BRANCH}, ${REPORTING_BRANCH}`);
    expect(row(BILLING_BRANCH)).toContain("[branch billing]");
    expect(row(HEAD)).toContain("1 critical");
    expect(row(ROOT)).toContain("no findings");
    expect(out).not.toContain("\u001b[");
  });

  test("--to marks the downgraded revisions and the target, and sums the path up", async () => {
    const out = await graph("text", ["--to", INVOICES]); // --from defaults to the single head
    const marks = Object.fromEntries(out.split("\n").filter((l) => /^. [0-9a-f]{12} /.test(l)).map((l) => [l.slice(2, 14), l[0]]));
    expect(marks).toEqual({ [HEAD]: "»", [MERGE]: "»", [REPORTING_BRANCH]: "»", [BILLING_BRANCH]: "»", [INVOICES]: "◎", [ROOT]: " " });
    expect(out).toContain(`Rollback ${HEAD} → ${INVOICES}: 4 downgrades (${HEAD}, ${MERGE}, ${REPORTING_BRANCH}, ${BILLING_BRANCH})`);
  });

  test("--color paints each revision in its colour", async () => {
    const out = await graph("text", ["--color"]);
    expect(out).toContain(`\u001b[31m${HEAD}`);
    expect(out).toContain(`\u001b[33m${INVOICES}`);
    expect(out).toContain(`\u001b[34m${REPORTING_BRANCH}`);
    expect(out).toContain(`\u001b[32m${ROOT}`);
  });

  test("--to base walks every migration; unique prefixes resolve", async () => {
    const out = await graph("text", ["--from", "f6a7", "--to", "base"]);
    expect(out).toContain(`Rollback ${HEAD} → base: 6 downgrades`);
  });
});

// ── mermaid ───────────────────────────────────────────────────────────────────────────────────

describe("mermaid", () => {
  /** Reads the flowchart back: node ids → first label line, edges, classes, styled links. */
  function readMermaid(text: string) {
    const lines = text.split("\n").map((l) => l.trim());
    expect(lines[0]).toBe("flowchart TB");
    const labels = new Map<string, string>();
    const shapes = new Map<string, string>();
    const edges: { from: string; to: string; arrow: string }[] = [];
    const classes = new Map<string, Set<string>>();
    let linkStyled: number[] = [];
    for (const line of lines) {
      let m = /^(n\d+)(\[|\(\[|\{\{|\[\/)"([^"]*)"/.exec(line);
      if (m) {
        labels.set(m[1]!, m[3]!.split("<br/>")[0]!);
        shapes.set(m[1]!, m[2]!);
        continue;
      }
      m = /^(n\d+) (-->|==>|-\.->) (n\d+)$/.exec(line);
      if (m) {
        edges.push({ from: m[1]!, to: m[3]!, arrow: m[2]! });
        continue;
      }
      m = /^class ([n\d,]+) (\w+)$/.exec(line);
      if (m) for (const id of m[1]!.split(",")) classes.set(id, new Set([...(classes.get(id) ?? []), m[2]!]));
      m = /^linkStyle ([\d,]+) /.exec(line);
      if (m) linkStyled = m[1]!.split(",").map(Number);
    }
    const rev = (id: string) => labels.get(id)!;
    return { labels, shapes, edges, classes, linkStyled, rev };
  }

  test("nodes, edges, classes by colour, head and merge shapes", async () => {
    const text = await graph("mermaid");
    const { labels, shapes, edges, classes, rev } = readMermaid(text);
    expect([...labels.values()].sort()).toEqual(Object.keys(COLORS).sort());
    expect(edges.map((e) => `${rev(e.from)}->${rev(e.to)}`).sort()).toEqual([...EDGES].sort());
    for (const [id, revision] of labels) expect(classes.get(id)).toEqual(new Set([COLORS[revision]]));
    const idOf = (r: string) => [...labels].find(([, v]) => v === r)![0];
    expect(shapes.get(idOf(HEAD))).toBe("([");
    expect(shapes.get(idOf(MERGE))).toBe("{{");
    expect(text).toContain("classDef red fill:#ffd8d3,stroke:#cf222e");
    expect(text).toContain("branch: billing");
  });

  test("the rollback path: thick arrows, styled links, rollback class", async () => {
    const { edges, classes, linkStyled, rev } = readMermaid(await graph("mermaid", ["--from", HEAD, "--to", INVOICES]));
    const thick = edges.filter((e) => e.arrow === "==>").map((e) => `${rev(e.from)}->${rev(e.to)}`);
    expect(thick.sort()).toEqual([...ROLLBACK_EDGES].sort());
    expect(linkStyled.map((i) => `${rev(edges[i]!.from)}->${rev(edges[i]!.to)}`).sort()).toEqual([...ROLLBACK_EDGES].sort());
    const onPath = [...classes].filter(([, c]) => c.has("rollback")).map(([id]) => rev(id));
    expect(onPath.sort()).toEqual([INVOICES, BILLING_BRANCH, REPORTING_BRANCH, MERGE, HEAD].sort());
  });

  test("labels cannot break out of their quotes", async () => {
    const dir = tempProject({
      "alembic/versions/0001_x.py": ['"""say "hi" #1 <b>"""', 'revision = "0001"', "down_revision = None", "def upgrade():", "    pass", "def downgrade():", "    pass", ""].join("\n"),
    });
    const text = await graph("mermaid", [], dir);
    expect(text).toContain('n0(["0001<br/>say #quot;hi#quot; #35;1 #lt;b#gt;<br/>head"])');
  });
});

// ── dot ───────────────────────────────────────────────────────────────────────────────────────

/** Reads the DOT back through real Graphviz (compiled to WebAssembly): a syntax error fails here. */
async function readDot(text: string) {
  const viz = await instance();
  const rendered = viz.render(text, { format: "json" });
  expect(rendered.errors).toEqual([]);
  expect(rendered.status).toBe("success");
  type GvObject = { _gvid: number; name: string; nodes?: number[] } & Record<string, string>;
  const json = JSON.parse(rendered.output!) as { objects?: GvObject[]; edges?: ({ tail: number; head: number } & Record<string, string>)[] };
  const objects = (json.objects ?? []).filter((o) => o.nodes === undefined || !String(o.name).startsWith("cluster_"));
  const nameOf = new Map(objects.map((o) => [o._gvid, o.name]));
  const nodes = new Map(objects.filter((o) => !String(o.name).startsWith("cluster_")).map((o) => [o.name, o as Record<string, string>]));
  const edges = (json.edges ?? []).map((e) => ({ from: nameOf.get(e.tail)!, to: nameOf.get(e.head)!, attrs: e as Record<string, string> }));
  const clusters = (json.objects ?? []).filter((o) => String(o.name).startsWith("cluster_")).map((o) => o.label);
  return { nodes, edges, clusters };
}

describe("dot", () => {
  test("a digraph with every node, coloured fills, and every edge", async () => {
    const text = await graph("dot");
    expect(text.startsWith("digraph revisions {")).toBe(true);
    expect(text.trimEnd().endsWith("}")).toBe(true);
    const { nodes, edges } = await readDot(text);
    expect(Object.fromEntries([...nodes].map(([r, a]) => [r, a.gonogo_color]))).toEqual(COLORS);
    expect(nodes.get(HEAD)!.fillcolor).toBe("#ffd8d3");
    expect(nodes.get(INVOICES)!.fillcolor).toBe("#fff0b3");
    expect(nodes.get(REPORTING_BRANCH)!.fillcolor).toBe("#d6ecff");
    expect(nodes.get(ROOT)!.fillcolor).toBe("#d3f5dc");
    expect(nodes.get(MERGE)!.shape).toBe("hexagon");
    expect(nodes.get(HEAD)!.penwidth).toBe("2");
    expect(nodes.get(BILLING_BRANCH)!.label).toContain("branch: billing");
    expect(edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual([...EDGES].sort());
  });

  test("labels with quotes, backslashes and newlines stay inside their strings", async () => {
    const dir = tempProject({
      "alembic/versions/0001_x.py": ['"""say "hi" \\\\ back\\nslash"""', 'revision = "0001"', "down_revision = None", "def upgrade():", "    pass", "def downgrade():", "    pass", ""].join("\n"),
    });
    const { nodes } = await readDot(await graph("dot", [], dir));
    expect([...nodes.keys()]).toEqual(["0001"]);
    // Graphviz hands the label back in DOT escapes: \n between lines, \\ for the backslash.
    expect(nodes.get("0001")!.label).toBe('0001\\nsay "hi" \\\\ back\\nhead');
  });

  test("rollback edges and nodes are drawn in the path colour", async () => {
    const { nodes, edges } = await readDot(await graph("dot", ["--from", HEAD, "--to", INVOICES]));
    expect(edges.filter((e) => e.attrs.gonogo_rollback === "true").map((e) => `${e.from}->${e.to}`).sort()).toEqual([...ROLLBACK_EDGES].sort());
    expect(edges.filter((e) => e.attrs.color === "#8250df")).toHaveLength(ROLLBACK_EDGES.length);
    expect([...nodes].filter(([, a]) => a.color === "#8250df").map(([r]) => r).sort()).toEqual([INVOICES, BILLING_BRANCH, REPORTING_BRANCH, MERGE, HEAD].sort());
  });
});

// ── unusual graphs and bad requests ───────────────────────────────────────────────────────────

const migration = (revision: string, down: string | string[] | null) =>
  [
    `revision = "${revision}"`,
    `down_revision = ${down === null ? "None" : Array.isArray(down) ? `(${down.map((d) => `"${d}"`).join(", ")})` : `"${down}"`}`,
    "def upgrade():",
    "    pass",
    "def downgrade():",
    "    pass",
    "",
  ].join("\n");

describe("unusual graphs", () => {
  test("two heads and a missing parent: both heads marked, the missing parent drawn grey and dashed", async () => {
    const dir = tempProject({
      "alembic/versions/0001_a.py": migration("0001", null),
      "alembic/versions/0002_b.py": migration("0002", "0001"),
      "alembic/versions/0003_c.py": migration("0003", "0001"),
      "alembic/versions/0004_d.py": migration("0004", "ffff"),
    });
    const { nodes } = parseSvg(await graph("svg", [], dir));
    const heads = nodes.filter((n) => String(n.class).split(" ").includes("head")).map((n) => n["data-revision"]);
    expect(heads.sort()).toEqual(["0002", "0003", "0004"]);
    const missing = nodes.find((n) => n["data-revision"] === "ffff")!;
    expect(missing["data-color"]).toBe("grey");
    expect(elements(missing, "rect")[0]!["stroke-dasharray"]).toBeDefined();
    // The graph rules report the extra heads and the missing parent on the migrations: red.
    expect(nodes.find((n) => n["data-revision"] === "0004")!["data-color"]).toBe("red");
  });

  test("a cycle does not hang the layout, and the text lists it", async () => {
    const dir = tempProject({
      "alembic/versions/0001_a.py": migration("0001", "0002"),
      "alembic/versions/0002_b.py": migration("0002", "0001"),
    });
    const text = await graph("text", [], dir);
    expect(text).toMatch(/cycle: 000[12] → 000[12] → 000[12]/);
    parseSvg(await graph("svg", [], dir));
  });

  test("two versions directories become two graphs", async () => {
    const dir = tempProject({
      "app/alembic/versions/0001_a.py": migration("0001", null),
      "audit/alembic/versions/a001_a.py": migration("a001", null),
    });
    const { doc } = parseSvg(await graph("svg", [], dir));
    expect(elements(doc, "g").filter((g) => g.class === "revision-graph").map((g) => g["data-directories"])).toEqual(["app/alembic/versions", "audit/alembic/versions"]);
    const dot = await readDot(await graph("dot", [], dir));
    expect(dot.clusters).toEqual(["app/alembic/versions", "audit/alembic/versions"]);
    expect([...dot.nodes.keys()].sort()).toEqual(["0001", "a001"]);
  });

  test("an edge that skips layers is routed around the migrations in between", async () => {
    // root → a1 → a2 → a3 → merge, and root → b1 → merge: b1 → merge crosses the layers of a2 and a3.
    const dir = tempProject({
      "alembic/versions/0000_root.py": migration("r000", null),
      "alembic/versions/0001_a1.py": migration("a001", "r000"),
      "alembic/versions/0002_a2.py": migration("a002", "a001"),
      "alembic/versions/0003_a3.py": migration("a003", "a002"),
      "alembic/versions/0004_b1.py": migration("b001", "r000"),
      "alembic/versions/0005_merge.py": migration("m001", ["a003", "b001"]),
    });
    const result = await scan({ cwd: dir });
    const [view] = buildGraphViews(result.facts.revisionGraphs, result.findings);
    const layout = layoutGraph(view!);
    const via = layout.waypoints.get("b001>m001")!;
    expect(via).toHaveLength(2);
    for (const point of via) {
      for (const box of layout.boxes.values()) {
        if (box.y !== point.y) continue;
        expect(point.x < box.x || point.x > box.x + 232).toBe(true);
      }
    }
    const { edges } = parseSvg(await graph("svg", [], dir));
    const long = edges.find((e) => e["data-parent"] === "b001" && e["data-child"] === "m001")!;
    expect(String(long.d).match(/ L/g)).toHaveLength(2);
  });

  test("a long history renders in every format", () => {
    const length = 3000;
    const migrations = new Map<string, Migration>();
    for (let i = 0; i < length; i++) {
      const revision = `r${String(i).padStart(5, "0")}`;
      const file = `alembic/versions/${revision}.py`;
      const at = { file, line: 1, column: 1, endLine: 1, endColumn: 2 };
      migrations.set(revision, { file, directory: "alembic/versions", revision, downRevisions: i ? [`r${String(i - 1).padStart(5, "0")}`] : [], branchLabels: [], dependsOn: [], revisionLocation: at });
    }
    const graph: RevisionGraph = { directories: ["alembic/versions"], migrations, heads: ["r02999"], roots: ["r00000"], merges: [], cycles: [], missingParents: [], duplicates: [] };
    const views = buildGraphViews([graph], [], { from: "r02999", to: "r00000" });
    expect(views[0]!.rollback!.steps).toHaveLength(length - 1);
    expect(renderGraphText(views).split("\n").filter((l) => l.startsWith("» r")).length).toBe(length - 1);
    expect(renderGraphMermaid(views).split("\n").filter((l) => l.includes(" ==> ")).length).toBe(length - 1);
    expect(renderGraphDot(views).split("\n").filter((l) => l.includes(" -> ")).length).toBe(length - 1);
    expect(parseSvg(renderGraphSvg(views)).nodes).toHaveLength(length);
  });

  test("the view refuses a target that is not an ancestor", async () => {
    const result = await scan({ cwd: BILLING });
    expect(() => buildGraphViews(result.facts.revisionGraphs, [], { from: BILLING_BRANCH, to: REPORTING_BRANCH })).toThrow(GraphRequestError);
  });
});

describe("usage errors exit 2 with a message", () => {
  test.each([
    [["--from", "zzzz", "--to", "base"], "--from zzzz: no such revision"],
    [["--from", HEAD, "--to", "nope"], "--to nope: no such revision"],
    [["--from", BILLING_BRANCH, "--to", REPORTING_BRANCH], "is not an ancestor"],
    [["--from", HEAD], "--from needs --to"],
    [["--from", "--to"], "--from \"--to\""],
    [["--from", "a\u001b[2J", "--to", "base"], "expected a revision id"],
    [["--format", "png"], "png"],
  ])("%j", async (args, message) => {
    const run = await runCli(["migrations", "graph", ...args], { cwd: BILLING });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
  });

  test("a directory without migrations", async () => {
    const dir = tempProject({ "README.md": "nothing here\n" });
    const run = await runCli(["migrations", "graph"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no Alembic migrations found");
  });

  test("-o writes the file", async () => {
    const dir = tempProject({ "alembic/versions/0001_a.py": migration("0001", null) });
    const run = await runCli(["migrations", "graph", "--format", "svg", "-o", "graph.svg"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    const { readFileSync } = await import("node:fs");
    parseSvg(readFileSync(`${dir}/graph.svg`, "utf8"));
  });
});
