import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCoverage, parseJUnit, parseNpmAudit, parseSarif, readReleaseInputs } from "../src/policy/index.js";

const dir = join(import.meta.dirname, "..", "fixtures", "policy");
const read = (rel: string) => readFileSync(join(dir, rel), "utf8");

describe("JUnit XML", () => {
  it("counts a passing pytest run with a skipped test", () => {
    const r = parseJUnit(read("junit/pytest-pass.xml"), "pytest-pass.xml");
    expect(r).toMatchObject({ total: 5, passed: 4, failed: 0, errors: 0, skipped: 1, failures: [] });
  });

  it("separates pytest failures from errors and keeps their names and messages", () => {
    const r = parseJUnit(read("junit/pytest-fail.xml"), "pytest-fail.xml");
    expect(r).toMatchObject({ total: 4, passed: 2, failed: 1, errors: 1, skipped: 0 });
    expect(r.failures).toEqual([
      expect.objectContaining({ name: "test_cancel_order", classname: "tests.test_orders", kind: "failure", message: expect.stringContaining("assert 'pending' == 'cancelled'") }),
      expect.objectContaining({ name: "test_migrations_apply", kind: "error", message: expect.stringContaining("could not connect") }),
    ]);
  });

  it("reads vitest's junit reporter (one suite per file, <skipped/>)", () => {
    const r = parseJUnit(read("junit/vitest.xml"), "vitest.xml");
    expect(r).toMatchObject({ total: 6, passed: 4, failed: 1, errors: 0, skipped: 1 });
    expect(r.failures[0]).toMatchObject({ name: "cart > applies a discount code", message: "expected 90 to be 81 // Object.is equality" });
  });

  it("reads jest-junit", () => {
    expect(parseJUnit(read("junit/jest-junit.xml"), "jest.xml")).toMatchObject({ total: 5, passed: 4, failed: 0, skipped: 1 });
  });

  it("reads a surefire report: a failure counts, a flaky failure that passed on rerun does not", () => {
    const r = parseJUnit(read("junit/TEST-com.example.orders.OrderServiceTest.xml"), "TEST.xml");
    expect(r).toMatchObject({ total: 4, passed: 3, failed: 1, errors: 0 });
    expect(r.failures[0]).toMatchObject({ name: "appliesVoucher", classname: "com.example.orders.OrderServiceTest" });
  });

  it("counts an empty suite as zero tests", () => {
    expect(parseJUnit(read("junit/empty-suite.xml"), "e.xml")).toMatchObject({ total: 0, passed: 0 });
  });

  it("rejects a truncated file with the line of the problem", () => {
    expect(() => parseJUnit(read("junit/truncated.xml"), "t.xml")).toThrow(/invalid XML at line \d+/);
  });

  it("rejects XML that is not JUnit", () => {
    expect(() => parseJUnit("<project><modelVersion>4.0.0</modelVersion></project>", "pom.xml")).toThrow(/not JUnit XML/);
  });
});

describe("coverage", () => {
  it("reads line coverage from Istanbul's coverage-summary.json", () => {
    expect(parseCoverage(read("coverage/coverage-summary.json"), "c.json")).toEqual({
      file: "c.json",
      format: "istanbul-summary",
      linesTotal: 1240,
      linesCovered: 1054,
      linesPct: 85,
    });
  });

  it("sums LF/LH over the records of an lcov file", () => {
    expect(parseCoverage(read("coverage/lcov.info"), "lcov.info")).toMatchObject({ format: "lcov", linesTotal: 10, linesCovered: 6, linesPct: 60 });
  });

  it("counts DA lines when an lcov record has no LF/LH", () => {
    expect(parseCoverage(read("coverage/lcov-no-summary.info"), "l.info")).toMatchObject({ linesTotal: 4, linesCovered: 3, linesPct: 75 });
  });

  it("rejects files that are neither", () => {
    expect(() => parseCoverage('{"lines": 80}', "x.json")).toThrow(/not an Istanbul coverage summary/);
    expect(() => parseCoverage("Coverage: 80%\n", "x.txt")).toThrow(/not an lcov tracefile/);
  });
});

describe("npm audit", () => {
  it("reads counts by severity and the vulnerable packages (v7+ format)", () => {
    const r = parseNpmAudit(read("audit/npm-audit-high.json"), "audit.json");
    expect(r.counts).toEqual({ info: 0, low: 1, moderate: 0, high: 2, critical: 0 });
    expect(r.total).toBe(3);
    expect(r.packages).toContainEqual({ name: "braces", severity: "high" });
  });

  it("reads a clean report", () => {
    expect(parseNpmAudit(read("audit/npm-audit-clean.json"), "a.json").total).toBe(0);
  });

  it("reports npm's own error object instead of reading it as clean", () => {
    expect(() => parseNpmAudit('{"error":{"code":"ENOLOCK","summary":"This command requires an existing lockfile."}}', "a.json")).toThrow(/requires an existing lockfile/);
  });
});

describe("SARIF", () => {
  it("counts error-level results, taking the rule's default level and ignoring kind=pass", () => {
    const r = parseSarif(read("sarif/semgrep.sarif"), "semgrep.sarif");
    expect(r).toMatchObject({ tools: ["Semgrep OSS"], errors: 1, warnings: 1, notes: 0 });
    expect(r.errorResults[0]).toMatchObject({ uri: "app/api/orders.py", line: 42, ruleId: expect.stringContaining("tainted-sql-string") });
  });

  it("a log with notes only has no errors", () => {
    expect(parseSarif(read("sarif/hadolint-clean.sarif"), "h.sarif")).toMatchObject({ errors: 0, notes: 1 });
  });

  it("rejects JSON that is not SARIF", () => {
    expect(() => parseSarif('{"results": []}', "x.sarif")).toThrow(/runs array/);
  });
});

describe("readReleaseInputs", () => {
  it("sums several JUnit files and turns unreadable ones into input problems", async () => {
    const inputs = await readReleaseInputs({
      cwd: dir,
      junit: ["junit/pytest-pass.xml", "junit/vitest.xml", "junit/truncated.xml", "junit/missing.xml"],
      coverage: "coverage/lcov.info",
    });
    expect(inputs.tests).toMatchObject({ total: 11, failed: 1, files: ["junit/pytest-pass.xml", "junit/vitest.xml"] });
    expect(inputs.coverage?.linesPct).toBe(60);
    expect(inputs.inputProblems).toEqual([
      expect.objectContaining({ kind: "tests", file: "junit/truncated.xml", message: expect.stringMatching(/invalid XML/) }),
      { kind: "tests", file: "junit/missing.xml", message: "no such file" },
    ]);
  });
});
