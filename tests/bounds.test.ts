// Issue 17, item 8: every input has a bounded cost. Each attack is a small input that used to
// crash or exhaust memory; here it must terminate with the right findings (production no-go
// where something dangerous or unanalysable is in it), next to a harmless twin of the same shape
// that only needs approval. Timings are measured in bench/bounds.mjs, never asserted here.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";
import { cleanProject, JUNIT_PASS, type CheckJson } from "./hardening-helpers.js";

const header = (revision: string, down: string | null) =>
  `from alembic import op\nimport sqlalchemy as sa\n\nrevision = "${revision}"\ndown_revision = ${down === null ? "None" : `"${down}"`}\n\n`;

async function productionCheck(dir: string) {
  const run = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return { ...run, json: JSON.parse(run.stdout) as CheckJson };
}

async function scanJson(dir: string, args: string[] = []) {
  const run = await runCli(["scan", "--format", "json", ...args], { cwd: dir });
  expect(run.stderr).toBe("");
  return { ...run, results: JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; line: number; column: number; message: string; data?: Record<string, unknown> }[] }[] };
}

/** Helpers h0..h{depth} where each calls the next twice: 2^depth paths to the last one's body. */
function doublingChain(depth: number, leaf: string): string {
  const lines = [header("0003", "0002")];
  for (let i = 0; i < depth; i++) lines.push(`def h${i}():\n    h${i + 1}()\n    h${i + 1}()\n`);
  lines.push(`def h${depth}():\n    ${leaf}\n`, "def upgrade():\n    h0()\n", 'def downgrade():\n    op.drop_column("orders", "note")\n');
  return lines.join("\n");
}

describe("helper-call expansion is memoised (2^depth paths, read once)", () => {
  it("attack: 40 levels of helpers calling the next twice, the last dropping a table: one finding at its line, production no-go", async () => {
    const dir = cleanProject();
    const code = doublingChain(40, 'op.drop_table("orders")');
    writeFileSync(path.join(dir, "alembic/versions/0003_chain.py"), code);
    const scan = await scanJson(dir);
    const drops = scan.results.flatMap((r) => r.messages).filter((m) => m.ruleId === "sql/drop-table");
    // One finding per source location, however many paths reach it.
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ line: code.split("\n").findIndex((l) => l.includes("op.drop_table")) + 1, column: 5 });
    const check = await productionCheck(dir);
    expect(check.code).toBe(1);
    expect(check.json.decision).toBe("no-go");
    expect(check.json.reasons.some((r) => r.code === "blocking-finding" && r.message.includes("sql/drop-table"))).toBe(true);
  }, 60_000);

  it("twin: the same chain adding a nullable column only needs approval", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, "alembic/versions/0003_chain.py"), doublingChain(40, 'op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))'));
    const check = await productionCheck(dir);
    expect(check.code).toBe(3);
    expect(check.json.decision).toBe("needs-approval");
  }, 60_000);
});

describe("multiple heads are listed once", () => {
  it("attack: 3,000 heads: one finding per extra head, the full list in one finding only, messages bounded; production no-go", async () => {
    const dir = cleanProject();
    const versions = path.join(dir, "alembic/versions");
    const body = "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n";
    for (let i = 0; i < 3000; i++) writeFileSync(path.join(versions, `h${String(i).padStart(4, "0")}.py`), header(`h${i}`, "0002") + body);
    const scan = await scanJson(dir);
    const heads = scan.results.flatMap((r) => r.messages).filter((m) => m.ruleId === "alembic/multiple-heads");
    expect(heads).toHaveLength(2999);
    expect(heads.filter((m) => Array.isArray(m.data?.heads))).toHaveLength(1);
    expect(heads.find((m) => Array.isArray(m.data?.heads))!.data!.heads).toHaveLength(3000);
    for (const m of heads) expect(m.message).toMatch(/^3000 heads in alembic\/versions: h0, h1, .* and 2990 more — /);
    // Linear output: about a kilobyte of pretty-printed JSON per finding (listing every head in each was 30 KB each).
    expect(scan.stdout.length).toBeLessThan(3000 * 2000);
    const check = await productionCheck(dir);
    expect(check.json.decision).toBe("no-go");
  }, 120_000);

  it("twin: two labelled branches are intended and only need approval", async () => {
    const dir = cleanProject();
    const versions = path.join(dir, "alembic/versions");
    const body = "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n";
    writeFileSync(path.join(versions, "a.py"), header("a", "0002").replace("\n\n", '\nbranch_labels = ("a",)\n\n') + body);
    writeFileSync(path.join(versions, "b.py"), header("b", "0002").replace("\n\n", '\nbranch_labels = ("b",)\n\n') + body);
    const check = await productionCheck(dir);
    expect(check.json.decision).toBe("needs-approval");
  }, 60_000);
});

