import { describe, expect, it } from "vitest";
import { defaultPolicy, evaluate, REASON_CODES, type ReleaseFacts, type TestResults } from "../src/policy/index.js";
import type { Finding, Severity } from "../src/types.js";

const AT = "2026-11-21T10:00:00.000Z";

function finding(ruleId: string, severity: Severity, file: string, line: number, message: string): Finding {
  return { ruleId, severity, message, file, line, column: 5, endLine: line, endColumn: 30, why: "…", instead: "…", docsUrl: `https://example.invalid/${ruleId}` };
}

const dropTable = finding("sql/drop-table", "critical", "alembic/versions/0042_drop_users.py", 21, "Table users is dropped");
const emptyDowngrade = finding("alembic/empty-downgrade", "high", "alembic/versions/0043_add_orders.py", 30, "downgrade() does nothing while upgrade() creates table orders");
const unparsable = finding("alembic/parse-error", "high", "alembic/versions/0044_broken.py", 12, "Python syntax error: unexpected indent");
const renameColumn = finding("sql/rename-column", "medium", "alembic/versions/0045_rename.py", 18, "Column users.name is renamed to full_name");

const passing: TestResults = { files: ["junit.xml"], total: 12, passed: 12, failed: 0, errors: 0, skipped: 0, failures: [] };
const failing: TestResults = { files: ["junit.xml"], total: 12, passed: 11, failed: 1, errors: 0, skipped: 0, failures: [{ name: "test_cancel_order", classname: "tests.test_orders", kind: "failure" }] };

const facts = (environment: string, extra: Partial<ReleaseFacts> = {}): ReleaseFacts => ({ environment, project: "shop", version: "1.2.0", evaluatedAt: AT, ...extra });
const codes = (d: { reasons: { code: string; effect: string }[] }) => d.reasons.map((r) => `${r.effect}:${r.code}`);

describe("evaluate: the seed scenarios", () => {
  const policy = defaultPolicy();

  it("development with a DROP TABLE → go, the finding reported", () => {
    const d = evaluate([dropTable], facts("development"), policy);
    expect(d.decision).toBe("go");
    expect(d.autoRollback).toBe(true);
    expect(d.reasons).toEqual([expect.objectContaining({ code: "findings-reported", effect: "info", findings: [expect.objectContaining({ ruleId: "sql/drop-table", line: 21 })] })]);
  });

  it("staging with a DROP TABLE → no-go (even when approved before)", () => {
    const d = evaluate([dropTable], facts("staging", { approvedBefore: true }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "blocking-finding", effect: "no-go", message: expect.stringContaining("alembic/versions/0042_drop_users.py:21 sql/drop-table") });
  });

  it("staging clean, first time → needs-approval; approved before → go", () => {
    const first = evaluate([], facts("staging"), policy);
    expect(first.decision).toBe("needs-approval");
    expect(first.requiredApprovals).toBe(1);
    expect(codes(first)).toEqual(["needs-approval:first-time-approval"]);
    const again = evaluate([], facts("staging", { approvedBefore: true }), policy);
    expect(again.decision).toBe("go");
    expect(again.requiredApprovals).toBe(0);
  });

  it("staging reports a medium finding without blocking", () => {
    const d = evaluate([renameColumn], facts("staging", { approvedBefore: true }), policy);
    expect(d.decision).toBe("go");
    expect(codes(d)).toEqual(["info:findings-reported", "info:approved-before"]);
  });

  it("production clean with passing tests → needs-approval, never automatic rollback", () => {
    const d = evaluate([], facts("production", { tests: passing }), policy);
    expect(d.decision).toBe("needs-approval");
    expect(codes(d)).toEqual(["needs-approval:approval-required", "info:tests-passed"]);
    expect(d.autoRollback).toBe(false);
  });

  it("production with an empty downgrade → no-go", () => {
    const d = evaluate([emptyDowngrade], facts("production", { tests: passing }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "blocking-finding", findings: [expect.objectContaining({ ruleId: "alembic/empty-downgrade" })] });
  });

  it("production blocks alembic/empty-downgrade by rule id even when configured down to low", () => {
    const d = evaluate([{ ...emptyDowngrade, severity: "low" }], facts("production", { tests: passing }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]?.message).toContain("rule alembic/empty-downgrade blocks in production");
  });

  it("production with an unparsable migration → no-go naming the file", () => {
    const d = evaluate([unparsable], facts("production", { tests: passing }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "unanalysed-file", effect: "no-go", message: expect.stringContaining("alembic/versions/0044_broken.py could not be analysed") });
  });

  it("an unanalysed file is reported but does not block development", () => {
    const d = evaluate([unparsable], facts("development"), policy);
    expect(d.decision).toBe("go");
    expect(codes(d)).toEqual(["info:unanalysed-file"]);
  });

  it("production with failing tests → no-go", () => {
    const d = evaluate([], facts("production", { tests: failing }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "tests-failed", message: expect.stringContaining("tests.test_orders.test_cancel_order") });
  });

  it("staging with failing tests given → no-go (the operators block staging on them too); without test results staging is not blocked", () => {
    const d = evaluate([], facts("staging", { tests: failing, approvedBefore: true }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "tests-failed", effect: "no-go" });
    expect(evaluate([], facts("staging", { approvedBefore: true }), policy).decision).toBe("go");
    expect(evaluate([], facts("development", { tests: failing }), policy).decision).toBe("go");
  });

  it("production with coverage under the minimum → no-go", () => {
    const strict = defaultPolicy();
    strict.environments.production!.require.coverage = 80;
    const coverage = { file: "coverage/coverage-summary.json", format: "istanbul-summary" as const, linesTotal: 1240, linesCovered: 744, linesPct: 60 };
    const d = evaluate([], facts("production", { tests: passing, coverage }), strict);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "coverage-below-minimum", message: "line coverage 60 % is under the minimum of 80 %" });
    const enough = evaluate([], facts("production", { tests: passing, coverage: { ...coverage, linesPct: 80 } }), strict);
    expect(enough.decision).toBe("needs-approval");
  });

  it("production without test results → no-go: required input missing", () => {
    const d = evaluate([], facts("production"), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]).toMatchObject({ code: "required-input-missing", effect: "no-go", message: "required input missing: test results" });
  });

  it("production with test results in which nothing ran → no-go", () => {
    const d = evaluate([], facts("production", { tests: { ...passing, total: 3, passed: 0, skipped: 3 } }), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]?.code).toBe("tests-empty");
  });
});

