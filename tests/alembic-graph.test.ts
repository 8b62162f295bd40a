// The revision graph: heads, merges, missing parents, duplicates, cycles, branch labels, several
// versions directories, pre-commit mode, and downgrade paths.
import { describe, expect, test } from "vitest";
import { buildRevisionGraphs, downgradePath } from "../src/extract/alembic/graph.js";
import type { Migration } from "../src/extract/facts.js";
import { scan } from "../src/engine/scan.js";
import { planDowngrade } from "../src/release/plan.js";
import { tempProject } from "./helpers.js";

function m(revision: string, down: string[] | string | null, extra: Partial<Migration> = {}): Migration {
  const directory = extra.directory ?? "alembic/versions";
  const file = `${directory}/${revision}.py`;
  return {
    file,
    directory,
    revision,
    downRevisions: down === null ? [] : [down].flat(),
    branchLabels: [],
    dependsOn: [],
    revisionLocation: { file, line: 3, column: 1, endLine: 3, endColumn: 20 },
    ...extra,
  };
}

const migrationFile = (revision: string, down: string | string[] | null, labels = "None") =>
  [
    "from alembic import op",
    `revision = "${revision}"`,
    `down_revision = ${down === null ? "None" : Array.isArray(down) ? `(${down.map((d) => `"${d}"`).join(", ")})` : `"${down}"`}`,
    `branch_labels = ${labels}`,
    "",
    "def upgrade():",
    "    pass",
    "",
    "def downgrade():",
    "    pass",
    "",
  ].join("\n");

async function graphFindings(files: Record<string, string>, options: { paths?: string[] } = {}) {
  const dir = tempProject(files);
  const result = await scan({ cwd: dir, configFile: false, ...(options.paths ? { paths: options.paths } : {}) });
  return result.findings.filter((f) => f.ruleId.startsWith("alembic/")).map((f) => `${f.ruleId} ${f.file}:${f.line}`);
}

describe("graph structure", () => {
  test("a linear chain has one head and one root", () => {
    const [graph] = buildRevisionGraphs([m("a", null), m("b", "a"), m("c", "b")]);
    expect(graph).toMatchObject({ heads: ["c"], roots: ["a"], merges: [], cycles: [], missingParents: [], duplicates: [] });
  });

  test("two heads, then a correct merge", () => {
    const branched = buildRevisionGraphs([m("a", null), m("b", "a"), m("c", "a")])[0]!;
    expect(branched.heads.sort()).toEqual(["b", "c"]);
    const merged = buildRevisionGraphs([m("a", null), m("b", "a"), m("c", "a"), m("d", ["b", "c"])])[0]!;
    expect(merged.heads).toEqual(["d"]);
    expect(merged.merges).toEqual(["d"]);
  });

  test("missing parent, duplicate id and a cycle", () => {
    const graph = buildRevisionGraphs([m("a", null), m("b", "zz"), m("c", "d"), m("d", "c"), { ...m("a", null), file: "alembic/versions/a_copy.py" }])[0]!;
    expect(graph.missingParents.map((p) => [p.migration.revision, p.parent])).toEqual([["b", "zz"]]);
    expect(graph.duplicates.map((d) => [d.revision, d.migrations.map((x) => x.file)])).toEqual([["a", ["alembic/versions/a.py", "alembic/versions/a_copy.py"]]]);
    expect(graph.cycles.map((c) => [...c].sort())).toEqual([["c", "d"]]);
  });

  test("each versions directory is its own graph unless its environment joins them; ids never join", () => {
    const separate = buildRevisionGraphs([m("a", null), m("a", null, { directory: "tenants/versions" })]);
    expect(separate).toHaveLength(2);
    expect(separate.every((g) => g.duplicates.length === 0)).toBe(true);
    // A parent id that another directory happens to define does not join the directories.
    const unrelated = buildRevisionGraphs([m("a", null), m("t1", "a", { directory: "tenants/versions" })]);
    expect(unrelated.map((g) => g.directories)).toEqual([["alembic/versions"], ["tenants/versions"]]);
    expect(unrelated[1]!.missingParents.map((p) => p.parent)).toEqual(["a"]);
    // One environment (alembic.ini version_locations): one graph over both directories.
    const joined = buildRevisionGraphs([m("a", null), m("t1", "a", { directory: "tenants/versions" })], undefined, () => "alembic.ini");
    expect(joined).toHaveLength(1);
    expect(joined[0]!.directories).toEqual(["alembic/versions", "tenants/versions"]);
    expect(joined[0]!.missingParents).toEqual([]);
  });

  test("downgrade path from a head to a target, through a merge", () => {
    const graph = buildRevisionGraphs([m("a", null), m("b", "a"), m("c", "a"), m("d", ["b", "c"]), m("e", "d")])[0]!;
    const path = downgradePath(graph, "e", "a")!;
    expect(path[0]).toBe("e");
    expect(path[1]).toBe("d");
    expect(path.slice(2).sort()).toEqual(["b", "c"]);
    expect(downgradePath(graph, "e", "base")).toHaveLength(5);
    expect(downgradePath(graph, "b", "c")).toBeUndefined();
    // Already at the target: nothing to downgrade (the target itself is never on the path).
    expect(downgradePath(graph, "e", "e")).toEqual([]);
  });

  test("the rollback plan is the graph's downgrade path from its head", () => {
    const migrations = [m("a", null), m("b", "a"), m("c", "a"), m("d", ["b", "c"]), m("e", "d")];
    const graph = buildRevisionGraphs(migrations)[0]!;
    const plan = planDowngrade({ migrations, schemaChanges: [], revisionGraphs: [graph] }, "a");
    expect(plan.head).toBe("e");
    expect(plan.migrations.map((p) => p.revision)).toEqual(downgradePath(graph, "e", "a"));
    expect(planDowngrade({ migrations, schemaChanges: [], revisionGraphs: [graph] }, "e")).toMatchObject({ head: "e", migrations: [], refusals: [] });
    expect(planDowngrade({ migrations, schemaChanges: [], revisionGraphs: [] }, "a").migrations.map((p) => p.revision)).toEqual(downgradePath(graph, "e", "a"));
    const forked = [...migrations, m("f", "d")];
    expect(planDowngrade({ migrations: forked, schemaChanges: [], revisionGraphs: buildRevisionGraphs(forked) }, "a").refusals).toEqual(["the revision graph has 2 heads (e, f); merge them before rolling back"]);
  });

  test("a 10,000-long chain does not overflow the stack", () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => m(`r${i}`, i === 0 ? null : `r${i - 1}`));
    const [graph] = buildRevisionGraphs(chain);
    expect(graph!.heads).toEqual(["r9999"]);
    expect(downgradePath(graph!, "r9999", "r0")).toHaveLength(9999);
    expect(planDowngrade({ migrations: chain, schemaChanges: [], revisionGraphs: [graph!] }, "r0").migrations).toHaveLength(9999);
  });
});

