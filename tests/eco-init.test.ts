// `gonogo init [dir]`: detection, a config the loader accepts, no overwrite without --force.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { allRules } from "../rules/index.js";
import { loadConfig } from "../src/engine/config.js";
import { runCli, tempProject } from "./helpers.js";

const migration = (revision: string, parent: string | null, body: string) => `"""${revision}

Revision ID: ${revision}
Revises: ${parent ?? ""}
"""
from alembic import op
import sqlalchemy as sa

revision = "${revision}"
down_revision = ${parent ? `"${parent}"` : "None"}


def upgrade():
    ${body}


def downgrade():
    pass
`;

function shopProject(): string {
  return tempProject({
    "services/orders/alembic/env.py": "from alembic import context\n",
    "services/orders/alembic/versions/0001_orders.py": migration("0001", null, 'op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True))'),
    "services/orders/alembic/versions/0002_status.py": migration("0002", "0001", 'op.add_column("orders", sa.Column("status", sa.Text()))'),
    // A second database with its migrations in a directory not named `versions`: found by content.
    "services/billing/migrations/b001_invoices.py": migration("b001", null, 'op.create_table("invoices", sa.Column("id", sa.Integer(), primary_key=True))'),
    "db/seed.sql": "INSERT INTO orders (id) VALUES (1);\n",
    "infra/main.tf": 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n',
    "infra/cfn/site.yaml": "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n",
    ".github/workflows/deploy.yml": "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws s3 sync dist s3://acme-www\n",
    "scripts/cleanup.sh": "aws s3 rm s3://acme-tmp/report.csv\n",
    "cdk/lib/storage.ts": 'import * as s3 from "aws-cdk-lib/aws-s3";\nexport const make = (scope: any) => new s3.Bucket(scope, "Reports", { bucketName: "acme-reports" });\n',
    // Application code with no bucket in it, a plain YAML file, and vendored code: not listed.
    "web/src/app.ts": "export const answer = 42;\n",
    "config/settings.yaml": "log_level: info\n",
    "node_modules/aws-cdk-lib/index.js": 'new Bucket(this, "X", { autoDeleteObjects: true });\n',
  });
}

test("writes a commented gonogo.config.yaml that loadConfig accepts, with the detected migration directories", async () => {
  const cwd = shopProject();
  const run = await runCli(["init"], { cwd });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Wrote gonogo.config.yaml: 2 Alembic versions directories, 1 SQL files, 5 infrastructure files.");

  const loaded = loadConfig({ cwd, knownRuleIds: allRules.map((r) => r.id) });
  expect(loaded.file).toBe(path.join(cwd, "gonogo.config.yaml"));
  expect(loaded.config).toEqual({
    project: path.basename(cwd),
    dialect: "postgresql",
    migrations: ["services/billing/migrations", "services/orders/alembic/versions"],
  });

  const text = readFileSync(path.join(cwd, "gonogo.config.yaml"), "utf8");
  for (const expected of [
    "#   Terraform:\n#     infra/main.tf",
    "#   CloudFormation templates:\n#     infra/cfn/site.yaml",
    "#   GitHub Actions workflows:\n#     .github/workflows/deploy.yml",
    "#   shell scripts:\n#     scripts/cleanup.sh",
    "#   CDK / Pulumi / SDK code (JS/TS):\n#     cdk/lib/storage.ts",
    "#     db/seed.sql",
    "# rules:",
    "# overrides:",
  ])
    expect(text).toContain(expected);
  for (const absent of ["web/src/app.ts", "config/settings.yaml", "node_modules/aws-cdk-lib"]) expect(text).not.toContain(absent);

  // The scan picks the written config up: the billing directory is read as migrations.
  const scan = await runCli(["scan", "--format", "json"], { cwd });
  expect(scan.stderr).toBe("");
  const files = (JSON.parse(scan.stdout) as { filePath: string; messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => `${path.relative(cwd, r.filePath)} ${m.ruleId}`));
  expect(files).toContain("services/billing/migrations/b001_invoices.py alembic/empty-downgrade");
});

test("refuses to overwrite an existing config without --force, and overwrites with it", async () => {
  const cwd = shopProject();
  writeFileSync(path.join(cwd, "gonogo.config.yaml"), "project: hand-written\n");
  const refused = await runCli(["init"], { cwd });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("gonogo.config.yaml already exists; use --force to overwrite it");
  expect(readFileSync(path.join(cwd, "gonogo.config.yaml"), "utf8")).toBe("project: hand-written\n");

  const forced = await runCli(["init", "--force"], { cwd });
  expect(forced.code).toBe(0);
  expect(loadConfig({ cwd }).config.project).toBe(path.basename(cwd));
});

test("a gonogo.config.json counts as an existing config too", async () => {
  const cwd = tempProject({ "gonogo.config.json": '{ "project": "x" }\n' });
  const run = await runCli(["init"], { cwd });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("gonogo.config.json already exists");
});

test("init DIR writes into that directory; an empty project gets a valid config with the keys commented", async () => {
  const cwd = tempProject({ "apps/empty/README.md": "# nothing to scan\n" });
  const run = await runCli(["init", "apps/empty"], { cwd });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Wrote apps/empty/gonogo.config.yaml: 0 Alembic versions directories");
  const loaded = loadConfig({ cwd: path.join(cwd, "apps/empty"), knownRuleIds: allRules.map((r) => r.id) });
  expect(loaded.config).toEqual({ project: "empty", dialect: "postgresql" });
  expect(readFileSync(path.join(cwd, "apps/empty/gonogo.config.yaml"), "utf8")).toContain("# migrations:\n#   - alembic/versions");
  expect((await runCli(["init", "apps/missing"], { cwd })).code).toBe(2);
});

test("a project name that YAML would misread is quoted", async () => {
  const cwd = tempProject({ "yes: no/README.md": "x\n" });
  expect((await runCli(["init", "yes: no"], { cwd })).code).toBe(0);
  expect(loadConfig({ cwd: path.join(cwd, "yes: no") }).config.project).toBe("yes: no");
});
