// evaluateRollback: the rollback go/no-go as a pure policy function.
import { describe, expect, it } from "vitest";
import { defaultPolicy, evaluateRollback, withRollbackApprovalOverrides } from "../src/policy/index.js";

const at = "2025-01-02T03:04:05.000Z";
const facts = (environment: string) => ({ environment, project: "shop", version: "1.0.0", evaluatedAt: at });

describe("evaluateRollback", () => {
  it("production needs approval (the default policy's rollbackApproval), development goes", () => {
    const prod = evaluateRollback(undefined, facts("production"), defaultPolicy());
    expect(prod).toMatchObject({ decision: "needs-approval", requiredApprovals: 1, autoRollback: false, evaluatedAt: at, project: "shop", version: "1.0.0" });
    expect(prod.reasons).toEqual([{ code: "approval-required", effect: "needs-approval", message: "every rollback in production needs approval" }]);
    expect(evaluateRollback(undefined, facts("development"), defaultPolicy())).toMatchObject({ decision: "go", reasons: [], evaluatedAt: at });
  });

  it("a refused downgrade is a no-go, data it destroys is reported", () => {
    const plan = { migrations: [{ revision: "0002", destroys: ["column users.email"] }], refusals: ["migration 0003 (v/0003.py) has no real downgrade: NO downgrade() function"] };
    const decision = evaluateRollback(plan, facts("development"), defaultPolicy());
    expect(decision.decision).toBe("no-go");
    expect(decision.reasons.map((r) => [r.code, r.effect])).toEqual([
      ["downgrade-not-reversible", "no-go"],
      ["downgrade-destroys-data", "info"],
    ]);
    expect(decision.reasons[1]!.message).toBe("the downgrade destroys 0002: column users.email");
  });

  it("is pure: same inputs, same decision; an environment the policy lacks is a no-go", () => {
    expect(evaluateRollback(undefined, facts("staging"), defaultPolicy())).toEqual(evaluateRollback(undefined, facts("staging"), defaultPolicy()));
    expect(evaluateRollback(undefined, facts("qa"), defaultPolicy())).toMatchObject({ decision: "no-go", reasons: [{ code: "unknown-environment" }] });
  });
});

describe("withRollbackApprovalOverrides", () => {
  it("applies the release config's per-environment rollbackApproval, ignores environments the policy lacks", () => {
    const policy = defaultPolicy();
    const applied = withRollbackApprovalOverrides(policy, { production: { rollbackApproval: "never" }, qa: { rollbackApproval: "always" }, staging: { steps: [] } });
    expect(applied.environments.production!.rollbackApproval).toBe("never");
    expect(applied.environments.qa).toBeUndefined();
    expect(policy.environments.production!.rollbackApproval).toBe("always");
    expect(withRollbackApprovalOverrides(policy, undefined)).toBe(policy);
  });
});
