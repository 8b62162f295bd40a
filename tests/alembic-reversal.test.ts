// Reversal semantics of alembic/unbalanced-downgrade: what a downgrade undoes as the database and
// Alembic mean it (implied drops, naming conventions, unnamed objects, renames), and the exact
// place and words of what stays reported.
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";

const header = 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "0001"\ndown_revision = None\n';

function migration(upgrade: string[], downgrade: string[]): string {
  const body = (lines: string[]) => lines.map((l) => `    ${l}`).join("\n");
  return `${header}\n\ndef upgrade():\n${body(upgrade)}\n\n\ndef downgrade():\n${body(downgrade)}\n`;
}
/** Line of the first upgrade statement: header (5 lines), 2 blank lines, `def upgrade():`. */
const FIRST = 9;

async function unbalanced(code: string, siblings: Record<string, string> = {}) {
  const result = await scan({
    cwd: "/nonexistent-gonogo-reversal-root",
    configFile: false,
    files: [{ path: "alembic/versions/0001_x.py", content: code }, ...Object.entries(siblings).map(([path, content]) => ({ path, content }))],
  });
  return result.findings.filter((f) => f.ruleId === "alembic/unbalanced-downgrade").map((f) => ({ line: f.line, column: f.column, message: f.message }));
}

describe("implied reversals", () => {
  test("dropping a column drops every index and constraint on it (multi-column ones too); an index on another column stays", async () => {
    const findings = await unbalanced(
      migration(
        [
          'op.add_column("orders", sa.Column("region_id", sa.Integer()))',
          'op.create_index(None, "orders", ["region_id", "created_at"])',
          'op.create_foreign_key(None, "orders", "regions", ["region_id"], ["id"])',
          'op.create_check_constraint("region_set", "orders", "region_id IS NOT NULL OR legacy")',
          'op.create_index("ix_orders_created_at", "orders", ["created_at"])',
        ],
        ['op.drop_column("orders", "region_id")'],
      ),
    );
    expect(findings).toEqual([
      { line: FIRST + 4, column: 5, message: "op.create_index is not reversed in downgrade(): index ix_orders_created_at on orders stays after a rollback; drop the index" },
    ]);
  });

  test("dropping a table drops everything created on it; what the upgrade itself drops or renames into place needs no reversal", async () => {
    expect(
      await unbalanced(
        migration(
          [
            'op.create_table("regions", sa.Column("id", sa.Integer()))',
            'op.create_index(op.f("ix_regions_id"), "regions", ["id"])',
            'op.create_unique_constraint("uq_regions_id", "regions", ["id"])',
            'op.add_column("orders", sa.Column("total_new", sa.Numeric()))',
            'op.drop_column("orders", "total")',
            'op.alter_column("orders", "total_new", new_column_name="total")',
            'op.drop_constraint("orders_user_id_fkey", "orders", type_="foreignkey")',
            'op.create_foreign_key("orders_user_id_fkey", "orders", "users", ["user_id"], ["id"], ondelete="CASCADE")',
          ],
          ['op.drop_column("orders", "total")', 'op.add_column("orders", sa.Column("total", sa.Integer()))', 'op.drop_table("regions")'],
        ),
      ),
    ).toEqual([]);
  });
});

test("an expression index and a partial index go with the column their SQL names", async () => {
  const findings = await unbalanced(
    migration(
      [
        'op.add_column("users", sa.Column("nickname", sa.String()))',
        'op.add_column("users", sa.Column("is_deleted", sa.Boolean()))',
        'op.create_index(op.f("ix_users_nickname_lower"), "users", [sa.text("lower(nickname)")])',
        'op.create_index(None, "users", ["email"], unique=True, postgresql_where=sa.text("NOT is_deleted"))',
      ],
      ['op.drop_column("users", "is_deleted")', 'op.drop_column("users", "nickname")'],
    ),
  );
  expect(findings).toEqual([]);
});

test("a column named by keyword (sa.Column(name=...)) is the column the downgrade drops", async () => {
  const findings = await unbalanced(
    migration(['op.add_column(table_name="tags", column=sa.Column(name="immutable", type_=sa.Boolean()))'], ['op.drop_column(table_name="tags", column_name="immutable")']),
  );
  expect(findings).toEqual([]);
});

test("a check constraint with an f-string condition goes with the column its literal parts name", async () => {
  const findings = await unbalanced(
    migration(['op.add_column("categories", sa.Column("wallet_mode", sa.Integer()))', 'op.create_check_constraint("root_mode", "categories", f"(id != 0) OR (wallet_mode != {MODE})")'], ['op.drop_column("categories", "wallet_mode")']),
  );
  expect(findings).toEqual([]);
});