describe("evaluate: gates and unknowns", () => {
  const policy = defaultPolicy();

  it("no-go wins over needs-approval, and every reason is kept", () => {
    const d = evaluate([dropTable, renameColumn], facts("production"), policy);
    expect(d.decision).toBe("no-go");
    expect(codes(d)).toEqual(["no-go:blocking-finding", "no-go:required-input-missing", "needs-approval:approval-required", "info:findings-reported"]);
    expect(d.requiredApprovals).toBe(1);
  });

  it("high vulnerabilities block production, not development", () => {
    const audit = { file: "audit.json", counts: { info: 0, low: 1, moderate: 0, high: 2, critical: 0 }, total: 3, packages: [{ name: "braces", severity: "high" as const }] };
    const prod = evaluate([], facts("production", { tests: passing, audit }), policy);
    expect(prod.decision).toBe("no-go");
    expect(prod.reasons[0]).toMatchObject({ code: "vulnerabilities-found", message: expect.stringContaining("2 high") });
    const dev = evaluate([], facts("development", { audit }), policy);
    expect(dev.decision).toBe("go");
  });

  it("SARIF error results from another tool block production", () => {
    const sarif = [{ file: "semgrep.sarif", tools: ["Semgrep OSS"], errors: 1, warnings: 0, notes: 0, errorResults: [] }];
    expect(evaluate([], facts("production", { tests: passing, sarif }), policy).reasons[0]?.code).toBe("sarif-errors");
  });

  it("an input that could not be read fails production closed, and is reported elsewhere", () => {
    const inputProblems = [{ kind: "tests" as const, file: "junit.xml", message: "invalid XML at line 1" }];
    const prod = evaluate([], facts("production", { inputProblems }), policy);
    expect(codes(prod)).toEqual(["no-go:input-unreadable", "needs-approval:approval-required"]);
    const dev = evaluate([], facts("development", { inputProblems }), policy);
    expect(codes(dev)).toEqual(["info:input-unreadable"]);
  });

  it("an environment the policy does not declare is a no-go, not a throw", () => {
    const d = evaluate([], facts("qa"), policy);
    expect(d.decision).toBe("no-go");
    expect(d.reasons[0]?.code).toBe("unknown-environment");
  });

  it("every reason code it gives is documented", () => {
    const all = [
      evaluate([dropTable, renameColumn, unparsable], facts("production"), policy),
      evaluate([], facts("staging"), policy),
      evaluate([], facts("staging", { approvedBefore: true, tests: passing }), policy),
    ].flatMap((d) => d.reasons.map((r) => r.code));
    for (const code of all) expect(Object.keys(REASON_CODES)).toContain(code);
  });
});

