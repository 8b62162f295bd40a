// `gonogo scan` end to end (in-process): exit codes, every format, config errors, suppressions.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli, tempProject } from "./helpers.js";

const shop = path.resolve("fixtures/alembic/shop");

const migration = (revision: string, down: string | null, upgrade: string, downgrade = "pass") =>
  [
    `"""${revision}"""`,
    "from alembic import op",
    "import sqlalchemy as sa",
    "",
    `revision = "${revision}"`,
    `down_revision = ${down === null ? "None" : `"${down}"`}`,
    "",
    "",
    "def upgrade():",
    ...upgrade.split("\n").map((l) => "    " + l),
    "",
    "",
    "def downgrade():",
    ...downgrade.split("\n").map((l) => "    " + l),
    "",
  ].join("\n");

describe("gonogo scan on the bundled example project", () => {
  test("stylish: findings grouped by file with code frames, summary, exit 1", async () => {
    const run = await runCli(["scan", "."], { cwd: shop });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("alembic/versions/3c4d5e6f7a8b_drop_legacy_sessions.py");
    expect(run.stdout).toMatch(/29:5 +error +downgrade\(\) of 3c4d5e6f7a8b raises NotImplementedError/);
    expect(run.stdout).toContain("alembic/irreversible-downgrade (high)");
    expect(run.stdout).toMatch(/\s+29 \|\s+raise NotImplementedError/);
    expect(run.stdout).toMatch(/✖ \d+ problems \(\d+ errors?, \d+ warnings?\)/);
    // No colours when not a TTY.
    expect(run.stdout).not.toContain("\u001b[");
  });

  test("json: ESLint's results array with gonogo's fields", async () => {
    const run = await runCli(["scan", "--format", "json", "."], { cwd: shop });
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as { filePath: string; messages: Record<string, unknown>[]; errorCount: number; warningCount: number }[];
    const file = results.find((r) => r.filePath.endsWith("4d5e6f7a8b9c_order_status.py"))!;
    expect(path.isAbsolute(file.filePath)).toBe(true);
    const empty = file.messages.find((m) => m.ruleId === "alembic/empty-downgrade")!;
    expect(empty).toMatchObject({ severity: 2, gonogoSeverity: "high", line: 23, column: 5, endLine: 23, endColumn: 14 });
    expect(empty.docsUrl).toMatch(/docs\/rules\/alembic\/empty-downgrade\.md$/);
    expect(String(empty.why).length).toBeGreaterThan(20);
    expect(file.errorCount).toBe(file.messages.filter((m) => m.severity === 2).length);
  });

  test("sarif: 2.1.0 with driver rules, levels, regions and fingerprints", async () => {
    const run = await runCli(["scan", "--format", "sarif", "."], { cwd: shop });
    const log = JSON.parse(run.stdout);
    expect(log.version).toBe("2.1.0");
    const sarifRun = log.runs[0];
    expect(sarifRun.tool.driver.name).toBe("gonogo");
    const ruleIds = sarifRun.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toContain("alembic/irreversible-downgrade");
    const result = sarifRun.results.find((r: { ruleId: string }) => r.ruleId === "alembic/irreversible-downgrade");
    expect(result.level).toBe("error");
    expect(sarifRun.tool.driver.rules[result.ruleIndex].id).toBe("alembic/irreversible-downgrade");
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("alembic/versions/3c4d5e6f7a8b_drop_legacy_sessions.py");
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 29, startColumn: 5 });
    expect(result.partialFingerprints["gonogoFingerprint/v1"]).toMatch(/^[0-9a-f]{32}$/);
  });

  test("github: one workflow-command annotation per finding", async () => {
    const run = await runCli(["scan", "--format", "github", "."], { cwd: shop });
    const lines = run.stdout.trim().split("\n");
    expect(lines.every((l) => /^::(error|warning) file=/.test(l))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^::error file=alembic\/versions\/3c4d5e6f7a8b_drop_legacy_sessions\.py,line=29,col=5,.*title=alembic\/irreversible-downgrade \(high\)::/));
  });

  test("junit: a failure per error-level finding", async () => {
    const run = await runCli(["scan", "--format", "junit", "."], { cwd: shop });
    expect(run.stdout).toContain('<testsuite name="gonogo scan"');
    expect(run.stdout).toMatch(/<failure type="alembic\/irreversible-downgrade"/);
  });

  test("--output writes the report to a file", async () => {
    const dir = tempProject({});
    const out = path.join(dir, "report.json");
    const run = await runCli(["scan", "--format", "json", "--output", out, "."], { cwd: shop });
    expect(run.stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).length).toBeGreaterThan(0);
  });

  test("--quiet drops warnings; --rule turns a rule off", async () => {
    const quiet = await runCli(["scan", "--format", "json", "--quiet", "."], { cwd: shop });
    const messages = (JSON.parse(quiet.stdout) as { messages: { severity: number }[] }[]).flatMap((r) => r.messages);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.severity === 2)).toBe(true);
    const off = await runCli(["scan", "--format", "json", "--rule", "alembic/irreversible-downgrade=off", "."], { cwd: shop });
    expect(off.stdout).not.toContain("alembic/irreversible-downgrade");
  });
});

