import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { CliIO } from "../src/cli/io.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "policy");
const project = (name: string) => join(fixtures, "projects", name);

async function run(cwd: string, argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const junitPass = join(fixtures, "junit", "pytest-pass.xml");
const junitFail = join(fixtures, "junit", "pytest-fail.xml");

/** A copy of `file` outside any git work tree (the fixtures are inside this repository's). */
function outsideCopy(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-log-"));
  copyFileSync(file, join(dir, "deployments.jsonl"));
  return join(dir, "deployments.jsonl");
}

describe("gonogo check", () => {
  it("development with a DROP TABLE → go (exit 0), the finding reported", async () => {
    const r = await run(project("drop-table"), ["check", "--env", "development"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("DEPLOYMENT SAFETY VIOLATIONS DETECTED");
    expect(r.stdout).toMatch(/Findings not blocking in development:\n {2}critical +alembic\/versions\/0002_drop_legacy_sessions\.py:\d+ {2}sql\/drop-table/);
    expect(r.stdout).toContain("DECISION: GO — development (shop)");
    expect(r.stdout).toContain("[info] findings-reported");
  });

  it("staging with a DROP TABLE → no-go (exit 1), even after an approved staging release", async () => {
    const r = await run(project("drop-table"), ["check", "--env", "staging", "--log", outsideCopy(join(fixtures, "logs", "deployments.jsonl"))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DEPLOYMENT SAFETY VIOLATIONS DETECTED\n/);
    // The team's report shape: file:line:column, message, Pattern (matched code), Reason (why), Code (source line), Policy (reason code).
    expect(r.stdout).toContain(
      [
        "CRITICAL (1)",
        "  alembic/versions/0002_drop_legacy_sessions.py:17:5  sql/drop-table",
        "    Table legacy_sessions is dropped",
        '    Pattern: op.drop_table("legacy_sessions")',
        "    Reason:  The data is gone the moment the statement commits; only a backup restore brings it back. Every release still running reads or writes the table and starts failing at once, so even a rollback of the code cannot help.",
        '    Code:    17 |     op.drop_table("legacy_sessions")',
        "    Policy:  blocking-finding",
      ].join("\n"),
    );
    expect(r.stdout).toContain("[NO-GO] blocking-finding");
  });

  it("staging with DROP TABLE inside op.execute SQL → no-go", async () => {
    const r = await run(project("drop-table-sql"), ["check", "--env", "staging", "--format", "json"]);
    expect(r.code).toBe(1);
    const decision = JSON.parse(r.stdout) as { decision: string; reasons: { code: string; findings?: { ruleId: string }[] }[] };
    expect(decision.decision).toBe("no-go");
    expect(decision.reasons.find((x) => x.code === "blocking-finding")?.findings?.[0]?.ruleId).toBe("sql/drop-table");
  });

  it("production, clean, passing tests → needs-approval (exit 3)", async () => {
    const r = await run(project("clean"), ["check", "--env", "production", "--version", "1.2.0", "--junit", junitPass]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain("DEPLOYMENT SAFETY VIOLATIONS DETECTED");
    expect(r.stdout).toContain("DECISION: NEEDS-APPROVAL — production (shop 1.2.0)");
    expect(r.stdout).toContain("[APPROVAL] approval-required: every release to production needs an approval");
    expect(r.stdout).toContain("[info] tests-passed: tests passed: 4 of 5 (1 skipped)");
  });

  it("production with an empty downgrade → no-go (exit 1) in the banner style", async () => {
    const r = await run(project("empty-downgrade"), ["check", "--env", "production", "--junit", junitPass]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DEPLOYMENT SAFETY VIOLATIONS DETECTED\n/);
    expect(r.stdout).toMatch(/HIGH \(1\)\n {2}alembic\/versions\/0002_add_order_status\.py:\d+:\d+ {2}alembic\/empty-downgrade\n {4}downgrade\(\) of 0002 is empty[^\n]*\n {4}Pattern: [^\n]+\n {4}Reason: [^\n]+\n {4}Code: +\d+ \| [^\n]+\n {4}Policy: +blocking-finding/);
    expect(r.stdout).toContain("DECISION: NO-GO — production (shop)");
  });

  it("production with an unparsable migration → no-go naming the file", async () => {
    const r = await run(project("unparsable"), ["check", "--env", "production", "--junit", junitPass]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("DEPLOYMENT SAFETY VIOLATIONS DETECTED");
    expect(r.stdout).toMatch(/\[NO-GO\] unanalysed-file: alembic\/versions\/0002_add_order_status\.py could not be analysed/);
  });

  it("production without test results → no-go: required input missing", async () => {
    const r = await run(project("clean"), ["check", "--env", "production"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[NO-GO] required-input-missing: required input missing: test results");
  });

  it("production with failing tests → no-go", async () => {
    const r = await run(project("clean"), ["check", "--env", "production", "--junit", junitFail]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[NO-GO] tests-failed: tests failed: 1 failure, 1 error of 4 tests");
  });

  it("production with coverage under the policy's minimum → no-go", async () => {
    const r = await run(project("clean"), [
      "check", "--env", "production", "--junit", junitPass,
      "--policy", join(fixtures, "policies", "custom.yaml"),
      "--coverage", join(fixtures, "coverage", "coverage-summary-low.json"),
      "--audit", join(fixtures, "audit", "npm-audit-clean.json"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[NO-GO] coverage-below-minimum: line coverage 60 % is under the minimum of 80 %");
  });

  it("staging clean, first time → needs-approval; with an approved staging release in the log → go", async () => {
    const first = await run(project("clean"), ["check", "--env", "staging", "--log", join(fixtures, "logs", "none.jsonl")]);
    expect(first.code).toBe(3);
    expect(first.stdout).toContain("first-time-approval");
    const again = await run(project("clean"), ["check", "--env", "staging", "--log", outsideCopy(join(fixtures, "logs", "deployments.jsonl"))]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("DECISION: GO — staging (shop)");
  });

  it("an approval in a log the change could write grants nothing: the same log inside this git work tree (tracked) is not read", async () => {
    // fixtures/policy/logs/deployments.jsonl holds an approved staging release, and git tracks it.
    const inTree = await run(project("clean"), ["check", "--env", "staging", "--log", join(fixtures, "logs", "deployments.jsonl")]);
    expect(inTree.code).toBe(3);
    expect(inTree.stdout).toContain("first-time-approval");
    expect(inTree.stdout).toMatch(/input-unreadable: [^\n]*is inside the git work tree/);
    // Production fails closed on history it cannot trust.
    const prod = await run(project("clean"), ["check", "--env", "production", "--junit", junitPass, "--log", join(fixtures, "logs", "deployments.jsonl")]);
    expect(prod.code).toBe(1);
  });

  it("--format json prints the decision with its reasons and findings", async () => {
    const r = await run(project("empty-downgrade"), ["check", "--env", "development", "--format", "json", "--project", "shop-api"]);
    expect(r.code).toBe(0);
    const decision = JSON.parse(r.stdout) as Record<string, unknown> & { reasons: { code: string }[]; findings: { ruleId: string }[] };
    expect(decision).toMatchObject({ decision: "go", environment: "development", project: "shop-api", autoRollback: true, requiredApprovals: 0 });
    expect(decision.reasons.map((x) => x.code)).toEqual(["findings-reported"]);
    expect(decision.findings.map((f) => f.ruleId)).toContain("alembic/empty-downgrade");
    expect(decision.policyHash).toMatch(/^sha256:/);
  });

  it("--format markdown prints a PR comment", async () => {
    const r = await run(project("empty-downgrade"), ["check", "--env", "production", "--format", "markdown", "--junit", junitPass]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^### 🛑 gonogo: \*\*no-go\*\* for `production`/);
    expect(r.stdout).toContain("| ⛔ no-go | `blocking-finding` |");
    expect(r.stdout).toContain("<summary>1 finding</summary>");
  });

  it("an environment the policy does not declare is a usage error (exit 2)", async () => {
    const r = await run(project("clean"), ["check", "--env", "qa"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--env qa: the policy (default) declares no such environment (known: development, staging, production)");
  });

  it("a custom environment from the policy file works", async () => {
    const r = await run(project("clean"), ["check", "--env", "eu-production", "--policy", join(fixtures, "policies", "custom.yaml"), "--junit", junitPass]);
    expect(r.code).toBe(1); // coverage and audit are required by the policy it extends
    expect(r.stdout).toContain("required input missing: coverage report (minimum 80 %)");
    expect(r.stdout).toContain("required input missing: npm audit report");
  });

  it("an invalid policy file is a config error (exit 2) naming the file and the path", async () => {
    const r = await run(project("clean"), ["check", "--env", "staging", "--policy", join(fixtures, "policies", "bad-approval.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-approval.yaml:3: /environments/staging/approval: expected one of "never", "first-time", "always"');
    expect(r.stdout).toBe("");
  });

  it("an environment name with shell metacharacters is refused before anything runs (exit 2)", async () => {
    const r = await run(project("clean"), ["check", "--env", "production;rm -rf /"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--env "production;rm -rf /": expected an environment name');
    expect(r.stdout).toBe("");
  });

  it("an invalid policy inside gonogo.config.yaml is a config error (exit 2)", async () => {
    const r = await run(project("clean"), ["check", "--env", "production", "--config", join(fixtures, "policies", "config-with-bad-policy.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config-with-bad-policy\.yaml:\d+[^\n]*policy[^\n]*failClosed/);
  });

  it("an option value that looks like an option is refused (exit 2)", async () => {
    const r = await run(project("clean"), ["check", "--env", "production", "--junit", "--rm"]);
    expect(r.code).toBe(2);
  });
});