describe("directory depth is walked linearly", () => {
  it("attack: a dangerous SQL file 600 directories deep is found (production no-go); twin: a harmless one needs approval", async () => {
    for (const [sql, decision] of [
      ["DROP TABLE orders;\n", "no-go"],
      ["SELECT 1;\n", "needs-approval"],
    ] as const) {
      const dir = cleanProject();
      const deep = path.join(dir, ...Array.from({ length: 600 }, () => "d"));
      mkdirSync(deep, { recursive: true });
      writeFileSync(path.join(deep, "x.sql"), sql);
      const check = await productionCheck(dir);
      expect(check.json.decision).toBe(decision);
      if (decision === "no-go") expect(check.json.reasons.some((r) => r.message.includes("d/d/x.sql") && r.message.includes("sql/drop-table"))).toBe(true);
    }
  }, 120_000);
});

describe("a file whose syntax tree would be too large is not analysed (fail closed), within bounds", () => {
  it("attack: one 3 MB line of Python (x = [1, 1, …]) in a migration that also drops a table: unanalysed, production no-go naming the budget", async () => {
    const dir = cleanProject();
    const code = `${header("0003", "0002")}def upgrade():\n    op.drop_table("orders")\n    x = [${"1, ".repeat(1_000_000)}1]\n\n\ndef downgrade():\n    pass\n`;
    writeFileSync(path.join(dir, "alembic/versions/0003_line.py"), code);
    const check = await productionCheck(dir);
    expect(check.json.decision).toBe("no-go");
    const reason = check.json.reasons.find((r) => r.code === "unanalysed-file");
    expect(reason?.message).toMatch(/0003_line\.py.*parse budget/);
    expect(reason?.message).not.toContain("analysis failed");
  }, 120_000);

  it("twin: the same shape, 1,000 elements long, is analysed and needs approval", async () => {
    const dir = cleanProject();
    const code = `${header("0003", "0002")}def upgrade():\n    x = [${"1, ".repeat(1000)}1]\n\n\ndef downgrade():\n    pass\n`;
    writeFileSync(path.join(dir, "alembic/versions/0003_line.py"), code);
    const check = await productionCheck(dir);
    expect(check.json.decision).toBe("needs-approval");
  }, 60_000);
});

