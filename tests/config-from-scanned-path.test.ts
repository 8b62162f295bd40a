// The config is found from what is scanned (as ESLint and Ruff do): the nearest gonogo.config.* at
// or above the first scanned path, its paths relative to its own directory. `gonogo init DIR` then
// `gonogo scan DIR` from elsewhere uses the config init wrote; `migrations graph DIR` colours the
// same wherever it runs; paths that resolve to different configs get a warning naming both.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli, tempProject } from "./helpers.js";

const migration = (revision: string, parent: string | null, upgrade: string) =>
  `from alembic import op\n\nrevision = "${revision}"\ndown_revision = ${parent ? `"${parent}"` : "None"}\n\n\ndef upgrade():\n    ${upgrade}\n\n\ndef downgrade():\n    pass\n`;

const project = () =>
  tempProject({
    "shop/alembic/versions/0001_orders.py": migration("0001", null, 'op.create_table("orders")'),
    "shop/alembic/versions/0002_drop.py": migration("0002", "0001", 'op.drop_table("legacy")'),
    "shop/legacy/old.sql": "DROP TABLE audit;\n",
  });

const findings = (stdout: string, root: string) =>
  (JSON.parse(stdout) as { filePath: string; messages: { ruleId: string; gonogoSeverity: string }[] }[])
    .flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)} ${m.ruleId} ${m.gonogoSeverity}`))
    .sort();

describe("config found from the scanned path", () => {
  test("gonogo init DIR, then gonogo scan DIR from elsewhere, uses the config init wrote (its paths relative to DIR)", async () => {
    const root = project();
    const init = await runCli(["init", "shop"], { cwd: root });
    expect(init.code).toBe(0);
    // The user edits the config init wrote: a severity, and an ignore glob relative to shop/.
    appendFileSync(path.join(root, "shop/gonogo.config.yaml"), '\nrules:\n  sql/drop-table: low\nignore:\n  - "legacy/**"\n');
    const inside = await runCli(["scan", "-f", "json", "."], { cwd: path.join(root, "shop") });
    const outside = await runCli(["scan", "-f", "json", "shop"], { cwd: root });
    expect(outside.stderr).toBe("");
    expect(findings(outside.stdout, root)).toEqual(findings(inside.stdout, root));
    expect(findings(outside.stdout, root)).toContain("shop/alembic/versions/0002_drop.py sql/drop-table low");
    expect(findings(outside.stdout, root).some((line) => line.startsWith("shop/legacy/"))).toBe(false);
    // Without the config the same scan differs: the test would not notice a config left unread.
    const bare = await runCli(["scan", "-f", "json", "--no-config", "shop"], { cwd: root });
    expect(findings(bare.stdout, root)).toContain("shop/alembic/versions/0002_drop.py sql/drop-table critical");
    expect(findings(bare.stdout, root).some((line) => line.startsWith("shop/legacy/"))).toBe(true);
  });

  test("migrations graph DIR colours by the same config wherever it runs", async () => {
    const root = project();
    expect((await runCli(["init", "shop"], { cwd: root })).code).toBe(0);
    appendFileSync(path.join(root, "shop/gonogo.config.yaml"), "\nrules:\n  sql/drop-table: info\n  alembic/empty-downgrade: info\n");
    const fills = (dot: string) => dot.split("\n").flatMap((line) => line.match(/gonogo_color="\w+"/g) ?? []);
    const inside = await runCli(["migrations", "graph", "-f", "dot", "."], { cwd: path.join(root, "shop") });
    const outside = await runCli(["migrations", "graph", "-f", "dot", "shop"], { cwd: root });
    const bare = await runCli(["migrations", "graph", "-f", "dot", "--no-config", "shop"], { cwd: root });
    expect(inside.code).toBe(0);
    expect(fills(outside.stdout)).toEqual(fills(inside.stdout));
    expect(fills(outside.stdout)).not.toContain('gonogo_color="red"');
    expect(fills(bare.stdout)).toContain('gonogo_color="red"');
  });

  test("paths with different nearest configs: one config per run (the first path's), and a warning naming both", async () => {
    const root = project();
    expect((await runCli(["init", "shop"], { cwd: root })).code).toBe(0);
    for (const [rel, text] of Object.entries({ "blog/gonogo.config.yaml": "project: blog\n", "blog/alembic/versions/b1.py": migration("b1", null, "pass") })) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    const run = await runCli(["scan", "-f", "json", "shop", "blog"], { cwd: root });
    expect(run.stderr).toContain("gonogo: warning: blog: its nearest config is blog/gonogo.config.yaml, but one config is used per run: shop/gonogo.config.yaml (the nearest to shop)");
    // The same paths in one config's tree: no warning.
    expect((await runCli(["scan", "-f", "json", "shop/alembic", "shop/legacy"], { cwd: root })).stderr).toBe("");
  });
});

// Paths in a config are relative to its directory (ESLint flat config, Ruff): `migrations:` groups,
// `ignore`, `overrides[].files`, and how far up alembic.ini is read, the same from a parent
// directory, from the project and from a subdirectory of it.
describe("paths in a config are relative to the config's directory", () => {
  const layout = () =>
    tempProject({
      "proj/gonogo.config.yaml": 'migrations:\n  - [core/versions, ext/versions]\nignore:\n  - "legacy/**"\noverrides:\n  - files: ["ext/**"]\n    rules:\n      sql/drop-table: low\n',
      // The dialect of every migration (sqlite: no sql/create-index-non-concurrently).
      "proj/alembic.ini": "[alembic]\nsqlalchemy.url = sqlite:///app.db\n",
      "proj/core/versions/0001_orders.py": migration("0001", null, "pass"),
      "proj/ext/versions/0002_drop.py": migration("0002", "0001", 'op.drop_table("legacy")\n    op.create_index("ix_orders_a", "orders", ["a"])'),
      "proj/legacy/old.sql": "DROP TABLE audit;\n",
      "proj/db/cleanup.sql": "DROP TABLE sessions;\n",
      // Never scanned, also when reached as ../ext from a sibling directory.
      "proj/ext/node_modules/pkg/setup.sql": "DROP TABLE vendor;\n",
    });
  const expected = [
    "proj/db/cleanup.sql sql/drop-table critical",
    "proj/ext/versions/0002_drop.py alembic/empty-downgrade high",
    "proj/ext/versions/0002_drop.py sql/drop-table low",
  ];

  test("scan from a parent directory, from the project and from a subdirectory: the same findings", async () => {
    const root = layout();
    const runs: [string, string[]][] = [
      [".", ["proj"]],
      ["proj", ["."]],
      ["proj/ext", [".."]],
      ["proj/legacy", ["../db", "../ext"]],
    ];
    for (const [cwd, paths] of runs) {
      const run = await runCli(["scan", "-f", "json", ...paths], { cwd: path.join(root, cwd) });
      expect({ cwd, stderr: run.stderr, findings: findings(run.stdout, root) }).toEqual({ cwd, stderr: "", findings: expected });
    }
  });

  test("a staged file whose parent is in another version location: joined from any working directory, also with --config", async () => {
    const root = layout();
    const staged = expected.filter((line) => line.startsWith("proj/ext/"));
    const runs: [string, string[]][] = [
      [".", ["proj/ext/versions/0002_drop.py"]],
      ["proj", ["ext/versions/0002_drop.py"]],
      ["proj/ext", ["versions/0002_drop.py"]],
      ["proj/ext/versions", ["0002_drop.py"]],
      ["proj/ext", ["--config", "../gonogo.config.yaml", "versions/0002_drop.py"]],
    ];
    for (const [cwd, args] of runs) {
      const run = await runCli(["scan", "-f", "json", ...args], { cwd: path.join(root, cwd) });
      expect({ cwd, args, findings: findings(run.stdout, root) }).toEqual({ cwd, args, findings: staged });
    }
    // Without the config, from the subdirectory: the other location, the override and the
    // alembic.ini above the working directory are unknown (the test would notice them unread).
    const bare = await runCli(["scan", "-f", "json", "--no-config", "versions/0002_drop.py"], { cwd: path.join(root, "proj/ext") });
    expect(findings(bare.stdout, root)).toEqual([
      "proj/ext/versions/0002_drop.py alembic/empty-downgrade high",
      "proj/ext/versions/0002_drop.py alembic/missing-parent critical",
      "proj/ext/versions/0002_drop.py sql/create-index-non-concurrently medium",
      "proj/ext/versions/0002_drop.py sql/drop-table critical",
    ]);
  });

  test("run inside a versions directory (OpenStack's versions/<release>/expand): the release directories are still one versions directory", async () => {
    const root = tempProject({
      "proj/gonogo.config.yaml": "project: proj\n",
      "proj/db/versions/2025.2/expand/a1_base.py": migration("a1", null, "pass"),
      "proj/db/versions/2026.1/expand/b2_next.py": migration("b2", "a1", "pass"),
    });
    const runs: [string, string][] = [
      ["proj", "db/versions/2026.1/expand/b2_next.py"],
      ["proj/db/versions", "2026.1/expand/b2_next.py"],
      ["proj/db/versions/2026.1", "expand/b2_next.py"],
      ["proj/db/versions/2026.1/expand", "b2_next.py"],
      ["proj/db/versions/2026.1/expand", "."],
    ];
    for (const [cwd, file] of runs) {
      const run = await runCli(["scan", "-f", "json", file], { cwd: path.join(root, cwd) });
      expect({ cwd, file, code: run.code, findings: findings(run.stdout, root) }).toEqual({ cwd, file, code: 0, findings: [] });
    }
    // Without a config nothing above the working directory is read: the parent is not found.
    const bare = await runCli(["scan", "-f", "json", "--no-config", "b2_next.py"], { cwd: path.join(root, "proj/db/versions/2026.1/expand") });
    expect(findings(bare.stdout, root)).toEqual(["proj/db/versions/2026.1/expand/b2_next.py alembic/missing-parent critical"]);
  });
});
