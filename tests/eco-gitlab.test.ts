// `gonogo scan --format gitlab`: GitLab Code Quality JSON with unique, stable fingerprints.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { runCli, tempProject } from "./helpers.js";

const script = [
  "#!/usr/bin/env bash",
  "set -euo pipefail",
  "# Two preview buckets, deleted the same way: two findings with the same text.",
  'aws s3 rb "s3://acme-preview" --force',
  'aws s3 rb "s3://acme-preview" --force',
  "terraform destroy -auto-approve",
  "",
].join("\n");

const migration = `"""drop sessions

Revision ID: 0001
Revises:
"""
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.drop_table("sessions")


def downgrade():
    raise NotImplementedError("sessions are gone")
`;

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end: number } };
}

async function gitlabReport(cwd: string): Promise<Issue[]> {
  const run = await runCli(["scan", "--format", "gitlab", "--no-config"], { cwd });
  expect(run.code).toBe(1);
  return JSON.parse(run.stdout) as Issue[];
}

test("every finding becomes a Code Quality issue with GitLab's fields and severities", async () => {
  const cwd = tempProject({ "scripts/teardown.sh": script, "db/versions/0001_drop_sessions.py": migration });
  const issues = await gitlabReport(cwd);
  for (const issue of issues) {
    expect(Object.keys(issue).sort()).toEqual(["check_name", "description", "fingerprint", "location", "severity"]);
    expect(issue.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(["info", "minor", "major", "critical", "blocker"]).toContain(issue.severity);
  }
  const bySpot = issues.map((i) => `${i.location.path}:${i.location.lines.begin}-${i.location.lines.end} ${i.check_name} ${i.severity}`);
  expect(bySpot).toEqual(
    expect.arrayContaining([
      "db/versions/0001_drop_sessions.py:13-13 sql/drop-table blocker",
      "scripts/teardown.sh:4-4 infra/bucket-delete blocker",
      "scripts/teardown.sh:5-5 infra/bucket-delete blocker",
      "scripts/teardown.sh:6-6 infra/destroy-command critical",
    ]),
  );
  expect(issues.find((i) => i.check_name === "sql/drop-table")!.description).toBe("Table sessions is dropped (sql/drop-table, critical)");
});

test("fingerprints are unique, even for identical findings, and survive lines moving", async () => {
  const cwd = tempProject({ "scripts/teardown.sh": script, "db/versions/0001_drop_sessions.py": migration });
  const before = await gitlabReport(cwd);
  const fingerprints = before.map((i) => i.fingerprint);
  expect(new Set(fingerprints).size).toBe(fingerprints.length);
  const twins = before.filter((i) => i.check_name === "infra/bucket-delete");
  expect(twins).toHaveLength(2);
  expect(twins[0]!.fingerprint).not.toBe(twins[1]!.fingerprint);

  // Code added above the findings moves them down; GitLab must still see the same issues.
  writeFileSync(path.join(cwd, "scripts/teardown.sh"), script.replace("set -euo pipefail\n", "set -euo pipefail\n# owner: platform team\n# runbook: docs/preview.md\n"));
  const after = await gitlabReport(cwd);
  expect(after.find((i) => i.check_name === "infra/destroy-command")!.location.lines.begin).toBe(8);
  expect(after.map((i) => i.fingerprint).sort()).toEqual([...fingerprints].sort());

  // A changed finding (another bucket) is a different issue.
  writeFileSync(path.join(cwd, "scripts/teardown.sh"), script.replace('aws s3 rb "s3://acme-preview" --force\naws', 'aws s3 rb "s3://acme-staging" --force\naws'));
  const changed = await gitlabReport(cwd);
  expect(changed.map((i) => i.fingerprint).filter((f) => !fingerprints.includes(f))).toHaveLength(1);
});

test("no findings: an empty array, exit 0", async () => {
  const cwd = tempProject({ "scripts/deploy.sh": "aws s3 sync dist s3://acme-www\n" });
  const run = await runCli(["scan", "--format", "gitlab", "--no-config"], { cwd });
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual([]);
});
