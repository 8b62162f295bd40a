import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { defaultPolicy, hasApprovedRelease, loadPolicy, readApprovalHistory } from "../src/policy/index.js";

const dir = join(import.meta.dirname, "..", "fixtures", "policy");

describe("the default policy", () => {
  it("is DESIGN.md's table", () => {
    const { development, staging, production } = defaultPolicy().environments;
    expect(development).toMatchObject({ approval: "never", autoRollback: true, failClosed: false, block: { severities: [], rules: [] } });
    expect(staging).toMatchObject({ approval: "first-time", autoRollback: true, failClosed: false, block: { severities: ["critical"] } });
    expect(production).toMatchObject({
      approval: "always",
      rollbackApproval: "always",
      autoRollback: false,
      failClosed: true,
      block: { severities: ["critical", "high"], rules: ["alembic/missing-downgrade", "alembic/empty-downgrade", "alembic/dynamic-sql"], failedGates: true },
      require: { tests: true },
      rollbackTriggers: { healthFailures: 3, errorRatePercent: 5, p95LatencyFactor: 2 },
    });
  });

  it("is loaded when no policy is given", async () => {
    expect(await loadPolicy({ cwd: dir })).toEqual(defaultPolicy());
  });

  it("validates against the published schema once written as a policy file", () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "schema", "policy.json"), "utf8")) as object;
    const validate = new Ajv({ allowUnionTypes: true }).compile(schema);
    const { environments } = defaultPolicy();
    expect(validate({ environments }), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("loadPolicy", () => {
  it("merges a YAML policy file over the defaults and resolves extends", async () => {
    const policy = await loadPolicy({ cwd: dir, policyFile: "policies/custom.yaml" });
    expect(policy.source).toBe("policies/custom.yaml");
    const { production, preview, staging } = policy.environments;
    const eu = policy.environments["eu-production"];
    expect(production).toMatchObject({ approval: "always", require: { tests: true, coverage: 80, audit: ["critical", "high"] }, rollbackTriggers: { healthFailures: 5 } });
    expect(eu).toMatchObject({ extends: "production", approval: "always", autoRollback: false, require: { coverage: 80 }, rollbackTriggers: { healthFailures: 5, errorRatePercent: 2 } });
    expect(preview).toMatchObject({ extends: "development", approval: "never", autoRollback: true });
    expect(staging).toEqual({ ...defaultPolicy().environments.staging, rollbackTriggers: { healthFailures: 5, errorRatePercent: 5, p95LatencyFactor: 2 } });
  });

  it("reads JSON policy files", async () => {
    const policy = await loadPolicy({ cwd: dir, policyFile: join(dir, "policies/custom.json") });
    expect(policy.environments.staging).toMatchObject({ approval: "always", block: { severities: ["critical", "high"], rules: [] } });
  });

  it("a new environment without extends starts from production, the strictest", async () => {
    const policy = await loadPolicy({ cwd: dir, configPolicy: { environments: { qa: { approval: "never" } } }, configFile: "gonogo.config.yaml" });
    expect(policy.environments.qa).toMatchObject({ approval: "never", failClosed: true, require: { tests: true }, autoRollback: false });
  });

  it("the policy file wins over the config's policy section", async () => {
    const policy = await loadPolicy({ cwd: dir, policyFile: "policies/custom.json", configPolicy: { environments: { staging: { approval: "never" } } } });
    expect(policy.environments.staging?.approval).toBe("always");
  });

  const errorOf = async (opts: Parameters<typeof loadPolicy>[0]) => {
    try {
      await loadPolicy(opts);
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a ConfigError");
  };

  it("a wrong value names the file, the line, the JSON path and what was expected", async () => {
    const error = await errorOf({ cwd: dir, policyFile: "policies/bad-approval.yaml" });
    expect(error.name).toBe("ConfigError");
    expect(error.message).toBe('policies/bad-approval.yaml:3: /environments/staging/approval: expected one of "never", "first-time", "always"');
  });

  it("an unknown key is refused", async () => {
    const error = await errorOf({ cwd: dir, policyFile: "policies/unknown-key.yaml" });
    expect(error.message).toBe("policies/unknown-key.yaml:5: /environments/production/require/coverge: expected no such key (unknown key)");
  });

  it("an extends cycle is refused", async () => {
    const error = await errorOf({ cwd: dir, policyFile: "policies/extends-cycle.yaml" });
    expect(error.message).toMatch(/^policies\/extends-cycle\.yaml:\d+: \/environments\/(blue|green)\/extends: expected no cycle/);
  });

  it("extending an undeclared environment is refused", async () => {
    const error = await errorOf({ cwd: dir, configPolicy: { environments: { preview: { extends: "prod" } } }, configFile: "gonogo.config.yaml" });
    expect(error.message).toContain('/policy/environments/preview/extends: expected a declared environment, got "prod"');
  });

  it("an unknown rule id is refused", async () => {
    const error = await errorOf({ cwd: dir, policyFile: "policies/unknown-rule.yaml" });
    expect(error.message).toMatch(/\/environments\/production\/block\/rules\/0: expected a known rule id, got "alembic\/no-such-rule"/);
  });

  it("invalid YAML gives the line", async () => {
    const error = await errorOf({ cwd: dir, policyFile: "policies/invalid.yaml" });
    expect(error.name).toBe("ConfigError");
    expect(error.message).toMatch(/^policies\/invalid\.yaml:4:\d+: invalid YAML/);
  });

  it("a missing policy file is a ConfigError", async () => {
    const error = await errorOf({ cwd: dir, policyFile: "policies/nope.yaml" });
    expect(error.message).toBe("policies/nope.yaml: cannot read policy file (no such file)");
  });

  it("a wrong type inside a config file's policy section points into the config file", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gonogo-policy-"));
    writeFileSync(join(tmp, "gonogo.config.yaml"), "project: shop\npolicy:\n  environments:\n    production:\n      autoRollback: \"no\"\n");
    const error = await errorOf({ cwd: tmp, configPolicy: { environments: { production: { autoRollback: "no" } } }, configFile: join(tmp, "gonogo.config.yaml") });
    expect(error.message).toBe("gonogo.config.yaml:5: /policy/environments/production/autoRollback: expected a value of type boolean");
  });
});

describe("deployment-log history", () => {
  const log = join(dir, "logs", "deployments.jsonl");

  it("reads approval events and skips a torn last line", async () => {
    const events = await readApprovalHistory(log);
    expect(events.map((e) => `${e.project}/${e.environment}/${e.answer}`)).toEqual(["shop/staging/approved", "billing/staging/rejected", "billing/production/approved"]);
    expect(events[0]).toMatchObject({ approver: "alice", version: "1.1.0", decisionId: "dec_7f3a" });
  });

  it("an approved staging release counts; a rejected one or another environment does not", async () => {
    expect(await hasApprovedRelease(log, "shop", "staging")).toBe(true);
    expect(await hasApprovedRelease(log, "billing", "staging")).toBe(false);
    expect(await hasApprovedRelease(log, "inventory", "staging")).toBe(false);
  });

  it("a missing log is no history", async () => {
    expect(await readApprovalHistory(join(dir, "logs", "none.jsonl"))).toEqual([]);
    expect(await hasApprovedRelease(join(dir, "logs", "none.jsonl"), "shop", "staging")).toBe(false);
  });
});