describe("names", () => {
  test("a conventional prefix, op.f() and the documented convention's generated name match; another name does not", async () => {
    const findings = await unbalanced(
      migration(
        [
          'op.create_check_constraint("valid_title", "events", "title != \'\'")',
          'op.create_foreign_key(None, "events", "venues", ["venue_id"], ["id"])',
          'op.create_index(op.f("ix_events_starts_at"), "events", ["starts_at"])',
          'op.create_primary_key(table_name="venues", constraint_name="venue_pkey", columns=["id"])',
        ],
        [
          'op.drop_constraint("ck_events_valid_title", "events")',
          'op.drop_constraint("fk_events_venue_id_venues", "events", type_="foreignkey")',
          'op.drop_index(op.f("ix_events_starts_at"), table_name="events")',
          'op.drop_constraint("venues_pkey", "venues", type_="primary")',
        ],
      ),
    );
    expect(findings).toEqual([
      { line: FIRST + 3, column: 5, message: "op.create_primary_key is not reversed in downgrade(): primary key constraint venue_pkey on venues stays after a rollback; drop the constraint" },
    ]);
  });

  test("a constraint type never matches a drop of another type", async () => {
    const findings = await unbalanced(
      migration(['op.create_unique_constraint("uq_events_slug", "events", ["slug"])'], ['op.drop_constraint("uq_events_slug", "events", type_="foreignkey")']),
    );
    expect(findings.map((f) => [f.line, f.column])).toEqual([[FIRST, 5]]);
  });
});

describe("renames", () => {
  test("back to the exact original name reverses; to another name is reported with both names", async () => {
    const findings = await unbalanced(
      migration(
        ['op.rename_table("opsusers", "users")', 'op.alter_column("users", "login", new_column_name="username")'],
        ['op.alter_column("users", "username", new_column_name="login")', 'op.rename_table("users", "opsuesrs")'],
      ),
    );
    expect(findings).toEqual([
      { line: FIRST, column: 5, message: "op.rename_table renames opsusers to users, but downgrade() renames it back to opsuesrs, not opsusers" },
    ]);
  });

  test("a column renamed back to another name is reported with both names", async () => {
    const findings = await unbalanced(migration(['op.alter_column("users", "login", new_column_name="username")'], ['op.alter_column("users", "username", new_column_name="logon")']));
    expect(findings).toEqual([
      { line: FIRST, column: 5, message: "op.alter_column renames users.login to username, but downgrade() renames it back to logon, not login" },
    ]);
  });
});

describe("declared naming convention", () => {
  const models = [
    "import sqlalchemy as sa",
    "",
    "CONVENTION = {",
    '    "ck": "%(table_name)s_%(constraint_name)s_check",',
    '    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",',
    "}",
    "metadata = sa.MetaData(naming_convention=CONVENTION)",
  ].join("\n");
  const env = "from alembic import context\nfrom shop.models import metadata\n\ntarget_metadata = metadata\n";
  const code = migration(
    [
      'op.create_check_constraint("positive_total", "orders", "total > 0")',
      'op.create_foreign_key(None, "orders", "users", ["user_id"], ["id"])',
      'op.create_check_constraint("positive_tax", "orders", "tax > 0")',
    ],
    ['op.drop_constraint("orders_positive_total_check", "orders", type_="check")', 'op.drop_constraint("orders_user_id_fkey", "orders", type_="foreignkey")'],
  );

  test("names are compared after the convention declared in the models module env.py imports", async () => {
    const findings = await unbalanced(code, { "alembic/env.py": env, "shop/models.py": models });
    expect(findings).toEqual([
      { line: FIRST + 2, column: 5, message: "op.create_check_constraint is not reversed in downgrade(): check constraint positive_tax on orders stays after a rollback; drop the constraint" },
    ]);
  });

  test("without env.py the convention is unknown, and the suffixed name is not matched", async () => {
    const findings = await unbalanced(code, { "shop/models.py": models });
    expect(findings.map((f) => f.line)).toEqual([FIRST, FIRST + 2]);
  });
});

describe("schemas", () => {
  test("the same table name in two schemas is two tables: each rename goes back on its own", async () => {
    const findings = await unbalanced(
      migration(
        [
          'op.alter_column("principals", "roles", new_column_name="permissions", schema="categories")',
          'op.alter_column("principals", "roles", new_column_name="permissions", schema="events")',
        ],
        [
          'op.alter_column("principals", "permissions", new_column_name="roles", schema="categories")',
          'op.alter_column("principals", "permissions", new_column_name="role", schema="events")',
        ],
      ),
    );
    expect(findings).toEqual([
      { line: FIRST + 1, column: 5, message: "op.alter_column renames principals.roles to permissions, but downgrade() renames it back to role, not roles" },
    ]);
  });
});