describe("exit codes", () => {
  test("0 for a clean project, with no output", async () => {
    const dir = tempProject({ "alembic/versions/0001_users.py": migration("0001", null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))', 'op.drop_table("users")') });
    const run = await runCli(["scan", "."], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stdout: "" });
  });

  test("--max-warnings: 0 when within, 1 when exceeded", async () => {
    const dir = tempProject({ "alembic/versions/0001_users.py": migration("0001", null, 'name = "users"\nop.execute(f"ANALYZE {name}")', 'op.execute("ANALYZE users")') });
    expect((await runCli(["scan", "."], { cwd: dir })).code).toBe(0);
    const exceeded = await runCli(["scan", "--max-warnings", "0", "."], { cwd: dir });
    expect(exceeded.code).toBe(1);
    expect(exceeded.stderr).toContain("more than --max-warnings 0");
  });

  test("2 for usage errors: unknown format, bad --rule, bad --max-warnings", async () => {
    expect((await runCli(["scan", "--format", "xml", "."])).code).toBe(2);
    const badRule = await runCli(["scan", "--rule", "sql/drop-table=fatal", "."], { cwd: shop });
    expect(badRule.code).toBe(2);
    expect(badRule.stderr).toContain("--rule sql/drop-table=fatal");
    expect((await runCli(["scan", "--max-warnings", "-1", "."], { cwd: shop })).code).toBe(2);
    const unknownRule = await runCli(["scan", "--rule", "sql/no-such-rule=off", "."], { cwd: shop });
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toContain("not a known rule id");
  });
});