describe("evaluate is pure", () => {
  it("same inputs → same decision, whatever the order of the findings", () => {
    const a = evaluate([dropTable, renameColumn, emptyDowngrade], facts("production", { tests: failing }), defaultPolicy());
    const b = evaluate([emptyDowngrade, dropTable, renameColumn], facts("production", { tests: failing }), defaultPolicy());
    expect(b).toEqual(a);
    expect(a.evaluatedAt).toBe(AT);
    expect(a.policyHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("does not change its arguments", () => {
    const findings = [renameColumn, dropTable];
    const f = facts("production", { tests: passing });
    const policy = defaultPolicy();
    const before = JSON.stringify([findings, f, policy]);
    evaluate(findings, f, policy);
    expect(JSON.stringify([findings, f, policy])).toBe(before);
  });

  it("the hashes follow the inputs and the policy, not the time", () => {
    const base = evaluate([], facts("production", { tests: passing }), defaultPolicy());
    const later = evaluate([], facts("production", { tests: passing, evaluatedAt: "2027-01-01T00:00:00.000Z" }), defaultPolicy());
    expect(later.inputsHash).toBe(base.inputsHash);
    const otherInputs = evaluate([renameColumn], facts("production", { tests: passing }), defaultPolicy());
    expect(otherInputs.inputsHash).not.toBe(base.inputsHash);
    const changed = defaultPolicy();
    changed.environments.production!.require.coverage = 70;
    expect(evaluate([], facts("production", { tests: passing }), changed).policyHash).not.toBe(base.policyHash);
  });
});

describe("freeze windows", () => {
  const frozen = () => {
    const p = defaultPolicy();
    p.environments.production!.freeze = [{ days: ["fri"], from: "16:00", to: "23:59", timeZone: "Europe/Berlin", effect: "no-go", reason: "no Friday-evening deploys" }];
    p.environments.staging!.freeze = [{ days: ["sat"], from: "22:00", to: "06:00", timeZone: "UTC", effect: "needs-approval" }];
    return p;
  };
  const at = (iso: string, environment: string) => evaluate([], { environment, project: "shop", evaluatedAt: iso, approvedBefore: true, tests: passing }, frozen());

  it("inside the window (Friday 17:30 in Berlin = 15:30 UTC in winter) production is a no-go naming the window", () => {
    const d = at("2026-12-04T15:30:00.000Z", "production");
    expect(d.decision).toBe("no-go");
    expect(d.reasons.find((r) => r.code === "deploy-freeze")).toMatchObject({ effect: "no-go", message: "production is frozen fri 16:00–23:59 Europe/Berlin (no Friday-evening deploys)" });
  });

  it("outside it (Friday 14:59 UTC = 15:59 Berlin, or Thursday) there is no freeze reason", () => {
    expect(at("2026-12-04T14:59:00.000Z", "production").reasons.map((r) => r.code)).not.toContain("deploy-freeze");
    expect(at("2026-12-03T17:00:00.000Z", "production").reasons.map((r) => r.code)).not.toContain("deploy-freeze");
  });

  it("a window past midnight covers the next morning, with the configured effect", () => {
    expect(at("2026-12-06T05:00:00.000Z", "staging").reasons.find((r) => r.code === "deploy-freeze")).toMatchObject({ effect: "needs-approval" });
    expect(at("2026-12-06T06:00:00.000Z", "staging").reasons.map((r) => r.code)).not.toContain("deploy-freeze");
    expect(at("2026-12-05T21:59:00.000Z", "staging").reasons.map((r) => r.code)).not.toContain("deploy-freeze");
  });
});
