// A rule that crashes: the scan goes on, reports the registered gonogo/internal-error finding, and
// production fails closed on it (the policy's unanalysed ids include it).
import { afterEach, describe, expect, it, vi } from "vitest";
import { findRule } from "../rules/index.js";
import { scan } from "../src/engine/scan.js";
import { UNANALYSED_RULE_IDS } from "../src/engine/types.js";
import { defaultPolicy, evaluate } from "../src/policy/index.js";
import type { ReleaseFacts } from "../src/policy/types.js";
import { tempProject } from "./helpers.js";

const passingTests: ReleaseFacts["tests"] = { files: ["junit.xml"], total: 1, passed: 1, failed: 0, errors: 0, skipped: 0, failures: [] };

describe("gonogo/internal-error", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a crashing rule is a registered, documented, unanalysed finding; the other rules still report", async () => {
    const rule = findRule("sql/truncate")!;
    vi.spyOn(rule, "check").mockImplementation(() => {
      throw new Error("boom");
    });
    const cwd = tempProject({ "db/0001.sql": "TRUNCATE audit_log;\nDROP TABLE users;\n" });
    const result = await scan({ cwd, configFile: false });
    const crash = result.findings.filter((f) => f.ruleId === "gonogo/internal-error");
    expect(crash.map((f) => [f.file, f.line, f.column, f.severity, f.message])).toEqual([[".", 1, 1, "high", "Rule sql/truncate failed: boom"]]);
    expect(result.findings.some((f) => f.ruleId === "sql/drop-table")).toBe(true);
    expect(result.unanalysed).toContainEqual({ file: ".", ruleId: "gonogo/internal-error", message: "Rule sql/truncate failed: boom" });
    expect(findRule("gonogo/internal-error")?.docs.summary).toMatch(/crashed/);
    expect(UNANALYSED_RULE_IDS).toContain("gonogo/internal-error");

    const production = evaluate(result.findings, { environment: "production", tests: passingTests }, defaultPolicy());
    expect(production.decision).toBe("no-go");
    expect(production.reasons.find((r) => r.findings?.[0]?.ruleId === "gonogo/internal-error")).toMatchObject({ code: "unanalysed-file", effect: "no-go" });
  });

  it("without the crash the same project is not a no-go for that reason", async () => {
    const cwd = tempProject({ "db/0001.sql": "CREATE TABLE audit_log (id bigint PRIMARY KEY);\n" });
    const result = await scan({ cwd, configFile: false });
    expect(result.findings.filter((f) => f.ruleId === "gonogo/internal-error")).toEqual([]);
    expect(evaluate(result.findings, { environment: "production", tests: passingTests }, defaultPolicy()).decision).not.toBe("no-go");
  });
});
