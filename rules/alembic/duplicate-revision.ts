import { defineRule } from "../define.js";
import { migration } from "./examples.js";

export default defineRule({
  id: "alembic/duplicate-revision",
  family: "alembic",
  reads: "revisionGraphs",
  severity: "critical",
  docs: {
    summary: "Two migration files in one revision graph declare the same revision id.",
    why: "Alembic keeps only one of them (or refuses to start): one migration silently never runs, or every command fails, depending on the version.",
    instead: "Give the newer file a fresh id (`alembic revision` generates one) and point its children at it.",
  },
  examples: {
    invalid: [
      {
        file: "alembic/versions/0031_add_sku_copy.py",
        code: migration({ revision: "ae1027a6acf0", down: "0030", upgrade: 'op.add_column("products", sa.Column("sku", sa.String(40)))', downgrade: 'op.drop_column("products", "sku")' }),
        siblings: [
          { file: "alembic/versions/0030_products.py", code: migration({ revision: "0030", upgrade: 'op.create_table("products", sa.Column("id", sa.Integer(), primary_key=True))', downgrade: 'op.drop_table("products")' }) },
          { file: "alembic/versions/0031_add_sku.py", code: migration({ revision: "ae1027a6acf0", down: "0030", upgrade: 'op.add_column("products", sa.Column("sku", sa.String(40)))', downgrade: 'op.drop_column("products", "sku")' }) },
        ],
        finding: { line: 9, column: 1, message: "Revision ae1027a6acf0 is declared again; first declared in alembic/versions/0031_add_sku.py" },
      },
    ],
    valid: [
      {
        file: "tenants/versions/0001_init.py",
        code: migration({ revision: "0001", upgrade: 'op.create_table("tenants", sa.Column("id", sa.Integer(), primary_key=True))', downgrade: 'op.drop_table("tenants")' }),
        siblings: [{ file: "alembic/versions/0001_init.py", code: migration({ revision: "0001", upgrade: 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))', downgrade: 'op.drop_table("users")' }) }],
      },
    ],
  },
  check(facts, report) {
    for (const graph of facts.revisionGraphs) {
      for (const { revision, migrations } of graph.duplicates) {
        const [first, ...rest] = migrations;
        for (const m of rest) report(m.revisionLocation, `Revision ${revision} is declared again; first declared in ${first!.file}`, { revision, firstFile: first!.file });
      }
    }
  },
});
