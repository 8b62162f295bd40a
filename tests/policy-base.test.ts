import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { defaultPolicy, environmentWeakenings, ruleSettingWeakenings } from "../src/policy/index.js";

describe("environmentWeakenings", () => {
  it("opening approvals to more people, dropping the terminal rule or lifting a freeze window weakens the policy", () => {
    const base = defaultPolicy().environments.production!;
    base.approvers = ["alice", "bob"];
    base.interactiveApproval = true;
    base.freeze = [{ days: ["fri"], from: "16:00", to: "23:59", timeZone: "UTC", effect: "no-go" }];
    const head = { ...base, approvers: ["alice", "bob", "mallory"], interactiveApproval: false, freeze: [] };
    expect(environmentWeakenings("production", base, head)).toEqual([
      "environments.production.approvers now also lets mallory approve",
      "environments.production.interactiveApproval turned off",
      "environments.production.freeze lifted 1 window",
    ]);
    const { approvers: _dropped, ...anyone } = base;
    expect(environmentWeakenings("production", base, anyone)).toEqual(["environments.production.approvers now also lets anyone approve"]);
    expect(environmentWeakenings("production", base, { ...base, approvers: ["alice"] })).toEqual([]);
  });

  it("names every way production got weaker", () => {
    const base = defaultPolicy().environments.production!;
    const head = structuredClone(base);
    head.approval = "first-time";
    head.block.severities = ["critical"];
    head.block.rules = [];
    head.failClosed = false;
    head.require.tests = false;
    expect(environmentWeakenings("production", base, head)).toEqual([
      "environments.production.approval lowered from always to first-time",
      "environments.production.failClosed turned off",
      "environments.production.block.severities no longer blocks high",
      "environments.production.block.rules no longer blocks alembic/missing-downgrade, alembic/empty-downgrade, alembic/dynamic-sql",
      "environments.production.require.tests turned off",
    ]);
  });

  it("a stricter policy is no weakening", () => {
    const base = defaultPolicy().environments.staging!;
    const head = structuredClone(base);
    head.approval = "always";
    head.block.severities = ["critical", "high"];
    head.require.coverage = 70;
    expect(environmentWeakenings("staging", base, head)).toEqual([]);
  });
});

describe("ruleSettingWeakenings", () => {
  const defaults = (id: string) => (id === "sql/drop-table" ? "critical" : id === "sql/rename-column" ? "medium" : undefined);
  it("a rule turned off or lowered, at top level or in an override", () => {
    expect(
      ruleSettingWeakenings(
        { rules: { "sql/rename-column": "high" } },
        { rules: { "sql/drop-table": "off", "sql/rename-column": "medium" }, overrides: [{ files: ["legacy/**"], rules: { "sql/drop-table": "low" } }] },
        defaults,
      ),
    ).toEqual([
      "rules.sql/drop-table turned off (was critical by default)",
      "rules.sql/rename-column lowered to medium (was high)",
      "overrides[0] (legacy/**): sql/drop-table lowered to low",
    ]);
  });
  it("raising a severity is fine", () => {
    expect(ruleSettingWeakenings({}, { rules: { "sql/rename-column": "high" } }, defaults)).toEqual([]);
  });
});

describe("gonogo check --base: a policy weakened by the release itself", () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.invalid", ...args], { cwd: repo, stdio: "pipe" });
  const junit = join(import.meta.dirname, "..", "fixtures", "policy", "junit", "pytest-pass.xml");
  const run = async (argv: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: repo, env: {} });
    return { code, stdout, stderr };
  };

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "gonogo-base-"));
    cpSync(join(import.meta.dirname, "..", "fixtures", "policy", "projects", "clean"), repo, { recursive: true });
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "base");
  });

  it("unchanged policy: no policy reason", async () => {
    const r = await run(["check", "--env", "production", "--junit", junit, "--base", "main"]);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain("policy-weakened");
  });

  it("approval lowered in the config being released → production no-go", async () => {
    writeFileSync(join(repo, "gonogo.config.yaml"), "project: shop\nmigrations: alembic/versions\npolicy:\n  environments:\n    production:\n      approval: never\n");
    const r = await run(["check", "--env", "production", "--junit", junit, "--base", "main"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[NO-GO] policy-weakened: the policy is weaker than at main: environments.production.approval lowered from always to never");
  });

  it("production rollback approval switched off in the release config (environments.production.rollbackApproval) → production no-go", async () => {
    writeFileSync(join(repo, "gonogo.config.yaml"), "project: shop\nmigrations: alembic/versions\nenvironments:\n  production:\n    rollbackApproval: never\n");
    const r = await run(["check", "--env", "production", "--junit", junit, "--base", "main"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[NO-GO] policy-weakened: the policy is weaker than at main: environments.production.rollbackApproval lowered from always to never");
  });

  it("the same override already on the base branch is the policy, not a weakening", async () => {
    writeFileSync(join(repo, "gonogo.config.yaml"), "project: shop\nmigrations: alembic/versions\nenvironments:\n  production:\n    rollbackApproval: never\n");
    git("commit", "-q", "-am", "override");
    const r = await run(["check", "--env", "production", "--junit", junit, "--base", "main"]);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain("policy-weakened");
  });

  it("a rule turned off in the config being released → production no-go", async () => {
    writeFileSync(join(repo, "gonogo.config.yaml"), "project: shop\nmigrations: alembic/versions\nrules:\n  alembic/empty-downgrade: \"off\"\n");
    const r = await run(["check", "--env", "production", "--junit", junit, "--base", "main"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("rules.alembic/empty-downgrade turned off");
  });

  it("a weakening in a --policy file is caught too; once on the base branch it is the policy", async () => {
    writeFileSync(join(repo, "policy.yaml"), "environments:\n  production:\n    require:\n      tests: true\n");
    git("add", "policy.yaml");
    git("commit", "-q", "-m", "policy");
    writeFileSync(join(repo, "policy.yaml"), "environments:\n  production:\n    block:\n      severities: [critical]\n");
    const weakened = await run(["check", "--env", "production", "--junit", junit, "--policy", "policy.yaml", "--base", "main"]);
    expect(weakened.code).toBe(1);
    expect(weakened.stdout).toContain("block.severities no longer blocks high");
    git("commit", "-q", "-am", "lower");
    const merged = await run(["check", "--env", "production", "--junit", junit, "--policy", "policy.yaml", "--base", "main"]);
    expect(merged.code).toBe(3);
  });

  it("a revision git does not know fails production closed", async () => {
    const r = await run(["check", "--env", "production", "--junit", junit, "--base", "no-such-branch"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[NO-GO\] input-unreadable: base revision no-such-branch could not be read: not known to git here/);
  });

  it("a --base that looks like an option is refused before git runs", async () => {
    const r = await run(["check", "--env", "production", "--base=--output=/tmp/x"]);
    expect(r.code).toBe(2);
  });
});