describe("config file", () => {
  test("an invalid config names the file, the line, the path and what was expected; exit 2", async () => {
    const dir = tempProject({ "gonogo.config.yaml": "dialect: oracle\nrules:\n  alembic/empty-downgrade: fatal\n" });
    const run = await runCli(["scan", "."], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(path.join(dir, "gonogo.config.yaml"));
    expect(run.stderr).toMatch(/gonogo\.config\.yaml:1:\d+: dialect must be one of "postgresql", "mysql", "sqlite", "mssql"/);
    expect(run.stderr).toMatch(/gonogo\.config\.yaml:3:\d+: rules\.alembic\/empty-downgrade must be one of/);
  });

  test("unknown keys, unknown rule ids and invalid YAML are config errors", async () => {
    const unknownKey = await runCli(["scan", "."], { cwd: tempProject({ "gonogo.config.yaml": "ignored:\n  - build/**\n" }) });
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain("ignored is not a known key");
    const unknownRule = await runCli(["scan", "."], { cwd: tempProject({ "gonogo.config.json": '{"rules": {"sql/drop-tables": "off"}}' }) });
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toContain("rules.sql/drop-tables is not a known rule id");
    const badYaml = await runCli(["scan", "."], { cwd: tempProject({ "gonogo.config.yaml": "rules: [\n" }) });
    expect(badYaml.code).toBe(2);
    expect(badYaml.stderr).toContain("invalid YAML");
  });

  test("rules, overrides per glob and ignore globs apply; found upward from cwd", async () => {
    const dir = tempProject({
      "gonogo.config.yaml": [
        "rules:",
        "  alembic/empty-downgrade: medium",
        "overrides:",
        "  - files: ['legacy/**']",
        "    rules:",
        "      alembic/missing-downgrade: off",
        "ignore:",
        "  - 'vendor/**'",
      ].join("\n"),
      "app/alembic/versions/0001_a.py": migration("0001", null, 'op.create_index("ix_a", "a", ["x"])'),
      "legacy/versions/0001_old.py": migration("0001", null, 'op.create_index("ix_b", "b", ["x"])').replace(/\n\ndef downgrade\(\):\n {4}pass\n/, "\n"),
      "vendor/versions/0001_v.py": migration("0001", null, 'op.drop_table("v")'),
    });
    const run = await runCli(["scan", "--format", "json", "."], { cwd: path.join(dir) });
    const messages = (JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; gonogoSeverity: string }[] }[]).flatMap((r) =>
      r.messages.map((m) => ({ file: path.relative(dir, r.filePath), ...m })),
    );
    expect(messages.find((m) => m.ruleId === "alembic/empty-downgrade")).toMatchObject({ file: "app/alembic/versions/0001_a.py", gonogoSeverity: "medium" });
    expect(messages.some((m) => m.ruleId === "alembic/missing-downgrade")).toBe(false);
    expect(messages.some((m) => m.file.startsWith("vendor/"))).toBe(false);
    const fromSubdir = await runCli(["scan", "--format", "json", "."], { cwd: path.join(dir, "app") });
    expect(fromSubdir.stdout).toContain('"gonogoSeverity": "medium"');
    const noConfig = await runCli(["scan", "--no-config", "--format", "json", "."], { cwd: dir });
    expect(noConfig.stdout).toContain("alembic/missing-downgrade");
  });
});

describe("suppression directives", () => {
  const withDirective = (directive: string) =>
    tempProject({ "alembic/versions/0001_a.py": migration("0001", null, 'op.create_index("ix_a", "a", ["x"])').replace("def downgrade():", `${directive}\ndef downgrade():`) });

  test("a directive with a reason suppresses the finding on the next line", async () => {
    const run = await runCli(["scan", "--format", "json", "."], { cwd: withDirective("# gonogo-disable-next-line alembic/empty-downgrade -- index is dropped by 0002's table drop") });
    expect(run.stdout).not.toContain("alembic/empty-downgrade");
    expect(run.stdout).not.toContain("gonogo/unused-directive");
  });

  test("a directive without a reason suppresses nothing and is reported", async () => {
    const dir = tempProject({
      "alembic/versions/0001_a.py": migration("0001", null, 'op.create_index("ix_a", "a", ["x"])').replace(
        "def downgrade():",
        "# gonogo-disable-next-line alembic/empty-downgrade\ndef downgrade():",
      ),
    });
    const run = await runCli(["scan", "--format", "json", "."], { cwd: dir });
    expect(run.stdout).toContain("alembic/empty-downgrade");
    expect(run.stdout).toContain("gonogo/directive-missing-reason");
  });

  test("a directive that suppresses nothing is reported as unused", async () => {
    const run = await runCli(["scan", "--format", "json", "."], { cwd: withDirective("# gonogo-disable-next-line alembic/dynamic-sql -- not needed") });
    expect(run.stdout).toContain("gonogo/unused-directive");
  });
});