describe("SQL over the statement budget is not analysed (fail closed)", () => {
  it("attack: 50,001 harmless statements in a .sql file (and in an op.execute string): a sql/parse-error naming the budget at the statement past it, production no-go", async () => {
    const dir = cleanProject();
    mkdirSync(path.join(dir, "db"));
    writeFileSync(path.join(dir, "db/bulk.sql"), "SELECT 1;\n".repeat(50_001));
    writeFileSync(path.join(dir, "alembic/versions/0003_bulk.py"), `${header("0003", "0002")}def upgrade():\n    op.execute("${"SELECT 1; ".repeat(50_001)}")\n\n\ndef downgrade():\n    pass\n`);
    const scan = await scanJson(dir);
    const budget = scan.results.flatMap((r) => r.messages.map((m) => ({ file: path.basename(r.filePath), ...m }))).filter((m) => m.message.includes("more than 50,000 statements: not analysed (SQL budget"));
    expect(budget.map((m) => `${m.file} ${m.ruleId} ${m.line}:${m.column}`)).toEqual(["0003_bulk.py sql/parse-error 8:500025", "bulk.sql sql/parse-error 50001:9"]);
    const check = await productionCheck(dir);
    expect(check.json.decision).toBe("no-go");
    expect(check.json.reasons.filter((r) => r.code === "unanalysed-file" && r.message.includes("SQL budget"))).toHaveLength(2);
  }, 120_000);

  it("attack: one INSERT of 500,001 tokens: a sql/parse-error naming the token budget, production no-go", async () => {
    const dir = cleanProject();
    mkdirSync(path.join(dir, "db"));
    // `(1), ` is 4 tokens: 125,001 rows and the head are over 500,000.
    writeFileSync(path.join(dir, "db/seed.sql"), `INSERT INTO orders (id) VALUES ${"(1), ".repeat(125_001)}(1);\n`);
    const scan = await scanJson(dir);
    const budget = scan.results.flatMap((r) => r.messages).filter((m) => m.message.includes("more than 500,000 tokens: not analysed (SQL budget"));
    expect(budget.map((m) => m.ruleId)).toEqual(["sql/parse-error"]);
    expect((await productionCheck(dir)).json.decision).toBe("no-go");
  }, 120_000);

  it("attack: one ALTER TABLE with 50,001 DROP COLUMN subcommands (a finding each): a sql/parse-error naming the budget, production no-go", async () => {
    const dir = cleanProject();
    mkdirSync(path.join(dir, "db"));
    writeFileSync(path.join(dir, "db/alter.sql"), `ALTER TABLE orders ${"DROP COLUMN note, ".repeat(50_000)}DROP COLUMN note;\n`);
    const scan = await scanJson(dir);
    const messages = scan.results.flatMap((r) => r.messages);
    expect(messages.filter((m) => m.ruleId === "sql/drop-column")).toEqual([]);
    expect(messages.filter((m) => m.message.includes("more than 50,000 changes: not analysed (SQL budget")).map((m) => m.ruleId)).toEqual(["sql/parse-error"]);
    expect((await productionCheck(dir)).json.decision).toBe("no-go");
  }, 120_000);

  it("twin: 1,000 statements are read and need approval", async () => {
    const dir = cleanProject();
    mkdirSync(path.join(dir, "db"));
    writeFileSync(path.join(dir, "db/bulk.sql"), "SELECT 1;\n".repeat(1_000));
    const check = await productionCheck(dir);
    expect(check.json.decision, JSON.stringify(check.json.reasons)).toBe("needs-approval");
  }, 60_000);
});

describe("YAML over the token budget is not analysed (fail closed)", () => {
  // The bench shape, smaller: jobs merging a shared template, with a bucket deletion in the template.
  const gitlab = (jobs: number) =>
    `.cleanup: &cleanup\n  script:\n    - aws s3 rb s3://acme-preview --force\n${Array.from({ length: jobs }, (_, i) => `job${i}:\n  <<: *cleanup\n`).join("")}`;

  it("attack: a GitLab CI file of more than 1,000,000 YAML tokens: one infra/parse-error naming the budget, production no-go", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, ".gitlab-ci.yml"), gitlab(100_000));
    const scan = await scanJson(dir);
    const budget = scan.results.flatMap((r) => r.messages).filter((m) => m.message.includes("YAML not analysed: more than 1,000,000 tokens, over the parse budget"));
    expect(budget.map((m) => m.ruleId)).toEqual(["infra/parse-error"]);
    expect((await productionCheck(dir)).json.decision).toBe("no-go");
  }, 120_000);

  it("twin: 1,000 such jobs are read: the template's bucket deletion is found once", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, ".gitlab-ci.yml"), gitlab(1_000));
    const scan = await scanJson(dir);
    const messages = scan.results.flatMap((r) => r.messages);
    expect(messages.filter((m) => m.ruleId === "infra/parse-error")).toEqual([]);
    expect(messages.filter((m) => m.ruleId === "infra/bucket-delete").map((m) => m.line)).toEqual([3]);
  }, 60_000);
});