describe("graph rules through scan", () => {
  test("two heads → multiple-heads; a merge fixes it; distinct branch labels are intended", async () => {
    expect(await graphFindings({ "alembic/versions/a.py": migrationFile("a", null), "alembic/versions/b.py": migrationFile("b", "a"), "alembic/versions/c.py": migrationFile("c", "a") })).toEqual([
      "alembic/multiple-heads alembic/versions/c.py:2",
    ]);
    expect(
      await graphFindings({ "alembic/versions/a.py": migrationFile("a", null), "alembic/versions/b.py": migrationFile("b", "a"), "alembic/versions/c.py": migrationFile("c", "a"), "alembic/versions/d.py": migrationFile("d", ["b", "c"]) }),
    ).toEqual([]);
    expect(
      await graphFindings({
        "alembic/versions/a.py": migrationFile("a", null),
        "alembic/versions/b.py": migrationFile("b", "a", '("billing",)'),
        "alembic/versions/c.py": migrationFile("c", "a", '("search",)'),
      }),
    ).toEqual([]);
  });

  test("the docstring's Revises: line is never trusted", async () => {
    const stale = '"""add x\n\nRevision ID: b\nRevises: zzz\n"""\n' + migrationFile("b", "a");
    expect(await graphFindings({ "alembic/versions/a.py": migrationFile("a", null), "alembic/versions/b.py": stale })).toEqual([]);
  });

  test("missing parent, duplicate revision and cycle findings point at the revision line", async () => {
    expect(await graphFindings({ "alembic/versions/b.py": migrationFile("b", "a") })).toEqual(["alembic/missing-parent alembic/versions/b.py:2"]);
    expect(await graphFindings({ "alembic/versions/a.py": migrationFile("a", null), "alembic/versions/a2.py": migrationFile("a", null) })).toEqual([
      "alembic/duplicate-revision alembic/versions/a2.py:2",
    ]);
    const cycle = await graphFindings({ "alembic/versions/a.py": migrationFile("a", null), "alembic/versions/b.py": migrationFile("b", ["a", "c"]), "alembic/versions/c.py": migrationFile("c", "b") });
    expect(cycle).toContain("alembic/revision-cycle alembic/versions/b.py:2");
  });

  test("pre-commit: naming one file reads its siblings for the graph but reports only that file", async () => {
    const files = {
      "alembic/versions/a.py": migrationFile("a", null),
      "alembic/versions/b.py": migrationFile("b", "a"),
      "alembic/versions/c.py": migrationFile("c", "a"),
      "alembic/versions/old.py": migrationFile("old", "gone"),
    };
    // c.py alone: its parent a is found among the siblings, so no missing-parent; the second head is c.
    expect(await graphFindings(files, { paths: ["alembic/versions/c.py"] })).toEqual(["alembic/multiple-heads alembic/versions/c.py:2"]);
    // b.py alone: the heads finding sits on c.py, which was not named, so nothing is reported.
    expect(await graphFindings(files, { paths: ["alembic/versions/b.py"] })).toEqual([]);
  });
});
