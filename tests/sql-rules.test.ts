// Every sql rule: registered in id order, documented, and its examples behave as documented when
// run through scan(). Also the behaviour the examples cannot show (downgrades, Alembic facts).
import { describe, expect, it } from "vitest";
import { sqlRules } from "../rules/sql/index.js";
import { scan } from "../src/engine/scan.js";
import type { RuleExample } from "../rules/define.js";
import type { SqlDialect } from "../src/types.js";

async function findingsOf(example: RuleExample, ruleId: string) {
  const result = await scan({
    cwd: "/nonexistent-gonogo-examples",
    configFile: false,
    files: [{ path: example.file, content: example.code }, ...(example.siblings ?? []).map((s) => ({ path: s.file, content: s.code }))],
    paths: [example.file],
    ...(example.options?.dialect ? { dialect: example.options.dialect as SqlDialect } : {}),
  });
  return result.findings.filter((f) => f.ruleId === ruleId);
}

const EXPECTED: Record<string, string> = {
  "sql/add-foreign-key-validating": "medium",
  "sql/add-not-null-without-default": "high",
  "sql/alter-column-type": "medium",
  "sql/copy-program": "critical",
  "sql/create-index-non-concurrently": "medium",
  "sql/delete-without-where": "critical",
  "sql/drop-cascade": "critical",
  "sql/drop-column": "high",
  "sql/drop-schema": "critical",
  "sql/drop-table": "critical",
  "sql/parse-error": "medium",
  "sql/rename-column": "medium",
  "sql/rename-table": "medium",
  "sql/truncate": "critical",
  "sql/update-without-where": "high",
};

describe("sql rule registry", () => {
  it("holds exactly the catalogue's ids, sorted, with their default severities", () => {
    expect(sqlRules.map((r) => r.id)).toEqual(Object.keys(EXPECTED));
    for (const rule of sqlRules) {
      expect(rule.severity, rule.id).toBe(EXPECTED[rule.id]);
      expect(rule.family).toBe("sql");
      expect(rule.docs.summary.length, rule.id).toBeGreaterThan(20);
      expect(rule.docs.why.length, rule.id).toBeGreaterThan(40);
      expect(rule.docs.instead.length, rule.id).toBeGreaterThan(40);
      expect(rule.examples.invalid.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.valid.length, rule.id).toBeGreaterThan(0);
    }
  });
});

describe.each(sqlRules.map((rule) => [rule.id, rule] as const))("%s examples", (id, rule) => {
  it.each(rule.examples.invalid.map((e) => [e.file, e] as const))("invalid %s yields exactly one finding", async (_file, example) => {
    const findings = await findingsOf(example, id);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe(rule.severity);
    expect(findings[0]!.file).toBe(example.file);
  });
  it.each(rule.examples.valid.map((e) => [e.file, e] as const))("valid %s yields none", async (_file, example) => {
    expect(await findingsOf(example, id)).toEqual([]);
  });
});

