// Issue 17, item 2: what Alembic will run, followed statically. Each attack is a migration that
// really drops a table under Alembic while gonogo used to answer needs-approval with zero
// findings; production must now be a no-go (a sql/drop-table finding, or an unanalysable
// construct it fails closed on). Each has a harmless twin of the same shape that needs approval.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";
import { cleanProject, JUNIT_PASS, type CheckJson } from "./hardening-helpers.js";

const header = 'import sqlalchemy as sa\n\nrevision = "0003"\ndown_revision = "0002"\n\n\n';
// The downgrade undoes the twin's column (so only the approval remains); for an attack it is one more finding.
const DOWN = '\n\ndef downgrade():\n    op.drop_column("orders", "note")\n';
const DOWN_PASS = '\n\ndef downgrade():\n    pass\n';

async function production(code: string) {
  const dir = cleanProject();
  writeFileSync(path.join(dir, "alembic/versions/0003_attack.py"), header + code);
  const run = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as CheckJson;
}

const DROP = 'op.drop_table("orders")';
const ADD = 'op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))';

/** name → code with {op} standing for the dangerous or harmless operation, and what blocks it. */
const followed: [string, (call: string) => string][] = [
  ["upgrade = other_function", (c) => `from alembic import op\n\n\ndef real():\n    ${c}\n\n\ndef upgrade():\n    pass\n\n\nupgrade = real\n${DOWN}`],
  ["an op call at module level", (c) => `from alembic import op\n\n${c}\n\n\ndef upgrade():\n    pass\n${DOWN}`],
  ["o = op", (c) => `from alembic import op\n\no = op\n\n\ndef upgrade():\n    ${c.replace("op.", "o.")}\n${DOWN}`],
  ["a local alias of op", (c) => `from alembic import op\n\n\ndef upgrade():\n    o = op\n    ${c.replace("op.", "o.")}\n${DOWN}`],
  ["from alembic.op import drop_table", (c) => `from alembic.op import drop_table, add_column\n\n\ndef upgrade():\n    ${c.replace("op.", "")}\n${DOWN}`],
  ["import alembic; alembic.op.drop_table", (c) => `import alembic\n\n\ndef upgrade():\n    ${c.replace("op.", "alembic.op.")}\n${DOWN}`],
  ["a nested function called from upgrade", (c) => `from alembic import op\n\n\ndef upgrade():\n    def inner():\n        ${c}\n\n    inner()\n${DOWN}`],
  ["a staticmethod called from upgrade", (c) => `from alembic import op\n\n\nclass Steps:\n    @staticmethod\n    def run():\n        ${c}\n\n\ndef upgrade():\n    Steps.run()\n${DOWN}`],
  ["upgrade = lambda", (c) => `from alembic import op\n\nupgrade = lambda: ${c}\n${DOWN}`],
  ["a lambda called from upgrade", (c) => `from alembic import op\n\n\ndef upgrade():\n    go = lambda: ${c}\n    go()\n${DOWN}`],
];

describe("followed: the drop is found, production no-go; the harmless twin needs approval", () => {
  it.each(followed)("%s", async (_name, shape) => {
    const attack = await production(shape(DROP));
    expect(attack.decision).toBe("no-go");
    expect(attack.reasons.some((r) => r.code === "blocking-finding" && r.message.includes("0003_attack.py") && r.message.includes("sql/drop-table"))).toBe(true);
    const twin = await production(shape(ADD));
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);

  it("SQLAlchemy Core: Table(...).drop(bind) and metadata.drop_all(bind) are drops; create_all is not", async () => {
    for (const statement of ['sa.Table("orders", sa.MetaData()).drop(op.get_bind())', "meta = sa.MetaData()\n    meta.drop_all(op.get_bind())"]) {
      const attack = await production(`from alembic import op\n\n\ndef upgrade():\n    ${statement}\n${DOWN_PASS}`);
      expect(attack.decision).toBe("no-go");
      expect(attack.reasons.some((r) => r.message.includes("sql/drop-table"))).toBe(true);
    }
    const twin = await production(`from alembic import op\n\n\ndef upgrade():\n    meta = sa.MetaData()\n    meta.create_all(op.get_bind())\n${DOWN_PASS}`);
    expect(twin.decision).toBe("needs-approval");
  }, 60_000);
});

const unanalysable: [string, string, RegExp][] = [
  ["getattr(op, …)", 'getattr(op, "drop_" + "table")("orders")', /getattr\(op, …\)/],
  ["exec", "exec(\"op.drop_table('orders')\")", /exec\(\)/],
  ["eval", "eval(\"op.drop_table('orders')\")", /eval\(\)/],
  ["SQL read from a file", 'op.execute(open("drop.sql").read())', /read from a file/],
];

describe("unanalysable: a named finding that production fails closed on", () => {
  it.each(unanalysable)("%s", async (_name, statement, message) => {
    const attack = await production(`from alembic import op\n\n\ndef upgrade():\n    ${statement}\n${DOWN_PASS}`);
    expect(attack.decision).toBe("no-go");
    const reason = attack.reasons.find((r) => r.code === "unanalysed-file");
    expect(reason?.message).toMatch(message);
    expect(reason?.message).toMatch(/alembic\/parse-error/);
  }, 60_000);

  it("twins: getattr on something else, a literal op.execute: needs approval", async () => {
    for (const [statement, down] of [
      ['name = getattr(sa, "Text")', DOWN_PASS],
      ['op.execute("UPDATE orders SET total_cents = 0 WHERE id = 1")', DOWN_PASS.replace("pass", 'op.execute("UPDATE orders SET total_cents = 1 WHERE id = 1")')],
    ]) {
      const twin = await production(`from alembic import op\n\n\ndef upgrade():\n    ${statement}\n${down}`);
      expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
    }
  }, 60_000);
});

describe("dynamic SQL fails closed in production by default (item 4)", () => {
  const fString = 'table = "orders"\n    op.execute(f"DELETE FROM {table}")';
  it("attack: an f-string, %, .format, concatenation and an imported constant: production no-go on alembic/dynamic-sql", async () => {
    for (const statement of [fString, 'op.execute("DELETE FROM %s" % name)', 'op.execute("DELETE FROM {}".format(name))', 'op.execute("DELETE FROM " + name)', "op.execute(IMPORTED_SQL)"]) {
      const prefix = statement.includes("IMPORTED_SQL") ? "from .shared import IMPORTED_SQL\n" : "";
      const attack = await production(`${prefix}from alembic import op\n\nname = input()\n\n\ndef upgrade():\n    ${statement}\n${DOWN_PASS.replace("pass", 'op.execute("SELECT 1")')}`);
      expect(attack.decision, statement).toBe("no-go");
      expect(attack.reasons.some((r) => r.code === "blocking-finding" && r.message.includes("alembic/dynamic-sql"))).toBe(true);
    }
  }, 120_000);

  it("twin: the same f-string with alembic/dynamic-sql left out of production's block.rules (the policy key that relaxes it) needs approval", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, "alembic/versions/0003_attack.py"), `${header}from alembic import op\n\n\ndef upgrade():\n    ${fString}\n${DOWN_PASS.replace("pass", 'op.execute("SELECT 1")')}`);
    writeFileSync(path.join(dir, "policy.yaml"), "environments:\n  production:\n    block:\n      rules: [alembic/missing-downgrade, alembic/empty-downgrade]\n");
    const run = await runCli(["check", "--env", "production", "--policy", "policy.yaml", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect((JSON.parse(run.stdout) as CheckJson).decision).toBe("needs-approval");
  }, 60_000);
});