describe("sql rules on facts from any origin", () => {
  const migration = (upgrade: string, downgrade: string) =>
    [
      '"""orders cleanup"""',
      "from alembic import op",
      "import sqlalchemy as sa",
      "",
      'revision = "0042"',
      'down_revision = "0041"',
      "",
      "",
      "def upgrade():",
      `    ${upgrade}`,
      "",
      "",
      "def downgrade():",
      `    ${downgrade}`,
      "",
    ].join("\n");

  async function scanMigration(code: string) {
    const file = "alembic/versions/0042_orders_cleanup.py";
    const result = await scan({ cwd: "/nonexistent-gonogo-examples", configFile: false, files: [{ path: file, content: code }], paths: [file] });
    return result.findings.filter((f) => f.ruleId.startsWith("sql/"));
  }

  it("fires on op.drop_table and on DROP TABLE inside op.execute, at the statement", async () => {
    const viaOp = await scanMigration(migration('op.drop_table("order_notes")', 'op.create_table("order_notes", sa.Column("id", sa.Integer()))'));
    expect(viaOp.map((f) => [f.ruleId, f.message, f.line])).toEqual([["sql/drop-table", "Table order_notes is dropped", 10]]);
    const viaSql = await scanMigration(migration('op.execute("SELECT 1; DROP TABLE order_notes")', "pass"));
    expect(viaSql.map((f) => [f.ruleId, f.line, f.column])).toEqual([["sql/drop-table", 10, 27]]);
  });

  it("does not report a downgrade that undoes its own upgrade, but does report other destructive downgrades", async () => {
    const undo = await scanMigration(migration('op.create_table("refunds", sa.Column("id", sa.Integer()))', 'op.drop_table("refunds")'));
    expect(undo.filter((f) => f.ruleId === "sql/drop-table")).toEqual([]);
    const destructive = await scanMigration(migration('op.add_column("orders", sa.Column("note", sa.Text()))', 'op.drop_table("customers")'));
    expect(destructive.filter((f) => f.ruleId === "sql/drop-table").map((f) => f.message)).toEqual(["Table customers is dropped"]);
  });

  it("skips facts marked reversesUpgrade whatever their kind", () => {
    const location = { file: "m.py", line: 3, column: 5, endLine: 3, endColumn: 30 };
    const reversed = [
      { kind: "drop-table", table: "t", reversesUpgrade: true },
      { kind: "drop-column", table: "t", column: "c", reversesUpgrade: true },
      { kind: "rename-table", table: "t", newName: "u", reversesUpgrade: true },
      { kind: "rename-column", table: "t", column: "a", newName: "b", reversesUpgrade: true },
    ].map((c) => ({ ...c, origin: "alembic-op" as const, operation: "op.x", location, migration: { direction: "downgrade" as const } })) as Parameters<(typeof sqlRules)[number]["check"]>[0]["schemaChanges"];
    for (const rule of sqlRules) {
      const reports: string[] = [];
      rule.check({ schemaChanges: reversed, parseProblems: [], dynamicSql: [], storageActions: [], migrations: [], revisionGraphs: [] }, (_at, message) => reports.push(message));
      expect(reports, rule.id).toEqual([]);
    }
  });

  it("names every table of a multi-table DROP and the type of ALTER COLUMN TYPE in messages", async () => {
    const result = await scan({
      cwd: "/nonexistent-gonogo-examples",
      configFile: false,
      files: [{ path: "db/0001.sql", content: "DROP TABLE a, billing.b;\nALTER TABLE events ALTER COLUMN id TYPE bigint;\nCREATE INDEX ix ON public.orders (x);\n" }],
      paths: ["db/0001.sql"],
    });
    expect(result.findings.map((f) => [f.ruleId, f.message, f.line])).toEqual([
      ["sql/drop-table", "Tables a, billing.b are dropped", 1],
      ["sql/alter-column-type", "Column id of table events changes type to bigint", 2],
      ["sql/create-index-non-concurrently", "Index ix is created on table public.orders without CONCURRENTLY", 3],
    ]);
  });

  it("skips an index on a table created in the same file only in the same direction", () => {
    const location = (line: number) => ({ file: "m.py", line, column: 5, endLine: line, endColumn: 30 });
    const rule = sqlRules.find((r) => r.id === "sql/create-index-non-concurrently")!;
    const facts = [
      { kind: "create-table", origin: "alembic-op", operation: "op.create_table", table: "refunds", location: location(10), migration: { direction: "upgrade" } },
      { kind: "create-index", origin: "alembic-op", operation: "op.create_index", table: "refunds", name: "ix_a", location: location(11), migration: { direction: "upgrade" } },
      { kind: "create-index", origin: "alembic-op", operation: "op.create_index", table: "refunds", name: "ix_b", location: location(20), migration: { direction: "downgrade" } },
    ] as Parameters<(typeof sqlRules)[number]["check"]>[0]["schemaChanges"];
    const reports: string[] = [];
    rule.check({ schemaChanges: facts, parseProblems: [], dynamicSql: [], storageActions: [], migrations: [], revisionGraphs: [] }, (_at, message) => reports.push(message));
    expect(reports).toEqual(["Index ix_b is created on table refunds without CONCURRENTLY"]);
  });
});
